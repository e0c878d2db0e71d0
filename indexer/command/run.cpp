#include "indexer/command/run.h"

#include <unistd.h>
#include <xapian.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "core/index_stub.h"
#include "core/json_writer.h"
#include "indexer/captions/caption_file.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"
#include "indexer/command/report.h"
#include "indexer/index/build.h"
#include "indexer/index/generation.h"
#include "indexer/index/space_guard.h"
#include "indexer/index/stats.h"
#include "indexer/sources/caption_fetch.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// The index folder of the run, for on_terminate.
std::string g_index_dir;

class ProgressBar {
  public:
    explicit ProgressBar(bool enabled) : enabled_(enabled) {}
    void update(const BuildProgress& p) {
        if (!enabled_ || p.total == 0) return;
        const int width = 40;
        const int filled =
            static_cast<int>(static_cast<double>(p.done) / static_cast<double>(p.total) * width);
        if (filled == last_ && p.done != p.total && p.done % 500 != 0) return;
        last_ = filled;
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(static_cast<std::size_t>(width), '.');
        std::fprintf(stderr, "\rindexing [%s] %zu/%zu talks", bar.c_str(), p.done, p.total);
        if (p.done == p.total) std::fputs("\n", stderr);
        std::fflush(stderr);
    }

  private:
    bool enabled_;
    int last_ = -1;
};

// The sources file's fetch.captions, before a build or update: what it could
// not fetch is said, and the run goes on with what the store holds.
void fetch_before_indexing(const CaptionFetchOptions& options, bool verbose) {
    try {
        const CaptionFetchReport r = fetch_captions(options);
        for (const FetchProblem& p : r.problems) {
            if (p.status == "no-video" && !verbose) continue;
            std::cerr << p.talk_id << (p.url.empty() ? "" : " " + p.url)
                      << ": warning: caption fetch " << p.status << ": " << p.reason << "\n";
        }
        if (r.rate_limited) {
            std::cerr << "talksearch-index: warning: caption fetch stopped by a rate limit; "
                      << r.not_reached << " videos are left for the next run\n";
        }
        if (verbose || r.fetched + r.no_captions + r.failed > 0) {
            std::cerr << "talksearch-index: fetched captions: " << r.fetched << " videos with, "
                      << r.no_captions << " without, " << r.failed << " failed, " << r.up_to_date
                      << " up to date\n";
        }
    } catch (const std::exception& e) {  // LockBusy, no yt-dlp, an unreadable catalogue
        std::cerr << "talksearch-index: warning: caption fetch skipped: " << e.what() << "\n";
    }
}

// Runs the build or update of `options` and reports it; see run_indexing.
int index_and_report(const BuildOptions& options, bool update, bool verbose,
                     const std::string& report_path) {
    ProgressBar bar(::isatty(STDERR_FILENO) != 0);
    BuildReport report;
    std::string error;
    int code = kExitOk;
    try {
        const auto progress = [&](const BuildProgress& p) { bar.update(p); };
        report = update ? update_index(options, progress) : build_index(options, progress);
    } catch (const LockBusy& e) {
        error = e.what();
        code = kExitLocked;
    } catch (const std::exception& e) {  // Error, or a filesystem or allocation failure
        error = std::string(update ? "update" : "build") +
                " failed, the index is unchanged: " + e.what();
        error += full_disk_note(options.index_dir.string(), error);
        code = kExitFailed;
    }
    if (!report_path.empty()) {
        if (code == kExitOk) code = report.skipped() > 0 ? kExitSkipped : kExitOk;
        std::ofstream out(report_path, std::ios::trunc);
        out << report_json(report, error, code);
        if (!out) std::cerr << "talksearch-index: cannot write the report " << report_path << "\n";
    }
    if (!error.empty()) {
        std::cerr << "talksearch-index: " << error << "\n";
        return code;
    }
    std::size_t warnings = 0;
    for (const InputProblem& p : report.problems) {
        if (!p.skipped) ++warnings;
        if (!p.skipped && !verbose) continue;
        std::cerr << p.path << (p.line ? ":" + std::to_string(p.line) : "") << ": "
                  << (p.skipped ? "skipped: " : "warning: ") << p.message << "\n";
    }
    if (verbose) {
        for (const std::string& change : report.changes) std::cerr << change << "\n";
    }
    std::cout << summary_line(report, update, verbose, warnings);
    return report.skipped() > 0 ? kExitSkipped : kExitOk;
}

void print_cue(const Cue& c, bool json, bool timed = true) {
    std::string line;
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("start_ms").value(static_cast<std::int64_t>(c.start_ms));
        w.key("end_ms").value(static_cast<std::int64_t>(c.end_ms));
        w.key("speaker").string_or_null(c.speaker);
        w.key("text").value(c.text);
        w.end_object();
        line = w.take() + "\n";
    } else {
        line = timed ? format_cue_time(c.start_ms) + " --> " + format_cue_time(c.end_ms) + "  "
                     : std::string("(untimed)  ");
        if (!c.speaker.empty()) line += "[" + c.speaker + "] ";
        std::string text = c.text;
        for (char& ch : text) {
            if (ch == '\n') ch = ' ';
        }
        line += text + "\n";
    }
    std::fwrite(line.data(), 1, line.size(), stdout);
}

// Writes `entries` as the stub `output` once they make one whole index (with
// `check`); see run_stub.
int write_checked_stub(const std::string& output, const std::vector<StubEntry>& entries,
                       bool check) {
    const fs::path target = fs::absolute(output);
    const fs::path draft = target.string() + ".draft";
    write_stub_file(draft, format_stub(entries));
    if (check) {
        IndexStats s;
        try {
            s = read_index_stats(draft);
        } catch (const Error& e) {
            fs::remove(draft);
            std::string why = e.what();
            if (why.starts_with(draft.string())) why = why.substr(draft.string().size());
            throw Error(output + " not written" + why);
        }
        std::vector<std::string> problems = s.problems;
        if (s.shards.size() == 1)  // one shard alone: stats does not ask for the others
            problems = check_parts({s.shards[0].label}, {s.shards[0].part});
        if (!problems.empty()) {
            fs::remove(draft);
            for (const std::string& p : problems) std::cerr << "talksearch-index: " << p << "\n";
            std::cerr << "talksearch-index: " << output
                      << " not written: the shards do not make one whole index\n";
            return kExitFailed;
        }
        for (const IndexStats::Shard& shard : s.shards) {
            std::cout << shard.label << "  part " << (shard.part.empty() ? "-" : shard.part) << "  "
                      << shard.talks << " talks\n";
        }
        std::cout << "talks: " << s.talks << "\n";
    }
    fs::rename(draft, target);
    std::cout << "wrote " << output << " (" << entries.size() << " shards)\n";
    return kExitOk;
}

}  // namespace

int run_indexing(const IndexingFlags& flags, bool update, const std::string& default_index) {
    BuildOptions options;
    std::optional<CaptionFetchOptions> fetch_first;
    try {
        options = indexing_options(flags, update, default_index, &fetch_first);
    } catch (const Error& e) {
        std::cerr << e.what() << "\n";
        return kExitFailed;
    }
    if (fetch_first) fetch_before_indexing(*fetch_first, flags.verbose);
    g_index_dir = options.index_dir.string();
    return index_and_report(options, update, flags.verbose, flags.report_path);
}

int run_captions(const std::string& file, const std::string& format, bool raw) {
    Captions parsed;
    try {
        parsed = read_caption_file(file);
    } catch (const ParseError& e) {
        std::cerr << file << (e.line() ? ":" + std::to_string(e.line()) : "") << ": " << e.what()
                  << "\n";
        return kExitFailed;
    } catch (const Error& e) {
        std::cerr << file << ": " << e.what() << "\n";
        return kExitFailed;
    }
    for (const Warning& w : parsed.warnings) {
        std::cerr << file << ":" << w.line << ": warning: " << w.message << "\n";
    }
    const bool json = format == "json";
    if (raw) {
        for (const Cue& c : parsed.cues) print_cue(c, json, caption_format_is_timed(parsed.format));
        return kExitOk;
    }
    const CleanCaptions clean = clean_cues(std::move(parsed.cues));
    const bool timed = caption_format_is_timed(parsed.format);
    for (const Cue& c : clean.cues) print_cue(c, json, timed);
    for (const SuspectStretch& s : clean.suspect) {
        std::cerr << file << ": " << describe_loop(s) << "\n";
    }
    if (clean.rolling_lines_removed > 0) {
        std::cerr << file << ": " << clean.rolling_lines_removed
                  << " rolling line(s) of auto-captions removed (each line is kept once)\n";
    }
    return kExitOk;
}

int run_stats(const std::string& index, const std::string& format) {
    try {
        const IndexStats s = read_index_stats(index);
        std::cout << (format == "json" ? stats_to_json(s) + "\n" : stats_to_text(s));
        for (const std::string& p : s.problems) std::cerr << "talksearch-index: " << p << "\n";
        return s.problems.empty() ? kExitOk : kExitSkipped;
    } catch (const Error& e) {
        std::cerr << "talksearch-index: " << e.what() << "\n";
        return kExitFailed;
    }
}

int run_stub(const std::string& output, const std::vector<std::string>& shards, bool check) {
    try {
        std::vector<StubEntry> entries;
        for (const std::string& shard : shards) {
            std::error_code ec;
            if (fs::exists(shard, ec)) {
                StubEntry e;
                e.path = fs::absolute(shard);  // the stub may live elsewhere
                entries.push_back(std::move(e));
            } else {
                entries.push_back(parse_remote(shard));
            }
        }
        return write_checked_stub(output, entries, check);
    } catch (const std::exception& e) {
        std::cerr << "talksearch-index: " << e.what() << "\n";
        return kExitFailed;
    }
}

void on_terminate() {
    const int error_number = errno;  // what the failed write set, most likely
    // With no exception at hand (one thrown while another unwound), name the
    // last failed call's error when it is a storage one.
    std::string what = "an unexpected error";
    if (error_number == ENOSPC || error_number == EIO || error_number == EDQUOT ||
        error_number == EFBIG) {
        what += std::string(" while writing (") + std::strerror(error_number) + ")";
    }
    if (const std::exception_ptr e = std::current_exception()) {
        try {
            std::rethrow_exception(e);
        } catch (const Xapian::Error& x) {
            what = x.get_description();
        } catch (const std::exception& x) {
            what = x.what();
        } catch (...) {
        }
    }
    // Before the partial generation is removed, which frees its space.
    what += full_disk_note(g_index_dir, what);
    remove_partial_generation();
    give_back_update_space();
    const std::string line = "talksearch-index: failed, the index is unchanged: " + what + "\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
    std::_Exit(kExitFailed);
}

}  // namespace talksearch

// talksearch-index: options -> library calls -> exit code.
#include <sys/statvfs.h>
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "core/index_path.h"
#include "core/index_stub.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "indexer/captions/caption_file.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"
#include "indexer/index/build.h"
#include "indexer/index/generation.h"
#include "indexer/index/stats.h"
#include "indexer/sources/config.h"

namespace fs = std::filesystem;
using namespace talksearch;

namespace {

// Exit codes (documented in --help and README).
constexpr int kExitOk = 0;
constexpr int kExitSkipped = 1;  // some inputs were skipped, the rest indexed
constexpr int kExitFailed = 2;   // the run failed; the live index is as it was
constexpr int kExitLocked = 75;  // EX_TEMPFAIL: another writer is running

std::string format_time(std::int64_t ms) {
    const bool negative = ms < 0;
    if (negative) ms = -ms;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%03lld", negative ? "-" : "",
                  static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                  static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
    return buf;
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
        line = timed ? format_time(c.start_ms) + " --> " + format_time(c.end_ms) + "  "
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

int run_captions(const std::string& file, const std::string& format, bool raw) {
    Captions parsed;
    try {
        parsed = read_caption_file(file, 1ull << 30);
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
        std::cerr << file << ": repetition loop collapsed: a block of " << s.period
                  << " cue(s) repeated " << s.repeats << " times from " << format_time(s.start_ms)
                  << " to " << format_time(s.end_ms) << "\n";
    }
    return kExitOk;
}

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

// The --report file: what the run did, as JSON.
std::string report_json(const BuildReport& r, const std::string& error, int exit_code) {
    JsonWriter w;
    w.begin_object();
    w.key("mode").value(r.mode);
    w.key("exit_code").value(static_cast<std::int64_t>(exit_code));
    w.key("error").string_or_null(error);
    w.key("generation").string_or_null(r.generation);
    w.key("talks").value(static_cast<std::uint64_t>(r.talks));
    w.key("added").value(static_cast<std::uint64_t>(r.added));
    w.key("replaced").value(static_cast<std::uint64_t>(r.replaced));
    w.key("deleted").value(static_cast<std::uint64_t>(r.deleted));
    w.key("unchanged").value(static_cast<std::uint64_t>(r.unchanged));
    w.key("changes").strings(r.changes);
    w.key("caption_files").value(static_cast<std::uint64_t>(r.caption_files));
    w.key("caption_files_used").value(static_cast<std::uint64_t>(r.caption_files_used));
    // The skipped inputs, then the warnings: path, line, reason, message each.
    const auto problems = [&](const char* key, bool skipped) {
        w.key(key).begin_array();
        for (const InputProblem& p : r.problems) {
            if (p.skipped != skipped) continue;
            w.begin_object();
            w.key("path").value(p.path);
            w.key("line").value(static_cast<std::uint64_t>(p.line));
            w.key("reason").value(p.reason);
            w.key("message").value(p.message);
            w.end_object();
        }
        w.end_array();
    };
    problems("skipped", true);
    w.key("warnings").value(static_cast<std::uint64_t>(r.problems.size() - r.skipped()));
    problems("warning_list", false);
    w.key("fetch_errors").begin_array();
    for (const InputProblem& p : r.problems) {
        if (p.reason != "fetch") continue;
        w.begin_object();
        w.key("url").value(p.path);
        w.key("error").value(p.message);
        w.key("used_cached_copy").value(!p.skipped);
        w.end_object();
    }
    w.end_array();
    w.key("bytes_written").value(r.bytes_written);
    w.key("seconds").value(r.seconds, 3);
    w.end_object();
    return w.take() + "\n";
}

// A note for a run that failed on a storage error (a Xapian database error,
// which is how a write that ran out of space can show: as a corrupt block)
// when the disk holding DIR is low on space (under 64 MiB or 1% free), else "".
std::string full_disk_note(const std::string& dir, const std::string& error) {
    if (error.find("No space left") != std::string::npos) return {};  // said already
    if (error.find("Database") == std::string::npos && error.find("writ") == std::string::npos) {
        return {};
    }
    struct statvfs fs {};
    if (dir.empty() || ::statvfs(dir.c_str(), &fs) != 0) return {};
    const unsigned long long free_bytes =
        static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize;
    const unsigned long long size = static_cast<unsigned long long>(fs.f_blocks) * fs.f_frsize;
    if (free_bytes >= (64ull << 20) && free_bytes * 100 >= size) return {};
    return " (low on space: the disk holding " + dir + " has " + std::to_string(free_bytes / 1024) +
           " KB free, and a write that runs out of space can show as a corrupt block)";
}

int run_indexing(const BuildOptions& options, bool update, bool verbose,
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
    std::string skipped;
    for (const auto& [reason, n] : report.skipped_by_reason()) {
        skipped += (skipped.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    }
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", report.seconds);
    const std::string tail = ", skipped " + std::to_string(report.skipped()) +
                             (skipped.empty() ? "" : " (" + skipped + ")") + ", " +
                             std::to_string(warnings) + " warnings" +
                             (verbose || warnings == 0 ? "" : " (--verbose lists them)") + ", " +
                             secs + " s\n";
    if (update) {
        if (report.added + report.replaced + report.deleted == 0) {
            std::cout << "no change: unchanged " << report.unchanged << " talks, nothing written"
                      << tail;
        } else {
            std::cout << "updated: added " << report.added << ", replaced " << report.replaced
                      << ", deleted " << report.deleted << ", unchanged " << report.unchanged
                      << "; " << report.talks << " talks" << tail;
        }
    } else {
        std::cout << "indexed " << report.talks << " talks (" << report.talks_with_captions
                  << " with captions, " << report.caption_only_talks << " from captions alone, "
                  << report.repeated_talks << " given at more than one event), "
                  << report.caption_files_used << "/" << report.caption_files << " caption files"
                  << tail;
    }
    return report.skipped() > 0 ? kExitSkipped : kExitOk;
}

// Xapian 1.4 can throw from a destructor while unwinding from a failed
// write inside commit() (seen with a full disk), which ends the process
// through std::terminate. Say what happened, remove the half-written
// generation, and exit like any failed run: the live index is untouched (a
// generation is published only after its commit; an in-place commit that
// does not finish leaves the previous revision).
// The index folder of the run, for on_terminate.
std::string g_index_dir;

[[noreturn]] void on_terminate() {
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
    const std::string line = "talksearch-index: failed, the index is unchanged: " + what + "\n";
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
    std::_Exit(kExitFailed);
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

// `talksearch-index stub`: the shards in Xapian's stub syntax, checked (every
// shard opened, their parts one whole index) before the file is replaced.
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
                for (const std::string& p : problems)
                    std::cerr << "talksearch-index: " << p << "\n";
                std::cerr << "talksearch-index: " << output
                          << " not written: the shards do not make one whole index\n";
                return kExitFailed;
            }
            for (const IndexStats::Shard& shard : s.shards) {
                std::cout << shard.label << "  part " << (shard.part.empty() ? "-" : shard.part)
                          << "  " << shard.talks << " talks\n";
            }
            std::cout << "talks: " << s.talks << "\n";
        }
        fs::rename(draft, target);
        std::cout << "wrote " << output << " (" << entries.size() << " shards)\n";
        return kExitOk;
    } catch (const std::exception& e) {
        std::cerr << "talksearch-index: " << e.what() << "\n";
        return kExitFailed;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::set_terminate(on_terminate);
    CLI::App app{"talksearch-index: index conference talks and their captions into a Xapian index"};
    app.footer(
        "Examples:\n"
        "  talksearch-index build --talks pyvideo-data --captions captions/ --index ./index\n"
        "  talksearch-index update --config /etc/talksearch/sources.json\n"
        "  talksearch-index captions talk.en.vtt --format json\n"
        "  talksearch-index stats --index ./index --format json\n\n"
        "Exit codes: 0 success; 1 some inputs were skipped (the rest indexed); 2 the run failed\n"
        "(the live index is left as it was); 75 another indexer is running.\n"
        "--index defaults to $TALKSEARCH_INDEX, else ~/.local/share/talksearch/index.");
    app.require_subcommand(1);
    const std::string default_index =
        default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));

    BuildOptions build;
    std::vector<std::string> talk_roots, caption_roots, manifests, ytdlp_roots;
    std::string build_index_dir, config_path, report_path;
    bool verbose = false;
    double grace_s = 600;
    auto add_source_options = [&](CLI::App* cmd) {
        cmd->add_option("--config", config_path,
                        "A sources file (JSON: docs/OPERATIONS.md); flags add to it");
        cmd->add_option("--talks", talk_roots,
                        "Catalogue folder(s) in pyvideo.org's layout (<event>/videos/<slug>.json)");
        cmd->add_option("--captions", caption_roots,
                        "Folder(s) of caption files, searched recursively");
        cmd->add_option("--manifest", manifests,
                        "Manifest(s) pairing caption files with talk files");
        cmd->add_option(
            "--ytdlp", ytdlp_roots,
            "Folder(s) of yt-dlp output: <name>.info.json with <name>.<lang>.vtt beside");
        cmd->add_option("--index", build_index_dir,
                        "Index folder (default: the config's, else $TALKSEARCH_INDEX, else " +
                            default_index + ")");
        cmd->add_option("--default-language", build.default_language,
                        "Language of captions whose name and talk tell none")
            ->capture_default_str();
        cmd->add_flag("--allow-shrink", build.allow_shrink,
                      "Publish even when the result holds under half the live index's talks");
        cmd->add_option("--grace", grace_s,
                        "Seconds an earlier generation is kept after it stopped being live")
            ->capture_default_str()
            ->check(CLI::Range(0.0, 1e7));
        cmd->add_option("--report", report_path, "Write what the run did as JSON to this file");
        cmd->add_flag("--verbose,-v", verbose,
                      "List every warning and every added, replaced and deleted talk");
    };
    auto* b =
        app.add_subcommand("build", "Build a fresh index from talk metadata and caption files");
    add_source_options(b);
    // Test-only and hidden from --help (docs/TESTING.md, row A10): damages the new generation
    // just before its consistency check, which must then refuse it.
    b->add_flag("--test-corrupt-before-check", build.test_corrupt_before_check)->group("");
    b->add_option("--jobs,-j", build.jobs,
                  "Shards written at once, one thread each (default: two per CPU core, at most 8)")
        ->check(CLI::Range(1u, 64u));
    b->add_option("--shard-talks", build.shard_talks,
                  "Talks per piece written in parallel, at most; the pieces are merged at the end "
                  "(default: 2500)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    b->add_option("--shards", build.shards,
                  "Split the index into this many shards: FOLDER/shard-0 ... and a stub listing "
                  "them (default: as the folder is; one for a new folder). docs/SCALING.md")
        ->check(CLI::Range(1u, 1024u));
    std::string part_text;
    b->add_option("--shard", part_text,
                  "Write only shard K of N (K/N, from 0) into the folder: a shard built on its own "
                  "host. Later runs on the folder keep its part");
    b->footer(
        "Writes a new generation, checks it, and makes it live atomically.\n"
        "Split into shards (--shards N), each shard is built and made live in turn.\n"
        "Example:\n  talksearch-index build --talks ../shared/corpus/pyvideo-data \\\n"
        "      --captions ../shared/corpus/pycon-captions \\\n"
        "      --manifest ../shared/corpus/pycon-captions/manifest.json --index ./index");
    auto* u = app.add_subcommand(
        "update", "Bring the index up to date with the sources: only changed talks are rewritten");
    add_source_options(u);
    u->footer(
        "Re-reads the sources, replaces the talks whose content changed, adds new ones and\n"
        "deletes vanished ones in one atomic commit (per shard, for an index in shards; a\n"
        "shard's own folder gets the talks of its part). For cron:\n"
        "  */30 * * * * talksearch-index update --config /etc/talksearch/sources.json");

    std::string caption_file, caption_format = "text";
    bool raw = false;
    auto* c = app.add_subcommand("captions", "Print the cues talksearch reads in a caption file");
    c->add_option("FILE", caption_file, "A caption file (WebVTT or SubRip)")->required();
    c->add_option("--format", caption_format, "text or json (one object a line)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    c->add_flag("--raw", raw, "Print the parser's cues before cleaning");
    c->footer("Example:\n  talksearch-index captions talk.en.srt --format json");

    std::string stats_index = default_index, stats_format = "text";
    auto* s = app.add_subcommand("stats", "Summarise an index");
    s->add_option("--index", stats_index,
                  "Index folder, or a stub file listing shards (local or remote HOST:PORT)")
        ->capture_default_str();
    s->add_option("--format", stats_format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    s->footer("Example:\n  talksearch-index stats --index ./index --format json");

    std::string stub_output;
    std::vector<std::string> stub_shards;
    bool stub_no_check = false;
    auto* st = app.add_subcommand(
        "stub",
        "Write a stub file listing shards (remote HOST:PORT or local folders) to search as one");
    st->add_option("SHARD", stub_shards,
                   "A shard: HOST:PORT of a xapian-tcpsrv, or a shard's index folder")
        ->required();
    st->add_option("--output,-o", stub_output, "The stub file to write (replaced atomically)")
        ->required();
    st->add_flag("--no-check", stub_no_check,
                 "Write without opening the shards (by default each is opened, and the file is "
                 "written only when they make one whole index)");
    st->footer(
        "Example (docs/SCALING.md):\n"
        "  talksearch-index stub -o /etc/talksearch/talks.stub 10.0.0.7:33333 10.0.0.8:33333 "
        "10.0.0.9:33333");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitFailed;
    }

    if (*b || *u) {
        const bool update = u->parsed();
        if (!config_path.empty()) {
            try {
                const Config config = load_config(config_path);
                if (config.index && build_index_dir.empty())
                    build_index_dir = config.index->string();
                if (config.default_language) build.default_language = *config.default_language;
                if (config.allow_shrink && *config.allow_shrink) build.allow_shrink = true;
                if (config.grace_seconds) grace_s = static_cast<double>(*config.grace_seconds);
                build.talk_roots = config.talk_roots;
                build.caption_roots = config.caption_roots;
                build.manifests = config.manifests;
                build.ytdlp_roots = config.ytdlp_roots;
                build.urls = config.urls;
                build.fetch = config.fetch;
            } catch (const Error& e) {
                std::cerr << "talksearch-index: " << e.what() << "\n";
                return kExitFailed;
            }
        }
        for (const auto& r : talk_roots) build.talk_roots.emplace_back(r);
        for (const auto& r : caption_roots) build.caption_roots.emplace_back(r);
        for (const auto& m : manifests) build.manifests.emplace_back(m);
        for (const auto& y : ytdlp_roots) build.ytdlp_roots.emplace_back(y);
        if (build.talk_roots.empty() && build.caption_roots.empty() && build.ytdlp_roots.empty() &&
            build.urls.empty()) {
            std::cerr << "talksearch-index " << (update ? "update" : "build")
                      << ": no sources: give --config, --talks, --captions or --ytdlp\n";
            return kExitFailed;
        }
        build.index_dir = build_index_dir.empty() ? default_index : build_index_dir;
        if (!part_text.empty()) {
            try {
                build.part = parse_shard_part(part_text);
            } catch (const Error& e) {
                std::cerr << "talksearch-index build: --shard: " << e.what() << "\n";
                return kExitFailed;
            }
        }
        build.grace = std::chrono::seconds(static_cast<std::int64_t>(grace_s));
        build.list_changes = verbose || !report_path.empty();
        g_index_dir = build.index_dir.string();
        return run_indexing(build, update, verbose, report_path);
    }
    if (*c) return run_captions(caption_file, caption_format, raw);
    if (*st) return run_stub(stub_output, stub_shards, !stub_no_check);
    return run_stats(stats_index, stats_format);
}

// talksearch-index: options -> library calls -> exit code.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/error.h"
#include "core/index_path.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "indexer/build.h"
#include "indexer/caption_file.h"
#include "indexer/captions.h"
#include "indexer/clean.h"
#include "indexer/generation.h"
#include "indexer/stats.h"

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

void print_cue(const Cue& c, bool json) {
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
        line = format_time(c.start_ms) + " --> " + format_time(c.end_ms) + "  ";
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
        for (const Cue& c : parsed.cues) print_cue(c, json);
        return kExitOk;
    }
    const CleanCaptions clean = clean_cues(std::move(parsed.cues));
    for (const Cue& c : clean.cues) print_cue(c, json);
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

int run_build(const BuildOptions& options, bool verbose) {
    ProgressBar bar(::isatty(STDERR_FILENO) != 0);
    BuildReport report;
    try {
        report = build_index(options, [&](const BuildProgress& p) { bar.update(p); });
    } catch (const LockBusy& e) {
        std::cerr << "talksearch-index: " << e.what() << "\n";
        return kExitLocked;
    } catch (const Error& e) {
        std::cerr << "talksearch-index: build failed, the index is unchanged: " << e.what() << "\n";
        return kExitFailed;
    } catch (const std::exception& e) {  // a filesystem or allocation failure
        std::cerr << "talksearch-index: build failed, the index is unchanged: " << e.what() << "\n";
        return kExitFailed;
    }
    std::size_t warnings = 0;
    for (const InputProblem& p : report.problems) {
        if (!p.skipped) ++warnings;
        if (!p.skipped && !verbose) continue;
        std::cerr << p.path << (p.line ? ":" + std::to_string(p.line) : "") << ": "
                  << (p.skipped ? "skipped: " : "warning: ") << p.message << "\n";
    }
    std::string skipped;
    for (const auto& [reason, n] : report.skipped_by_reason()) {
        skipped += (skipped.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    }
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", report.seconds);
    std::cout << "indexed " << report.talks << " talks (" << report.talks_with_captions
              << " with captions, " << report.caption_only_talks << " from captions alone, "
              << report.repeated_talks << " given at more than one event), "
              << report.caption_files_used << "/" << report.caption_files
              << " caption files, skipped " << report.skipped()
              << (skipped.empty() ? "" : " (" + skipped + ")") << ", " << warnings << " warnings"
              << (verbose || warnings == 0 ? "" : " (--verbose lists them)") << ", " << secs
              << " s\n";
    return report.skipped() > 0 ? kExitSkipped : kExitOk;
}

int run_stats(const std::string& index, const std::string& format) {
    try {
        const IndexStats s = read_index_stats(index);
        std::cout << (format == "json" ? stats_to_json(s) + "\n" : stats_to_text(s));
        return kExitOk;
    } catch (const Error& e) {
        std::cerr << "talksearch-index: " << e.what() << "\n";
        return kExitFailed;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"talksearch-index: index conference talks and their captions into a Xapian index"};
    app.footer(
        "Examples:\n"
        "  talksearch-index build --talks pyvideo-data --captions captions/ --index ./index\n"
        "  talksearch-index captions talk.en.vtt --format json\n"
        "  talksearch-index stats --index ./index --format json\n\n"
        "Exit codes: 0 success; 1 some inputs were skipped (the rest indexed); 2 the run failed\n"
        "(the live index is left as it was); 75 another indexer is running.\n"
        "--index defaults to $TALKSEARCH_INDEX, else ~/.local/share/talksearch/index.");
    app.require_subcommand(1);
    const std::string default_index =
        default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));

    BuildOptions build;
    std::vector<std::string> talk_roots, caption_roots, manifests;
    std::string build_index_dir = default_index;
    bool verbose = false;
    auto* b =
        app.add_subcommand("build", "Build a fresh index from talk metadata and caption files");
    b->add_option("--talks", talk_roots,
                  "Catalogue folder(s) in pyvideo.org's layout (<event>/videos/<slug>.json)");
    b->add_option("--captions", caption_roots,
                  "Folder(s) of caption files (.vtt, .srt), searched recursively");
    b->add_option("--manifest", manifests, "Manifest(s) pairing caption files with talk files");
    b->add_option("--index", build_index_dir, "Index folder")->capture_default_str();
    b->add_option("--default-language", build.default_language,
                  "Language of captions whose name and talk tell none")
        ->capture_default_str();
    b->add_flag("--verbose,-v", verbose, "List every warning, not only skipped inputs");
    b->footer(
        "Example:\n  talksearch-index build --talks ../shared/corpus/pyvideo-data \\\n"
        "      --captions ../shared/corpus/pycon-captions \\\n"
        "      --manifest ../shared/corpus/pycon-captions/manifest.json --index ./index");

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
    s->add_option("--index", stats_index, "Index folder")->capture_default_str();
    s->add_option("--format", stats_format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    s->footer("Example:\n  talksearch-index stats --index ./index --format json");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitFailed;
    }

    if (*b) {
        if (talk_roots.empty() && caption_roots.empty()) {
            std::cerr << "talksearch-index build: give --talks and/or --captions\n";
            return kExitFailed;
        }
        for (const auto& r : talk_roots) build.talk_roots.emplace_back(r);
        for (const auto& r : caption_roots) build.caption_roots.emplace_back(r);
        for (const auto& m : manifests) build.manifests.emplace_back(m);
        build.index_dir = build_index_dir;
        return run_build(build, verbose);
    }
    if (*c) return run_captions(caption_file, caption_format, raw);
    return run_stats(stats_index, stats_format);
}

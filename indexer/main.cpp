// talksearch-index: options -> library calls -> exit code. Only the command
// line is defined here; the subcommands run in indexer/command/.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "core/index_path.h"
#include "core/version.h"
#include "indexer/command/fetch.h"
#include "indexer/command/run.h"

using namespace talksearch;

namespace {

// The flags of the subcommands other than build and update.
struct CaptionsFlags {
    std::string file, format = "text";
    bool raw = false;
};
struct StatsFlags {
    std::string index, format = "text";
};
struct StubFlags {
    std::string output;
    std::vector<std::string> shards;
    bool no_check = false;
};

// The flags `build` and `update` share.
void add_source_options(CLI::App* cmd, IndexingFlags& flags, const std::string& default_index) {
    cmd->add_option("--config", flags.config_path,
                    "A sources file (JSON: docs/OPERATIONS.md); flags add to it");
    cmd->add_option("--talks", flags.talk_roots,
                    "Catalogue folder(s) in pyvideo.org's layout (<event>/videos/<slug>.json)");
    cmd->add_option("--captions", flags.caption_roots,
                    "Folder(s) of caption files, searched recursively");
    cmd->add_option("--manifest", flags.manifests,
                    "Manifest(s) pairing caption files with talk files");
    cmd->add_option("--ytdlp", flags.ytdlp_roots,
                    "Folder(s) of yt-dlp output: <name>.info.json with <name>.<lang>.vtt beside");
    cmd->add_option(
        "--index", flags.index_dir,
        "Index folder (default: the config's, else $TALKSEARCH_INDEX, else " + default_index + ")");
    cmd->add_option("--default-language", flags.build.default_language,
                    "Language of captions whose name and talk tell none")
        ->capture_default_str();
    cmd->add_flag("--allow-shrink", flags.build.allow_shrink,
                  "Publish even when the result holds under half the live index's talks");
    cmd->add_option("--grace", flags.grace_seconds,
                    "Seconds an earlier generation is kept after it stopped being live")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e7));
    cmd->add_option("--report", flags.report_path, "Write what the run did as JSON to this file");
    cmd->add_flag("--verbose,-v", flags.verbose,
                  "List every warning and every added, replaced and deleted talk");
}

CLI::App* add_build_command(CLI::App& app, IndexingFlags& flags, const std::string& default_index) {
    auto* b =
        app.add_subcommand("build", "Build a fresh index from talk metadata and caption files");
    add_source_options(b, flags, default_index);
    // Test-only and hidden from --help (docs/TESTING.md, row A10): damages the new generation
    // just before its consistency check, which must then refuse it.
    b->add_flag("--test-corrupt-before-check", flags.build.test_corrupt_before_check)->group("");
    b->add_option("--jobs,-j", flags.build.jobs,
                  "Shards written at once, one thread each (default: two per CPU core, at most 8)")
        ->check(CLI::Range(1u, 64u));
    b->add_option("--shard-talks", flags.build.shard_talks,
                  "Talks per piece written in parallel, at most; the pieces are merged at the end "
                  "(default: 2500)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    b->add_option("--shards", flags.build.shards,
                  "Split the index into this many shards: FOLDER/shard-0 ... and a stub listing "
                  "them (default: as the folder is; one for a new folder). docs/SCALING.md")
        ->check(CLI::Range(1u, 1024u));
    b->add_option("--shard", flags.shard_part,
                  "Write only shard K of N (K/N, from 0) into the folder: a shard built on its own "
                  "host. Later runs on the folder keep its part");
    b->footer(
        "Writes a new generation, checks it, and makes it live atomically.\n"
        "Split into shards (--shards N), each shard is built and made live in turn.\n"
        "Example:\n  talksearch-index build --talks ../shared/corpus/pyvideo-data \\\n"
        "      --captions ../shared/corpus/pycon-captions \\\n"
        "      --manifest ../shared/corpus/pycon-captions/manifest.json --index ./index");
    return b;
}

CLI::App* add_update_command(CLI::App& app, IndexingFlags& flags,
                             const std::string& default_index) {
    auto* u = app.add_subcommand(
        "update", "Bring the index up to date with the sources: only changed talks are rewritten");
    add_source_options(u, flags, default_index);
    u->footer(
        "Re-reads the sources, replaces the talks whose content changed, adds new ones and\n"
        "deletes vanished ones in one atomic commit (per shard, for an index in shards; a\n"
        "shard's own folder gets the talks of its part). For cron:\n"
        "  */30 * * * * talksearch-index update --config /etc/talksearch/sources.json");
    return u;
}

CLI::App* add_captions_command(CLI::App& app, CaptionsFlags& flags) {
    auto* c = app.add_subcommand("captions", "Print the cues talksearch reads in a caption file");
    c->add_option("FILE", flags.file, "A caption file (WebVTT or SubRip)")->required();
    c->add_option("--format", flags.format, "text or json (one object a line)")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    c->add_flag("--raw", flags.raw, "Print the parser's cues before cleaning");
    c->footer("Example:\n  talksearch-index captions talk.en.srt --format json");
    return c;
}

CLI::App* add_stats_command(CLI::App& app, StatsFlags& flags) {
    auto* s = app.add_subcommand("stats", "Summarise an index");
    s->add_option("--index", flags.index,
                  "Index folder, or a stub file listing shards (local or remote HOST:PORT)")
        ->capture_default_str();
    s->add_option("--format", flags.format, "text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
    s->footer("Example:\n  talksearch-index stats --index ./index --format json");
    return s;
}

CLI::App* add_stub_command(CLI::App& app, StubFlags& flags) {
    auto* st = app.add_subcommand(
        "stub",
        "Write a stub file listing shards (remote HOST:PORT or local folders) to search as one");
    st->add_option("SHARD", flags.shards,
                   "A shard: HOST:PORT of a xapian-tcpsrv, or a shard's index folder")
        ->required();
    st->add_option("--output,-o", flags.output, "The stub file to write (replaced atomically)")
        ->required();
    st->add_flag("--no-check", flags.no_check,
                 "Write without opening the shards (by default each is opened, and the file is "
                 "written only when they make one whole index)");
    st->footer(
        "Example (docs/SCALING.md):\n"
        "  talksearch-index stub -o /etc/talksearch/talks.stub 10.0.0.7:33333 10.0.0.8:33333 "
        "10.0.0.9:33333");
    return st;
}

CLI::App* add_fetch_command(CLI::App& app, FetchFlags& flags) {
    auto* f = app.add_subcommand(
        "fetch", "Fetch the captions of a catalogue's talks with yt-dlp into a caption store");
    CaptionFetchOptions& o = flags.options;
    f->add_option("--talks", o.catalogues,
                  "Catalogue folder(s) in pyvideo.org's layout (<event>/videos/<slug>.json)")
        ->required();
    f->add_option("--store", o.store,
                  "The caption store: one folder a video (build and update read it with --ytdlp)")
        ->required();
    f->add_option("--event", o.events, "Only these events (their folder names)");
    f->add_option("--since", o.since_year, "Only talks recorded in or after this year")
        ->check(CLI::Range(1900, 3000));
    f->add_option("--talk", o.talk_ids, "Only these talks (EVENT/SLUG)");
    f->add_option("--limit", o.limit, "At most this many talks (after the filters)");
    f->add_option("--yt-dlp", o.ytdlp.program, "The yt-dlp program (default: yt-dlp on PATH)")
        ->capture_default_str();
    f->add_option("--lang-fallback", flags.fallback_languages,
                  "Caption languages asked for after the talk's own")
        ->capture_default_str();
    f->add_option("--jobs,-j", o.jobs, "yt-dlp processes at once")
        ->capture_default_str()
        ->check(CLI::Range(1u, 16u));
    f->add_option("--sleep", flags.sleep_seconds, "Seconds each worker waits between videos")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 3600.0));
    f->add_option("--timeout", flags.timeout_seconds, "Seconds one video may take")
        ->capture_default_str()
        ->check(CLI::Range(1u, 86400u));
    f->add_option("--refresh-older-than", flags.refresh_older_than,
                  "Fetch automatic captions (and videos that had none) again when older than "
                  "this: 30d, 12h");
    f->add_option("--rate-limit-wait", flags.rate_limit_wait_seconds,
                  "Seconds the run pauses after a host's rate limit (doubling; after "
                  "the second pause the run stops)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 86400.0));
    f->add_option("--report", flags.report_path, "Write what the run did as JSON to this file");
    f->add_flag("--quiet,-q", flags.quiet,
                "No progress bar and no summary unless something failed");
    f->footer(
        "Resumable: a rerun fetches only what is missing, failed and due again, or older than\n"
        "--refresh-older-than. Exit codes: 0 every video done; 1 some videos failed; 2 the run\n"
        "failed; 4 a host rate-limited the run (what was fetched is kept); 75 another run holds\n"
        "the store.\n"
        "Example:\n"
        "  talksearch-index fetch --talks ~/pyvideo-data --store ~/talk-captions --since 2023\n"
        "  talksearch-index build --talks ~/pyvideo-data --ytdlp ~/talk-captions --index ./index");
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    std::set_terminate(on_terminate);
    CLI::App app{"talksearch-index: index conference talks and their captions into a Xapian index"};
    app.footer(
        "Examples:\n"
        "  talksearch-index build --talks pyvideo-data --captions captions/ --index ./index\n"
        "  talksearch-index update --config /etc/talksearch/sources.json\n"
        "  talksearch-index fetch --talks pyvideo-data --store talk-captions\n"
        "  talksearch-index captions talk.en.vtt --format json\n"
        "  talksearch-index stats --index ./index --format json\n\n"
        "Exit codes: 0 success; 1 some inputs were skipped (the rest indexed); 2 the run failed\n"
        "(the live index is left as it was); 4 fetch: a host rate-limited the run; 75 another\n"
        "indexer (or fetch) is running.\n"
        "--index defaults to $TALKSEARCH_INDEX, else ~/.local/share/talksearch/index.");
    app.set_version_flag("--version", "talksearch-index " + std::string(version_text()),
                         "Print the version and exit");
    app.require_subcommand(1);
    const std::string default_index =
        default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));

    IndexingFlags indexing;
    CaptionsFlags captions;
    StatsFlags stats{default_index};
    StubFlags stub;
    FetchFlags fetch;
    const CLI::App* build = add_build_command(app, indexing, default_index);
    const CLI::App* update = add_update_command(app, indexing, default_index);
    const CLI::App* caption_command = add_captions_command(app, captions);
    add_stats_command(app, stats);
    const CLI::App* stub_command = add_stub_command(app, stub);
    const CLI::App* fetch_command = add_fetch_command(app, fetch);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitFailed;
    }

    if (build->parsed() || update->parsed())
        return run_indexing(indexing, update->parsed(), default_index);
    if (caption_command->parsed())
        return run_captions(captions.file, captions.format, captions.raw);
    if (stub_command->parsed()) return run_stub(stub.output, stub.shards, !stub.no_check);
    if (fetch_command->parsed()) return run_fetch(std::move(fetch));
    return run_stats(stats.index, stats.format);
}

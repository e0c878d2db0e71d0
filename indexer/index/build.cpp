// `talksearch-index build` and `update`: the entry points, and runs over the
// shards of a split folder. The stages are in build_inputs.cpp (the sources
// read and matched), talk_reader.cpp (captions read and attached),
// build_generation.cpp (a new generation) and update_in_place.cpp.
#include "indexer/index/build.h"

#include <xapian.h>

#include <algorithm>
#include <exception>

#include "core/error.h"
#include "indexer/index/build_run.h"
#include "indexer/index/generation.h"

namespace fs = std::filesystem;

namespace talksearch {

std::size_t BuildReport::skipped() const {
    return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                  [](const InputProblem& p) { return p.skipped; }));
}

std::map<std::string, std::size_t> BuildReport::skipped_by_reason() const {
    std::map<std::string, std::size_t> out;
    for (const InputProblem& p : problems) {
        if (p.skipped) ++out[p.reason];
    }
    return out;
}

namespace {

constexpr std::string_view kShardFolder = "shard-";

fs::path shard_dir(const fs::path& index_dir, std::uint32_t k) {
    return index_dir / (std::string(kShardFolder) + std::to_string(k));
}

// Adds what one shard's run did to the whole run's report. Counts that a
// shard's run lowers from the gathered total (caption-only talks whose
// captions did not parse) wrap, and add up right.
void add_shard_report(BuildReport& total, BuildReport&& r, std::uint32_t k) {
    total.talks += r.talks;
    total.talks_with_captions += r.talks_with_captions;
    total.caption_files_used = r.caption_files_used;  // the files all shards so far used
    total.caption_only_talks += r.caption_only_talks;
    total.suspect_tracks += r.suspect_tracks;
    total.added += r.added;
    total.replaced += r.replaced;
    total.deleted += r.deleted;
    total.unchanged += r.unchanged;
    for (InputProblem& p : r.problems) total.problems.push_back(std::move(p));
    for (std::string& c : r.changes) total.changes.push_back(std::move(c));
    total.generation += (total.generation.empty() ? "" : ",") + std::string(kShardFolder) +
                        std::to_string(k) + "/" + r.generation;
}

// Runs `one` (build_generation or update_in_place) on each shard of a split
// folder in turn, with the sources read once. Each shard is published (or
// committed) as it is done: a reader meanwhile sees some shards new and some
// old, each whole, and a talk in exactly one of them.
template <typename Run>
BuildReport run_sharded(const BuildOptions& options, std::uint32_t shards, const char* mode,
                        const ProgressFn& progress, Run one) {
    RunScope run(options.index_dir, mode);  // one run on the split folder at a time
    BuildReport& total = run.report();
    Inputs& in = run.inputs(options, nullptr);
    for (std::uint32_t k = 0; k < shards; ++k) {
        BuildOptions o = options;
        o.index_dir = shard_dir(options.index_dir, k);
        o.part = ShardPart{k, shards};
        o.shards = 0;
        // Progress over the whole run: shard k's talks come after k shards' worth.
        const auto shard_progress = [&](const BuildProgress& p) {
            if (progress) progress({k * p.total + p.done, shards * p.total});
        };
        try {
            add_shard_report(total, one(o, shard_progress, &in), k);
        } catch (const LockBusy&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(o.index_dir.string() + ": " + e.what() +
                        (k > 0 ? std::string(" (the shards before it were ") +
                                     (mode == std::string_view("build") ? "rebuilt" : "updated") +
                                     " and are live)"
                               : std::string()));
        } catch (const Xapian::Error& e) {
            throw Error(o.index_dir.string() + ": " + e.get_description());
        }
    }
    std::vector<StubEntry> entries;
    for (std::uint32_t k = 0; k < shards; ++k) {
        StubEntry e;
        e.path = std::string(kShardFolder) + std::to_string(k);  // relative: the folder can move
        entries.push_back(std::move(e));
    }
    const fs::path stub = options.index_dir / "XAPIANDB";
    if (read_stub_text(stub) != format_stub(entries)) write_stub_file(stub, format_stub(entries));
    return run.finish();
}

}  // namespace

std::uint32_t shard_count_of(const fs::path& index_dir) {
    try {  // an unreadable or foreign stub: not a folder of shards
        const std::vector<StubEntry> entries =
            parse_stub(read_stub_text(index_dir / "XAPIANDB"), index_dir / "XAPIANDB");
        for (std::size_t k = 0; k < entries.size(); ++k) {
            const StubEntry& e = entries[k];
            if (e.kind != StubEntry::Kind::kLocal ||
                e.path != shard_dir(index_dir, static_cast<std::uint32_t>(k))) {
                return 0;
            }
        }
        return static_cast<std::uint32_t>(entries.size());
    } catch (const Error&) {
        return 0;
    }
}

ShardPart shard_part_of(const fs::path& index_dir) {
    const auto live = live_generation(index_dir);
    if (!live) return {};
    try {
        const std::string text =
            Xapian::Database((index_dir / *live).string()).get_metadata(std::string(kShardPartKey));
        return text.empty() ? ShardPart{} : parse_shard_part(text);
    } catch (const Xapian::Error& e) {
        throw Error(index_dir.string() + ": cannot read the live index: " + e.get_description());
    }
}

// Xapian's exceptions are not std::exceptions: every one that escapes a run
// (a full disk, an I/O error) becomes an Error here, after the run's guards// have removed what it
// wrote.
BuildReport build_index(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress) {
    try {
        const fs::path& dir = options.index_dir;
        const std::uint32_t existing = shard_count_of(dir);
        const std::uint32_t shards = options.shards != 0 ? options.shards : std::max(existing, 1u);
        if (shards > 1 && !options.part.whole())
            throw Error("--shards and --shard cannot be given together");
        if (existing != 0 && shards != existing) {
            throw Error(dir.string() + ": holds an index split into " + std::to_string(existing) +
                        " shards; to change their number, build into another folder "
                        "(docs/SCALING.md)");
        }
        if (existing == 0 && shards > 1 && live_generation(dir)) {
            throw Error(dir.string() +
                        ": holds an index in one piece; to split it into shards, build into "
                        "another folder (docs/SCALING.md)");
        }
        if (shards <= 1) return build_generation(options, progress, nullptr);
        return run_sharded(options, shards, "build", progress, build_generation);
    } catch (const Xapian::Error& e) {
        throw Error(e.get_description());
    }
}

BuildReport update_index(const BuildOptions& options,
                         const std::function<void(const BuildProgress&)>& progress) {
    try {
        if (const std::uint32_t shards = shard_count_of(options.index_dir); shards > 0)
            return run_sharded(options, shards, "update", progress, update_in_place);
        return update_in_place(options, progress, nullptr);
    } catch (const Xapian::Error& e) {
        throw Error(e.get_description());
    }
}

}  // namespace talksearch

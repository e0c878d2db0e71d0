// `build` of one folder: the talks written in parallel shards of a work
// folder, merged into a new generation, checked, then published.
#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <system_error>
#include <unordered_set>

#include "core/error.h"
#include "indexer/index/build_run.h"
#include "indexer/index/shard_writers.h"
#include "indexer/index/talk_reader.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// The generation a build is writing, for remove_partial_generation().
std::string g_partial_generation;

class GenerationGuard {
  public:
    explicit GenerationGuard(fs::path dir) : dir_(std::move(dir)) {
        g_partial_generation = dir_.string();
    }
    ~GenerationGuard() {
        g_partial_generation.clear();
        if (!released_) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
        }
    }
    void release() {
        released_ = true;
        g_partial_generation.clear();
    }
    /// Guards `dir` instead (the one guarded so far is gone).
    void retarget(fs::path dir) {
        dir_ = std::move(dir);
        g_partial_generation = dir_.string();
    }

  private:
    fs::path dir_;
    bool released_ = false;
};

// For BuildOptions::test_corrupt_before_check: overwrites 64 bytes inside
// every 8 KiB block (glass's default block size) of a table file.
void damage_table(const fs::path& table) {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) throw Error(table.string() + ": cannot open to damage it");
    const auto size = fs::file_size(table);
    const std::string garbage(64, '\xA5');
    for (std::uintmax_t block = 0; block < size; block += 8192) {
        f.seekp(static_cast<std::streamoff>(block + 16));
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    f.flush();
}

std::uint64_t live_document_count(const fs::path& index_dir) {
    const auto live = live_generation(index_dir);
    if (!live) return 0;
    try {
        return Xapian::Database((index_dir / *live).string()).get_doccount();
    } catch (const Xapian::Error&) {
        return 0;  // an unreadable live index is replaced whatever its size
    }
}

// How a build splits its talks into the shards of its work folder.
struct ShardLayout {
    std::vector<std::size_t> to_write;  // talk numbers, in catalogue order
    unsigned jobs = 1;                  // shards written at once (a wave)
    std::vector<fs::path> dirs;         // one per shard
    std::vector<std::size_t> first;     // shard s writes to_write[first[s] .. first[s + 1])
};

// Talk ranges in catalogue order, so the merged index numbers documents as a
// single writer would. Shards of at most shard_talks talks, `jobs` written
// at a time (a wave): Xapian's cost per talk grows with the database it is
// added to, so bounded shards keep a large build linear (docs/DESIGN.md,
// "Data flow", step 6).
ShardLayout lay_out_shards(const BuildOptions& options, const Inputs& in, const ShardPart& part,
                           const fs::path& work_dir) {
    ShardLayout layout;
    // A repeated id (the same video in two yt-dlp folders, say): the first
    // one wins, as in `update`. Shards could not settle it.
    std::unordered_set<std::string> seen;
    for (std::size_t ti = 0; ti < in.talks.size(); ++ti) {
        if (!seen.insert(talk_id(in.talks[ti])).second) continue;
        if (!part.whole() && shard_of_talk(in.talks[ti], part.count) != part.index)
            continue;  // another shard's
        layout.to_write.push_back(ti);
    }
    const std::size_t talks = layout.to_write.size();
    layout.jobs = build_jobs(options.jobs, talks);
    const std::size_t per_shard = std::max<std::size_t>(1, options.shard_talks);
    const std::size_t per_wave = per_shard * layout.jobs;
    const std::size_t waves = std::max<std::size_t>(1, (talks + per_wave - 1) / per_wave);
    const std::size_t shards = waves * layout.jobs;
    for (std::size_t s = 0; s < shards; ++s)
        layout.dirs.push_back(work_dir / ("shard-" + std::to_string(s)));
    layout.first.resize(shards + 1);
    for (std::size_t s = 0; s <= shards; ++s) layout.first[s] = talks * s / shards;
    return layout;
}

// Writes every talk of the layout, a wave of `jobs` shards at a time, one
// talk of each shard in turn so that every writer has work.
void write_shards(const ShardLayout& layout, const WriterOptions& shard_options,
                  const BuildOptions& options, Inputs& in, TalkReader& reader, BuildReport& report,
                  const ProgressFn& progress) {
    BuildProgress state{0, layout.to_write.size()};
    const std::size_t shards = layout.dirs.size();
    for (std::size_t wave = 0; wave < shards; wave += layout.jobs) {
        const std::vector<fs::path> dirs(layout.dirs.begin() + wave,
                                         layout.dirs.begin() + wave + layout.jobs);
        ShardWriters writers(dirs, in.talks, shard_options);
        for (std::size_t i = 0;; ++i) {
            bool any = false;
            for (unsigned s = 0; s < layout.jobs; ++s) {
                const std::size_t shard = wave + s;
                if (layout.first[shard] + i >= layout.first[shard + 1]) continue;
                any = true;
                const std::size_t ti = layout.to_write[layout.first[shard] + i];
                Talk& talk = in.talks[ti];
                reader.read(ti, talk);
                ++state.done;
                if (!reader.attach(ti, talk)) {
                    --report.caption_only_talks;
                    if (progress) progress(state);
                    continue;
                }
                count_talk(talk, report);
                ++report.added;
                if (options.list_changes) report.changes.push_back("added " + talk_id(talk));
                writers.add(s, ti);
                if (progress) progress(state);
            }
            if (!any) break;
        }
        writers.finish();
    }
}

// Merges the shards into `merged` by Xapian's compaction (which also leaves
// the index about half the size of one written in batches), with the
// spelling dictionary of them all and, for a shard of a split index, the
// part it holds. Returns the number of talks merged.
std::size_t merge_shards(const std::vector<fs::path>& dirs, const WriterOptions& shard_options,
                         const ShardPart& part, const fs::path& merged) {
    {
        IndexWriter first_shard(dirs.front(), shard_options);
        first_shard.build_spelling(dirs);
    }
    if (!part.whole()) {
        // Compaction keeps user metadata: the generation says which part it holds.
        Xapian::WritableDatabase shard0(dirs.front().string(),
                                        Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        shard0.set_metadata(std::string(kShardPartKey), part.text());
        shard0.commit();
    }
    Xapian::Database all;
    for (const fs::path& dir : dirs) all.add_database(Xapian::Database(dir.string()));
    all.compact(merged.string());
    all = Xapian::Database();
    return static_cast<std::size_t>(Xapian::Database(merged.string()).get_doccount());
}

// Xapian's consistency check of the new generation, which must pass before
// it is published.
void check_generation(const fs::path& gen_dir) {
    std::size_t errors = 0;
    try {
        errors = Xapian::Database::check(gen_dir.string(), 0, nullptr);
    } catch (const Xapian::Error& e) {  // check throws on damage it cannot step over
        throw Error("the new index failed its consistency check (" + e.get_description() +
                    "); it was not published");
    }
    if (errors != 0) {
        throw Error("the new index failed its consistency check (" + std::to_string(errors) +
                    " errors); it was not published");
    }
}

}  // namespace

BuildReport build_generation(const BuildOptions& options, const ProgressFn& progress,
                             Inputs* given) {
    RunScope run(options.index_dir, "build");
    BuildReport& report = run.report();
    remove_old_generations(options.index_dir, 1, options.grace);  // leftovers of dead runs first
    const ShardPart part = part_to_write(options);
    Inputs& in = run.inputs(options, given);

    // ---- The new generation ----
    const std::string generation = new_generation_name();
    const fs::path gen_dir = options.index_dir / generation;
    // Shards are written in parallel in a work folder, merged, and the
    // result renamed to the generation. Until then the guard removes the
    // work folder on any failure, std::terminate included (Xapian can throw
    // from a destructor when the disk fills during a commit); a killed run's
    // folder is removed by the next run as an unpublished generation.
    const fs::path work_dir = options.index_dir / (generation + "-build");
    GenerationGuard guard(work_dir);
    TalkReader reader(in, options, report);
    {
        const ShardLayout layout = lay_out_shards(options, in, part, work_dir);
        fs::create_directories(work_dir);
        WriterOptions shard_options = options.writer;
        shard_options.durable = false;  // the merged generation is synced instead
        write_shards(layout, shard_options, options, in, reader, report, progress);
        const fs::path merged = work_dir / "merged";
        report.talks = merge_shards(layout.dirs, shard_options, part, merged);
        fs::rename(merged, gen_dir);
        guard.retarget(gen_dir);
        std::error_code ignored;  // what is left is removed by the next run
        fs::remove_all(work_dir, ignored);
    }
    report.caption_files_used = reader.files_used();

    // ---- Check, then publish ----
    check_shrink(live_document_count(options.index_dir), report.talks, options.allow_shrink,
                 "publish the new index");
    if (options.test_corrupt_before_check) damage_table(gen_dir / "postlist.glass");
    check_generation(gen_dir);
    sync_tree(gen_dir);
    publish_generation(options.index_dir, generation);
    guard.release();
    remove_old_generations(options.index_dir, 1, options.grace);
    report.generation = generation;
    return run.finish();
}

void remove_partial_generation() noexcept {
    // Two writer threads can fail at once (a full disk) and both end in
    // std::terminate: the first removes, the others wait here until it has
    // exited the process, rather than exit halfway through its removal.
    static std::mutex once;
    once.lock();
    if (g_partial_generation.empty()) return;
    // Renamed first: a writer thread still running then cannot add files to
    // what is being removed (its paths no longer exist). The new name is
    // still an unpublished generation's, which the next run removes.
    std::error_code ec;
    const std::string doomed = g_partial_generation + "-removed";
    fs::rename(g_partial_generation, doomed, ec);
    fs::remove_all(ec ? g_partial_generation : doomed, ec);
    g_partial_generation.clear();
}

}  // namespace talksearch

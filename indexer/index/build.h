// `talksearch-index build`: sources -> a new generation -> published.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/index_stub.h"
#include "indexer/captions/caption_file.h"
#include "indexer/index/index_writer.h"
#include "indexer/sources/config.h"

namespace talksearch {

/// What to build from.
struct BuildOptions {
    std::vector<std::filesystem::path> talk_roots;     ///< pyvideo-layout catalogues
    std::vector<std::filesystem::path> caption_roots;  ///< folders of caption files
    std::vector<std::filesystem::path> manifests;      ///< caption manifests
    std::vector<std::filesystem::path> ytdlp_roots;    ///< folders of yt-dlp .info.json files
    std::vector<UrlSource> urls;                       ///< remote sources
    FetchSettings fetch;                               ///< how remote sources are fetched
    std::filesystem::path index_dir;
    std::string default_language = "en";  ///< for captions whose language nothing tells
    std::uintmax_t max_caption_bytes = kMaxCaptionFileBytes;  ///< larger files are skipped
    WriterOptions writer;
    /// Publish (build) or commit (update) even when the result holds far
    /// fewer talks than the live index (see kShrinkLimit).
    bool allow_shrink = false;
    /// Test-only: `build` overwrites part of every block of the new
    /// generation's postlist table just before Xapian's consistency check,
    /// which must then refuse to publish it (tests of the gate).
    bool test_corrupt_before_check = false;
    /// Earlier generations stay this long after they stopped being live, for
    /// readers that still have them open.
    std::chrono::seconds grace{600};
    /// Record each added, replaced and deleted talk in BuildReport::changes.
    bool list_changes = false;
    /// `build` writes this many shards at once, one thread each, then merges
    /// them (Xapian's compaction); 0: two per CPU core, at most 8. `update`
    /// writes in place with one.
    unsigned jobs = 0;
    /// `build` writes shards of at most this many talks (so more waves of
    /// `jobs` shards as the catalogue grows).
    std::size_t shard_talks = 2500;
    /// `build`: split the index into this many shards (docs/SCALING.md): the
    /// folder then holds shard-0 ... shard-N-1, each an index folder of its
    /// own, and a XAPIANDB stub listing them. 0: as the folder already is
    /// (one index when new). Changing the number of an existing folder is
    /// refused (build into another folder).
    std::uint32_t shards = 0;
    /// Write only this part of the catalogue into the folder (a shard on its
    /// own host: `--shard 1/3`). Unset (whole), a folder that holds a shard
    /// keeps the part it has.
    ShardPart part;
};

/// The shrink guard: a result with fewer than this share of the live index's
/// talks is refused unless BuildOptions::allow_shrink.
inline constexpr double kShrinkLimit = 0.5;

/// One input that was skipped (or loaded with a warning).
struct InputProblem {
    std::string path;
    std::uint32_t line = 0;  ///< 0 when the problem has no line
    std::string message;
    std::string reason;   ///< a short category for the summary: "invalid JSON", ...
    bool skipped = true;  ///< false: a warning, the input was still used
};

/// Progress reported while indexing talks.
struct BuildProgress {
    std::size_t done = 0;
    std::size_t total = 0;
};

/// What a build did.
struct BuildReport {
    std::string mode;            ///< "build" or "update"
    std::size_t talk_files = 0;  ///< catalogue files seen
    std::size_t talks = 0;       ///< documents in the new index
    std::size_t talks_with_captions = 0;
    std::size_t caption_files = 0;       ///< caption files found
    std::size_t caption_files_used = 0;  ///< parsed and attached
    std::size_t caption_only_talks = 0;  ///< talks made from captions that matched no talk
    std::size_t suspect_tracks = 0;      ///< tracks with a collapsed repetition loop
    std::size_t repeated_talks = 0;      ///< talks recorded at more than one event
    std::size_t added = 0;               ///< talks new to the index (every talk, for a build)
    std::size_t replaced = 0;            ///< talks whose sources changed (update)
    std::size_t deleted = 0;             ///< talks no source holds any more (update)
    std::size_t unchanged = 0;           ///< talks whose sources did not change (update)
    std::vector<std::string> changes;    ///< "added <id>", ... with BuildOptions::list_changes
    std::vector<InputProblem> problems;
    std::string generation;
    std::uint64_t bytes_written = 0;  ///< bytes this run wrote to storage (Linux /proc/self/io)
    double seconds = 0;

    /// Skipped inputs (not warnings).
    std::size_t skipped() const;
    /// Skipped inputs counted by reason.
    std::map<std::string, std::size_t> skipped_by_reason() const;
};

/// Builds a fresh index from the sources into a new generation folder and
/// publishes it. Split into shards, each shard is built and published in
/// turn, then the stub that lists them. Bad inputs are reported in the BuildReport and skipped; the
/// run goes on. Throws LockBusy when another writer runs, and Error when the
/// run cannot finish (the live index is then left exactly as it was).
BuildReport build_index(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress = {});

/// Removes the generation a build in this process was writing, if any. For a
/// process about to die without unwinding (a std::terminate handler):
/// Xapian 1.4 can abort inside commit() when the disk fills up. Only the
/// first call in a process works; later ones (another thread terminating at
/// the same time) wait for ever, so the caller must exit the process.
void remove_partial_generation() noexcept;

/// The number of shards an index folder is split into (its stub lists
/// shard-0 ... shard-N-1), or 0 when it is not split.
std::uint32_t shard_count_of(const std::filesystem::path& index_dir);

/// The part of the catalogue the live generation of an index folder holds
/// (whole when it is not a shard, or when there is no index yet).
ShardPart shard_part_of(const std::filesystem::path& index_dir);

/// Brings the live generation up to date with the sources in place: a talk
/// whose source hash (metadata, caption file bytes, recording group) is
/// unchanged is not touched, a changed one is replaced, a new one added, one
/// no source holds deleted; all in one Xapian transaction, so readers see the
/// old state or the new one. A run with no change writes nothing. Throws
/// LockBusy, or Error (the live index is then as it was) when there is no
/// index yet, when the shrink guard refuses, or when writing fails. A folder
/// split into shards has each shard updated in turn (each atomically); a
/// shard's folder is updated with the talks of its part alone.
BuildReport update_index(const BuildOptions& options,
                         const std::function<void(const BuildProgress&)>& progress = {});

}  // namespace talksearch

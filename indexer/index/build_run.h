// What a build, an update and a run over the shards of a split folder share:
// the run's bookkeeping (RunScope), the shrink guard and the part a folder holds.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "core/index_stub.h"
#include "core/talk.h"
#include "indexer/index/build.h"
#include "indexer/index/build_inputs.h"
#include "indexer/index/generation.h"

namespace talksearch {

/// Called as talks are indexed.
using ProgressFn = std::function<void(const BuildProgress&)>;

/// One run on an index folder from start to end: it holds the folder's
/// writer lock, times the run and counts the bytes it writes, and owns the
/// sources when it reads them itself.
class RunScope {
  public:
    /// Starts the clock and the count of bytes written, then takes the lock
    /// on `index_dir` (throws LockBusy) and gives back the space an update
    /// that died left in the live generation. The report's mode is `mode`.
    RunScope(const std::filesystem::path& index_dir, std::string mode);

    /// The report being filled in.
    BuildReport& report() { return report_; }

    /// The run's sources: `given` when a run over shards has read them already
    /// (and reports their problems once), else read now (gather_inputs).
    Inputs& inputs(const BuildOptions& options, Inputs* given);

    /// Ends the run: names the problems of the sources it read by their URLs,
    /// fills in bytes_written and seconds, and hands the report over.
    BuildReport finish();

  private:
    std::chrono::steady_clock::time_point started_;
    std::uint64_t written_before_;
    BuildReport report_;
    IndexLock lock_;
    Inputs own_;
    bool read_own_ = false;
};

/// The shrink guard: throws Error ("refusing to <what>: ...") when `next`
/// talks would replace `live` ones and that is under kShrinkLimit of them,
/// unless `allow`. A catalogue that comes back nearly empty (a failed
/// download, a missing mount) must not replace a full index.
void check_shrink(std::uint64_t live, std::uint64_t next, bool allow, const char* what);

/// The shard a talk is written to: every recording of a talk in the same one.
std::uint32_t shard_of_talk(const Talk& talk, std::uint32_t count);

/// The part a run on `options.index_dir` writes: the one asked for, else the
/// one its live generation holds. Throws Error when asked to write another
/// part into a shard.
ShardPart part_to_write(const BuildOptions& options);

/// `build` of one folder (a whole index, or one shard): a new generation
/// written, checked and published. `given`: the sources, already read (a
/// build of several shards reads them once, and reports their problems once).
BuildReport build_generation(const BuildOptions& options, const ProgressFn& progress,
                             Inputs* given);

/// `update` of one folder in place, in one transaction. `given` as above.
BuildReport update_in_place(const BuildOptions& options, const ProgressFn& progress, Inputs* given);

}  // namespace talksearch

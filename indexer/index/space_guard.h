// Giving back the disk space a failed in-place update took in the live
// generation. Xapian's glass tables are copy-on-write: an uncommitted
// transaction writes its blocks past the end of what the last commit uses,
// growing the table files, and when it fails (a full disk) the files keep
// their grown size. Xapian would reuse those blocks on its next write, but the
// space is lost to everything else on the disk: a later build, the stub, the
// version file of the next commit.
//
//   std::optional<UpdateSpaceGuard> guard;  // declared first: outlives the writer
//   IndexWriter writer(gen_dir);            // holds Xapian's lock; opening writes nothing
//   guard.emplace(gen_dir);                 // armed only once the lock is ours
//   ... writer.commit_transaction();
//   guard->release();                       // the update's blocks are the index's now
#pragma once

#include <filesystem>

namespace talksearch {

/// Records the length of every table file (`*.glass`) of a generation and its
/// revision, in memory and in the generation's `.update-lengths` (for a run
/// killed meanwhile: give_back_dead_update_space). Unless released, its
/// destructor gives back what a failed update added: when the generation's
/// revision is still the recorded one (the update's commit never took
/// effect), each table file is truncated to its recorded length and a table
/// file that did not exist is removed. Blocks past those lengths belong to no
/// committed revision, so no reader, whichever revision it has open, ever
/// reads them. Arm it once the generation's writer holds Xapian's lock (what
/// lies past the committed blocks of a database another writer holds is that
/// writer's), and declare it before the writer, so that the writer is closed
/// first. One at a time in a process.
class UpdateSpaceGuard {
  public:
    /// Throws Error naming `gen_dir` when it cannot be read. The record file
    /// is written when it can be (a full disk may refuse it).
    explicit UpdateSpaceGuard(const std::filesystem::path& gen_dir);
    ~UpdateSpaceGuard();
    UpdateSpaceGuard(const UpdateSpaceGuard&) = delete;
    UpdateSpaceGuard& operator=(const UpdateSpaceGuard&) = delete;

    /// The update committed, or wrote nothing: its blocks stay.
    void release() noexcept;

  private:
    std::filesystem::path gen_dir_;
    bool released_ = false;
};

/// Gives back the space of the update this process is writing, if any, as a
/// guard's destructor would. For a process about to die without unwinding (a
/// std::terminate handler: Xapian 1.4 can abort inside commit() when the disk
/// fills up); the caller exits the process afterwards.
void give_back_update_space() noexcept;

/// Gives back the space an update of `gen_dir` that died (kill -9, a crash)
/// left, as its guard would have, when its record file is there. Call with
/// the index folder's lock held, before a run writes.
void give_back_dead_update_space(const std::filesystem::path& gen_dir) noexcept;

}  // namespace talksearch

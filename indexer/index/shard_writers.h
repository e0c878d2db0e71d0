// A build's parallel writers: talks written into several databases at once,
// one thread each, merged afterwards (build_generation.cpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/talk.h"
#include "indexer/index/index_writer.h"

namespace talksearch {

/// A parallel build's writers: one IndexWriter per shard, each on its own
/// thread, fed the numbers of the talks to write through a small queue. The
/// writers are opened here, on the calling thread (opening one sets the
/// environment, which must not race). The first writer error stops the build:
/// add() and finish() rethrow it. A talk is freed (reset to Talk{}) once written.
class ShardWriters {
  public:
    /// Opens a writer in each of `dirs` and starts its thread; throws Error
    /// when one cannot be opened.
    ShardWriters(const std::vector<std::filesystem::path>& dirs, std::vector<Talk>& talks,
                 const WriterOptions& options);
    ~ShardWriters();
    ShardWriters(const ShardWriters&) = delete;
    ShardWriters& operator=(const ShardWriters&) = delete;

    /// Queues talk `ti` for shard `s`, waiting while its queue is full.
    void add(std::size_t s, std::size_t ti);

    /// Waits for every queued talk to be written and committed; rethrows the
    /// first writer error.
    void finish();

  private:
    static constexpr std::size_t kQueued = 4;
    struct Shard {
        std::unique_ptr<IndexWriter> writer;
        std::thread thread;
        std::mutex mutex;
        std::condition_variable changed;
        std::deque<std::size_t> queue;
        bool closed = false;
        std::exception_ptr error;
    };

    void run(Shard& shard);
    void close_all();

    std::vector<Talk>& talks_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<bool> failed_{false}, stop_{false};
};

/// The number of shards a build writes at once: `requested`, or by default
/// two per CPU core, at most 8; never more than 64 nor than `talks`, at least 1.
unsigned build_jobs(unsigned requested, std::size_t talks);

}  // namespace talksearch

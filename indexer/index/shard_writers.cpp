#include "indexer/index/shard_writers.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace talksearch {

ShardWriters::ShardWriters(const std::vector<fs::path>& dirs, std::vector<Talk>& talks,
                           const WriterOptions& options)
    : talks_(talks) {
    for (const fs::path& dir : dirs) {
        auto shard = std::make_unique<Shard>();
        shard->writer = std::make_unique<IndexWriter>(dir, options);
        shards_.push_back(std::move(shard));
    }
    try {
        for (auto& shard : shards_)
            shard->thread = std::thread([this, s = shard.get()] { run(*s); });
    } catch (...) {
        stop_ = true;
        close_all();  // joins the threads that did start
        throw;
    }
}

ShardWriters::~ShardWriters() {
    stop_ = true;
    close_all();
}

void ShardWriters::add(std::size_t s, std::size_t ti) {
    Shard& shard = *shards_[s];
    std::unique_lock lock(shard.mutex);
    shard.changed.wait(lock, [&] { return shard.queue.size() < kQueued || failed_.load(); });
    if (failed_.load()) {
        lock.unlock();
        stop_ = true;  // the others need not write what will be thrown away
        finish();      // rethrows the writer's error
    }
    shard.queue.push_back(ti);
    shard.changed.notify_all();
}

void ShardWriters::finish() {
    close_all();
    for (auto& shard : shards_) {
        if (shard->error) std::rethrow_exception(shard->error);
    }
}

void ShardWriters::run(Shard& shard) {
    try {
        for (;;) {
            std::size_t ti = 0;
            {
                std::unique_lock lock(shard.mutex);
                shard.changed.wait(lock, [&] { return !shard.queue.empty() || shard.closed; });
                if (shard.queue.empty()) break;
                ti = shard.queue.front();
                shard.queue.pop_front();
                shard.changed.notify_all();
            }
            if (stop_.load()) continue;
            Talk& talk = talks_[ti];
            shard.writer->add(talk);
            // Nothing reads a talk once it is written: free it, or the
            // whole catalogue's metadata stays to the end, when the
            // spelling dictionary and the merge need memory of their own
            // (100,000 bench talks: a 611 MB peak, about 300 MB of it talks).
            talk = Talk{};
        }
        if (!stop_.load()) shard.writer->commit();
    } catch (...) {
        shard.error = std::current_exception();
        failed_ = true;
        // Under each queue's mutex, so a producer between its check of
        // failed_ and its wait cannot miss the wakeup.
        for (auto& other : shards_) {
            { const std::lock_guard lock(other->mutex); }
            other->changed.notify_all();
        }
    }
    shard.writer.reset();  // closes the database, on this thread
}

void ShardWriters::close_all() {
    for (auto& shard : shards_) {
        {
            const std::lock_guard lock(shard->mutex);
            shard->closed = true;
        }
        shard->changed.notify_all();
    }
    for (auto& shard : shards_) {
        if (shard->thread.joinable()) shard->thread.join();
    }
}

unsigned build_jobs(unsigned requested, std::size_t talks) {
    // By default two per core, at most 8 (each holds a batch in memory):
    // a writer waits on the disk often enough that one per core leaves the
    // cores idle a quarter of the time (docs/DESIGN.md, "Data flow", step 6).
    unsigned jobs =
        requested != 0 ? requested : std::clamp(2 * std::thread::hardware_concurrency(), 1u, 8u);
    jobs = std::min(jobs, 64u);
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, talks)));
}

}  // namespace talksearch

#include "indexer/index/build_run.h"

#include <fstream>

#include "core/error.h"
#include "indexer/index/space_guard.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// Linux's count of bytes this process caused to be written to storage.
std::uint64_t bytes_written_so_far() {
    std::ifstream io("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value) {
        if (key == "write_bytes:") return value;
    }
    return 0;
}

}  // namespace

RunScope::RunScope(const fs::path& index_dir, std::string mode)
    : started_(std::chrono::steady_clock::now()),
      written_before_(bytes_written_so_far()),
      lock_(index_dir) {
    report_.mode = std::move(mode);
    if (const auto live = live_generation(index_dir))
        give_back_dead_update_space(index_dir / *live);
}

Inputs& RunScope::inputs(const BuildOptions& options, Inputs* given) {
    if (given != nullptr) return *given;
    own_ = gather_inputs(options, report_);
    read_own_ = true;
    return own_;
}

BuildReport RunScope::finish() {
    if (read_own_) name_urls(report_, own_);
    report_.bytes_written = bytes_written_so_far() - written_before_;
    report_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return std::move(report_);
}

void check_shrink(std::uint64_t live, std::uint64_t next, bool allow, const char* what) {
    if (allow || live == 0) return;
    if (static_cast<double>(next) < static_cast<double>(live) * kShrinkLimit) {
        throw Error(std::string("refusing to ") + what + ": the result would hold " +
                    std::to_string(next) + " talks, the live index holds " + std::to_string(live) +
                    " (under " + std::to_string(static_cast<int>(kShrinkLimit * 100)) +
                    "%); pass --allow-shrink if that is intended");
    }
}

std::uint32_t shard_of_talk(const Talk& talk, std::uint32_t count) {
    return shard_of(talk.recording_group.empty() ? talk_id(talk) : talk.recording_group, count);
}

ShardPart part_to_write(const BuildOptions& options) {
    const ShardPart held = shard_part_of(options.index_dir);
    if (options.part.whole()) return held;
    if (!held.whole() && held.text() != options.part.text()) {
        throw Error(options.index_dir.string() + ": holds shard " + held.text() + ", not shard " +
                    options.part.text() + " (docs/SCALING.md)");
    }
    return options.part;
}

}  // namespace talksearch

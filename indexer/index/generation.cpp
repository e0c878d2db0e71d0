#include "indexer/index/generation.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/index_stub.h"
#include "core/text.h"
#include "indexer/io/files.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

constexpr const char* kStub = "XAPIANDB";
constexpr const char* kLockFile = ".lock";
constexpr const char* kPublishedMarker = ".published";

}  // namespace

IndexLock::IndexLock(const fs::path& index_dir) {
    std::error_code ec;
    fs::create_directories(index_dir, ec);
    if (ec) throw Error(index_dir.string() + ": cannot create index folder: " + ec.message());
    const fs::path lock = index_dir / kLockFile;
    fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(lock.string() + ": cannot open lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        std::string holder;
        char buf[64] = {};
        const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
        if (n > 0) holder = std::string(trim(std::string_view(buf, static_cast<std::size_t>(n))));
        ::close(fd_);
        fd_ = -1;
        throw LockBusy("another talksearch-index is running on " + index_dir.string() +
                       (holder.empty() ? std::string() : " (pid " + holder + ")"));
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t w = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

IndexLock::~IndexLock() {
    if (fd_ >= 0) {
        [[maybe_unused]] const int rc = ::ftruncate(fd_, 0);
        ::close(fd_);
    }
}

std::optional<std::string> live_generation(const fs::path& index_dir) {
    std::ifstream in(index_dir / kStub);
    if (!in) return std::nullopt;
    std::string line;
    while (std::getline(in, line)) {
        std::string_view l = trim(line);
        if (l.starts_with("auto ")) return std::string(trim(l.substr(5)));
    }
    return std::nullopt;
}

std::string new_generation_name() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
    std::ostringstream name;
    name << "gen-" << buf << '.' << (ms < 100 ? (ms < 10 ? "00" : "0") : "") << ms << "-"
         << ::getpid();
    return name.str();
}

void sync_tree(const fs::path& dir) {
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec);
    if (ec) throw Error(dir.string() + ": cannot list to sync: " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw Error(dir.string() + ": cannot list to sync: " + ec.message());
        if (it->is_regular_file(ec)) fsync_file(it->path());
    }
    fsync_folder(dir);
}

void publish_generation(const fs::path& index_dir, const std::string& generation) {
    // Marks the generation as one that was complete and published, so that
    // cleanup can tell it from the leftover of a run that died.
    const fs::path marker = index_dir / generation / kPublishedMarker;
    {
        std::ofstream out(marker, std::ios::trunc);
        out << "published\n";
        out.flush();
        if (!out) throw Error(marker.string() + ": cannot write");
    }
    fsync_file(marker);
    // The marker's entry in the generation folder, and the generation's entry
    // in the index folder, reach the disk before the stub names it.
    fsync_folder(index_dir / generation);
    fsync_folder(index_dir);
    write_stub_file(index_dir / kStub, "auto " + generation + "\n");
}

void write_stub_file(const fs::path& stub, const std::string& text) {
    write_file_atomically(stub, text);
}

std::vector<std::string> remove_old_generations(const fs::path& index_dir,
                                                std::size_t keep_previous,
                                                std::chrono::seconds grace) {
    std::vector<std::string> removed;
    const std::optional<std::string> live = live_generation(index_dir);
    std::vector<std::string> published;  // live included
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with("gen-") || !entry.is_directory()) continue;
        if (name == live || fs::exists(entry.path() / kPublishedMarker, ec)) {
            published.push_back(name);
        } else {
            // Never published: the leftover of a run that died. We hold the
            // writer lock, so no run is writing it.
            fs::remove_all(entry.path(), ec);
            if (!ec) removed.push_back(name);
        }
    }
    // Names sort by creation time. A generation stopped being live when the
    // next one was published (its marker's time); readers that opened it
    // before then may still be reading it, so it stays for `grace`.
    std::sort(published.begin(), published.end());
    const auto now = fs::file_time_type::clock::now();
    std::size_t previous_kept = 0;
    for (std::size_t i = published.size(); i-- > 0;) {
        const std::string& name = published[i];
        if (name == live) continue;
        if (live && name > *live) continue;  // published after the live one: not ours to judge
        if (previous_kept < keep_previous) {
            ++previous_kept;
            continue;
        }
        bool within_grace = false;
        if (i + 1 < published.size()) {
            const fs::path marker = index_dir / published[i + 1] / kPublishedMarker;
            const auto retired = fs::last_write_time(marker, ec);
            within_grace = !ec && now - retired < grace;
        }
        if (within_grace) continue;
        fs::remove_all(index_dir / name, ec);
        if (!ec) removed.push_back(name);
    }
    fs::remove(index_dir / (std::string(kStub) + ".tmp"), ec);
    return removed;
}

fs::path stub_file_at(const fs::path& index) {
    std::error_code ec;
    return stub_file_of(index, fs::is_directory(index, ec));
}

std::string read_stub_text(const fs::path& stub_file) {
    try {
        return read_file(stub_file, kMaxStubBytes);
    } catch (const Error&) {
        return {};
    }
}

}  // namespace talksearch

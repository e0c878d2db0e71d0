#include "indexer/io/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fs = std::filesystem;

namespace talksearch {
namespace {

// Closes a descriptor on every way out.
class Descriptor {
  public:
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }
    /// Closes now; returns close()'s result.
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

  private:
    int fd_;
};

std::string system_error() { return std::strerror(errno); }

void fsync_path(const fs::path& p, bool directory) {
    const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) throw Error(p.string() + ": cannot open to sync: " + system_error());
    const int rc = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) throw Error(p.string() + ": fsync failed: " + std::strerror(saved));
}

}  // namespace

FileTooLarge::FileTooLarge(std::uintmax_t size, std::uintmax_t limit)
    : Error("file too large: " + std::to_string(size) + " bytes (the limit is " +
            std::to_string(limit) + ")"),
      size_(size),
      limit_(limit) {}

std::size_t read_file_into(const fs::path& path, std::uintmax_t max_bytes,
                           const std::function<char*(std::size_t size)>& buffer_for) {
    // O_NONBLOCK: a FIFO or device named like an input never blocks the run (fstat refuses it).
    const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) throw Error("cannot open: " + system_error());
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw Error("cannot stat: " + system_error());
    if (!S_ISREG(st.st_mode)) throw Error("not a regular file");
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > max_bytes) throw FileTooLarge(size, max_bytes);
    const auto wanted = static_cast<std::size_t>(size);
    char* const data = buffer_for(wanted);
    std::size_t done = 0;
    while (done < wanted) {
        const ssize_t n = ::read(fd.get(), data + done, wanted - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("read failed: " + system_error());
        if (n == 0) break;  // the file shrank while we read it
        done += static_cast<std::size_t>(n);
    }
    return done;
}

std::string read_file(const fs::path& path, std::uintmax_t max_bytes) {
    std::string data;
    const std::size_t got = read_file_into(path, max_bytes, [&data](std::size_t size) {
        data.resize(size);
        return data.data();
    });
    data.resize(got);
    return data;
}

void write_file_atomically(const fs::path& path, std::string_view data) {
    const fs::path tmp = path.string() + ".tmp";
    Descriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (fd.get() < 0) throw Error(tmp.string() + ": cannot create: " + system_error());
    auto fail = [&tmp](const std::string& message) {
        ::unlink(tmp.c_str());
        throw Error(message);
    };
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(tmp.string() + ": cannot write: " + system_error());
        if (n == 0) fail(tmp.string() + ": cannot write: no progress");
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) fail(tmp.string() + ": fsync failed: " + system_error());
    if (fd.close() != 0) fail(tmp.string() + ": cannot write: " + system_error());
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        fail(path.string() + ": cannot replace: " + system_error());
    }
    fsync_folder(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

void fsync_file(const fs::path& path) { fsync_path(path, false); }

void fsync_folder(const fs::path& path) { fsync_path(path, true); }

}  // namespace talksearch

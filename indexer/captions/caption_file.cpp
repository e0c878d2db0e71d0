#include "indexer/captions/caption_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "indexer/captions/captions.h"

namespace talksearch {

std::string read_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    // O_NONBLOCK: a FIFO or device named like an input never blocks the run (fstat refuses it).
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw Error(std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("not a regular file");
    }
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    if (size > max_bytes) {
        ::close(fd);
        throw Error("file too large: " + std::to_string(size) + " bytes (the limit is " +
                    std::to_string(max_bytes) + ")");
    }
    std::string data(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int saved = errno;
            ::close(fd);
            throw Error(std::string("read failed: ") + std::strerror(saved));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    data.resize(got);
    return data;
}

Captions read_caption_file(const std::filesystem::path& path, std::uintmax_t max_bytes) {
    const std::string data = read_file(path, max_bytes);
    return parse_captions(data, path.filename().string());
}

}  // namespace talksearch

// The indexer's one edge to the file system for whole files: reading a file
// into memory with a size limit, and replacing a file atomically and durably.
//
//   const std::string text = read_file("talks.json", 4u << 20);
//   write_file_atomically(index_dir / "XAPIANDB", "auto gen-...\n");
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace talksearch {

/// Thrown by read_file and read_file_into for a file over their limit, which
/// is refused before any of it is read.
class FileTooLarge : public Error {
  public:
    FileTooLarge(std::uintmax_t size, std::uintmax_t limit);
    std::uintmax_t size() const noexcept { return size_; }
    std::uintmax_t limit() const noexcept { return limit_; }

  private:
    std::uintmax_t size_;
    std::uintmax_t limit_;
};

/// Reads a whole regular file, refusing one larger than `max_bytes` before
/// reading it. A FIFO or device never blocks the read (it is refused). Throws
/// FileTooLarge ("file too large: 20 bytes (the limit is 10)"), or Error with
/// a message that does not name the file (the caller adds it): "cannot open:
/// Permission denied", "cannot stat: ...", "not a regular file", "read
/// failed: ...".
std::string read_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

/// read_file into memory the caller reuses: `buffer_for(size)` returns at
/// least `size` writable bytes, where the file is read. Returns the bytes
/// read: fewer than `size` when the file shrank meanwhile. Throws as
/// read_file does.
std::size_t read_file_into(const std::filesystem::path& path, std::uintmax_t max_bytes,
                           const std::function<char*(std::size_t size)>& buffer_for);

/// Replaces `path` with `data` so that a reader sees the old file or the new
/// one, never a part, also after a crash: writes `<path>.tmp` in the same
/// folder, fsyncs it, renames it over `path` and fsyncs the folder. The
/// folder must exist; the caller is the only writer of `path` (e.g. holds the
/// index lock). Throws Error naming the file; the temporary file is removed
/// when it can be.
void write_file_atomically(const std::filesystem::path& path, std::string_view data);

/// fsyncs a file (its data and size). Throws Error naming it.
void fsync_file(const std::filesystem::path& path);

/// fsyncs a folder, so that the entries created or renamed in it last.
/// Throws Error naming it.
void fsync_folder(const std::filesystem::path& path);

}  // namespace talksearch

// Reading a caption file from disk: the edge around the pure parsers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/cue.h"
#include "indexer/io/files.h"  // read_file

namespace talksearch {

/// The largest caption file read, by `build`, `update` and `captions` alike:
/// a larger one is refused unread (FileTooLarge). The longest real
/// transcript in the corpus is under 1 MB; 64 MiB leaves room for word-timed
/// JSON of a day-long stream.
inline constexpr std::uintmax_t kMaxCaptionFileBytes = 64ull * 1024 * 1024;

/// Reads and parses a caption file (format from its content, then its
/// extension). Throws Error or ParseError naming the problem; the caller adds
/// the path.
Captions read_caption_file(const std::filesystem::path& path,
                           std::uintmax_t max_bytes = kMaxCaptionFileBytes);

}  // namespace talksearch

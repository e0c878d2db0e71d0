// Reading a caption file from disk: the edge around the pure parsers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/cue.h"
#include "indexer/io/files.h"  // read_file

namespace talksearch {

/// Reads and parses a caption file (format from its content, then its
/// extension). Throws Error or ParseError naming the problem; the caller adds
/// the path.
Captions read_caption_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

}  // namespace talksearch

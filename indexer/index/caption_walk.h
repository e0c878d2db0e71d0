// Finding the caption files under the caption folders (`--captions`), and
// every entry there that looks like one but cannot be read.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "indexer/index/matching.h"

namespace talksearch {

/// An entry of a caption folder that was meant as captions (or may have
/// been) and will not be read.
struct CaptionWalkProblem {
    std::filesystem::path path;
    std::string message;  ///< "not a regular file (a FIFO)", "cannot read the folder: ..."
    std::string reason = "unreadable caption";  ///< the report's category
};

/// What a walk of the caption folders found.
struct CaptionScan {
    std::vector<CaptionFile> files;  ///< sorted by path
    std::vector<CaptionWalkProblem> problems;
};

/// Lists the caption files (is_caption_file_name) under each root, sorted.
/// Symlinks to files are followed, symlinks to folders are not (no loops).
/// Reported, not listed: a subfolder that cannot be read; an entry with a
/// caption file name that is not a regular file (a FIFO, a socket, a
/// device), a symlink that loops or leads nowhere; a file of a caption
/// format talksearch does not read (`.ass`, `.scc`, ...). Throws Error when
/// a root does not exist or cannot be read.
CaptionScan find_caption_files(const std::vector<std::filesystem::path>& roots);

}  // namespace talksearch

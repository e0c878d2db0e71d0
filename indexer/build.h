// `talksearch-index build`: sources -> a new generation -> published.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "indexer/index_writer.h"

namespace talksearch {

/// What to build from.
struct BuildOptions {
    std::vector<std::filesystem::path> talk_roots;     ///< pyvideo-layout catalogues
    std::vector<std::filesystem::path> caption_roots;  ///< folders of caption files
    std::vector<std::filesystem::path> manifests;      ///< caption manifests
    std::filesystem::path index_dir;
    std::string default_language = "en";  ///< for captions whose language nothing tells
    std::uintmax_t max_caption_bytes = 64ull * 1024 * 1024;  ///< larger files are skipped
    WriterOptions writer;
};

/// One input that was skipped (or loaded with a warning).
struct InputProblem {
    std::string path;
    std::uint32_t line = 0;  ///< 0 when the problem has no line
    std::string message;
    std::string reason;   ///< a short category for the summary: "invalid JSON", ...
    bool skipped = true;  ///< false: a warning, the input was still used
};

/// Progress reported while indexing talks.
struct BuildProgress {
    std::size_t done = 0;
    std::size_t total = 0;
};

/// What a build did.
struct BuildReport {
    std::size_t talk_files = 0;  ///< catalogue files seen
    std::size_t talks = 0;       ///< documents in the new index
    std::size_t talks_with_captions = 0;
    std::size_t caption_files = 0;       ///< caption files found
    std::size_t caption_files_used = 0;  ///< parsed and attached
    std::size_t caption_only_talks = 0;  ///< talks made from captions that matched no talk
    std::size_t suspect_tracks = 0;      ///< tracks with a collapsed repetition loop
    std::size_t repeated_talks = 0;      ///< talks recorded at more than one event
    std::vector<InputProblem> problems;
    std::string generation;
    double seconds = 0;

    /// Skipped inputs (not warnings).
    std::size_t skipped() const;
    /// Skipped inputs counted by reason.
    std::map<std::string, std::size_t> skipped_by_reason() const;
};

/// Builds a fresh index from the sources into a new generation folder and
/// publishes it. Bad inputs are reported in the BuildReport and skipped; the
/// run goes on. Throws LockBusy when another writer runs, and Error when the
/// run cannot finish (the live index is then left exactly as it was).
BuildReport build_index(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress = {});

}  // namespace talksearch

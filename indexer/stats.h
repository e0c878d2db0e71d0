// `talksearch-index stats`: what an index holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

namespace talksearch {

/// A summary of an index.
struct IndexStats {
    std::uint64_t talks = 0;
    std::uint64_t talks_with_captions = 0;
    std::uint64_t talks_human_captions = 0;
    std::uint64_t talks_machine_captions = 0;
    std::uint64_t talks_with_suspect_loops = 0;
    std::uint64_t repeated_talks = 0;                ///< talks given at more than one event
    std::uint64_t repeat_recordings = 0;             ///< the recordings of those talks
    std::map<std::string, std::uint64_t> events;     ///< event slug -> talks
    std::map<std::string, std::uint64_t> years;      ///< "2014" -> talks
    std::map<std::string, std::uint64_t> languages;  ///< "en" -> talks
    std::uint64_t bytes = 0;                         ///< size of the live generation on disk
    std::string generation;
};

/// Reads the statistics of the index in `index_dir`. Throws Error when there
/// is no readable index there.
IndexStats read_index_stats(const std::filesystem::path& index_dir);

/// The statistics as one JSON object (keys talks, talks_with_captions,
/// events, years, bytes, ...).
std::string stats_to_json(const IndexStats& stats);

/// The statistics as text for a terminal.
std::string stats_to_text(const IndexStats& stats);

}  // namespace talksearch

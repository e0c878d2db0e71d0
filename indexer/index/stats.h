// `talksearch-index stats`: what an index holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

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
    /// One per shard of an index split into shards (empty for one index).
    struct Shard {
        std::string label;  ///< "shard-1", "remote 10.0.0.7:33333"
        std::string part;   ///< "1/3" (the shard's own metadata); empty when whole
        std::uint64_t talks = 0;
        std::string generation;   ///< a local shard's live generation
        std::uint64_t bytes = 0;  ///< a local shard's size on disk
    };
    std::vector<Shard> shards;
    /// What is wrong with the set of shards (check_parts): empty when they
    /// make one whole index.
    std::vector<std::string> problems;
};

/// Reads the statistics of the index in `index_dir` (an index folder, or a
/// stub listing shards, local or remote, every one of which must answer).
/// Throws Error when there is no readable index there.
IndexStats read_index_stats(const std::filesystem::path& index_dir);

/// The statistics as one JSON object (keys talks, talks_with_captions,
/// events, years, bytes, ...).
std::string stats_to_json(const IndexStats& stats);

/// The statistics as text for a terminal.
std::string stats_to_text(const IndexStats& stats);

}  // namespace talksearch

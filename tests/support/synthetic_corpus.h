// A synthetic corpus in pyvideo.org's layout with WebVTT captions, made from a
// seed: big enough that indexing takes a measurable time (for kill, overlap
// and load tests) and shaped so that a query's answer tells which variant was
// indexed. Test-only code.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace talksearch::test {

struct SyntheticCorpus {
    std::size_t talks = 1000;
    std::size_t cues_per_talk = 60;
    std::size_t words_per_cue = 10;
    /// Which talks say the marker word: talk k does when k % 13 == variant % 13.
    /// A query for kMarkerWord therefore returns one set of talks per variant.
    unsigned variant = 0;
    unsigned seed = 20241122;
};

/// The word that only the variant's talks say.
inline constexpr const char* kMarkerWord = "zebrafinch";

/// Writes the corpus: `root/talks/<event>/videos/<slug>.json` (10 events) and
/// `root/captions/<youtube id>.en.vtt`. Overwrites files that exist.
void write_synthetic_corpus(const std::filesystem::path& root, const SyntheticCorpus& corpus);

/// The id ("event/slug") of talk k.
std::string synthetic_talk_id(std::size_t k);

}  // namespace talksearch::test

// "Did you mean": rare or absent query words replaced by common close ones.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>

#include "query/query_text.h"

namespace talksearch {

/// Which words suggest() replaces, and by which.
struct SpellingLimits {
    /// A word held by more talks than this is kept; 0: 1 in 5,000 talks (at least 1).
    Xapian::doccount max_word_talks = 0;
    /// A replacement is held by at least this many times the word's talks plus one...
    Xapian::doccount min_gain = 5;
    /// ...and by at least this many talks.
    Xapian::doccount min_talks = 3;
};

/// The limits for a query with few results (Searcher: at most
/// kFewResultsForSpelling), where a word a few talks hold may be a
/// misspelling too: words in up to 10 talks, replaced by one that 20 times
/// as many talks hold (plus 20). A lower gain corrected real words on a small
/// archive ("many" to "any", "timer" to "time" on data/), where every word is
/// in few talks; a typo's correction is held by far more. The searcher offers
/// such a suggestion only when the corrected query finds clearly more talks.
inline constexpr SpellingLimits kFewResultsSpelling{10, 20, 3};

/// The query with each word of 4 or more letters that few talks hold (by
/// default at most 1 in 5,000, at least 1) replaced by the closest common
/// word: Xapian's spelling suggestion or the word with two neighbouring
/// letters swapped ("pyhton"), fewest edits first (a swap is one), then the
/// word more talks hold; "common" is by default in at least 3 talks and 5
/// times as many as the word (plus one). Field names, operators and wildcard
/// stems are kept, and so is a capital the user typed. nullopt when no word
/// was replaced.
std::optional<std::string> suggest(const Xapian::Database& db, const QueryText& query,
                                   const SpellingLimits& limits = {});

/// Edits between two words, a swap of neighbouring bytes counting as one
/// (optimal string alignment distance).
unsigned edit_distance(const std::string& a, const std::string& b);

}  // namespace talksearch

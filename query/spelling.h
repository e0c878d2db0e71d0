// "Did you mean": rare or absent query words replaced by common close ones.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>

#include "query/query_text.h"

namespace talksearch {

/// The query with each word of 4 or more letters that few talks hold (at
/// most 1 in 5,000, at least 1) replaced by the closest common word:
/// Xapian's spelling suggestion or the word with two neighbouring letters
/// swapped ("pyhton"), fewest edits first (a swap is one), then the word
/// more talks hold; "common" is in at least 3 talks and 5 times as many as
/// the word. Field names, operators and wildcard stems are kept, and so is
/// a capital the user typed. nullopt when no word was replaced.
std::optional<std::string> suggest(const Xapian::Database& db, const QueryText& query);

/// Edits between two words, a swap of neighbouring bytes counting as one
/// (optimal string alignment distance).
unsigned edit_distance(const std::string& a, const std::string& b);

}  // namespace talksearch

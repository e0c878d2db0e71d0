// Splitting cue text into words the way Xapian's TermGenerator counts them
// (closely enough to place a matched position inside its cue). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// One word of a text: its byte range.
struct WordSpan {
    std::size_t offset = 0;
    std::size_t length = 0;
};

/// The words of `text`: runs of letters, digits, marks and '_' (Unicode
/// categories L, N, M, Pc), joined across a single apostrophe between
/// letters ("don't") and a '.' or ',' between digits ("3.14"); a trailing
/// "++" or "#" after a letter stays with it ("C++").
std::vector<WordSpan> split_words(std::string_view text);

/// The word as a term: lower-cased as Xapian does, curly apostrophes straightened.
std::string word_term(std::string_view word);

}  // namespace talksearch

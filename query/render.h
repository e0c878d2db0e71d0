// Renderers: a SearchResult as terminal text, JSON (docs/JSON.md) or an HTML
// fragment. Pure functions; every string is escaped for its target.
#pragma once

#include <string>

#include "query/result.h"

namespace talksearch {

/// Options for the text renderer.
struct TextStyle {
    bool color = false;  ///< bold matched words and titles (a terminal); plain when piped
};

/// `s` safe to print to a terminal: control characters other than newline,
/// C1 controls and bidirectional overrides become spaces, so captions cannot
/// drive the terminal.
std::string terminal_safe(std::string_view s);

/// Human-readable results for a terminal. A chapter moment reads
/// "   5:00  [chapter] Memoization with lru_cache".
std::string render_text(const SearchResult& result, const TextStyle& style = {});

/// The stable JSON form documented in docs/JSON.md (schema version 1).
/// Always valid UTF-8; matched words are wrapped in <mark>...</mark> inside
/// the snippet's `html` (escaped) and listed as parts in `snippet`.
std::string render_json(const SearchResult& result);

/// An HTML fragment (no <html> or <body>) for static sites: a <section>
/// holding an ordered list of talks. Everything is escaped, attributes too.
/// A chapter moment's <li> has class `talksearch-chapter`.
std::string render_html(const SearchResult& result);

/// The snippet as escaped HTML with <mark> around matched words.
std::string snippet_html(const std::vector<SnippetPart>& parts);

/// The snippet as plain text.
std::string snippet_text(const std::vector<SnippetPart>& parts);

}  // namespace talksearch

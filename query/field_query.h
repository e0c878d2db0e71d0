// What a plain query word matches (docs/DESIGN.md, "Ranking" and "Query
// language"): QueryParser reads the query once, with one stemmer and for
// what was said (unprefixed terms); this turns each of its words into what
// it stands for in the index:
//   - the word in what was said and in the metadata (schema::kMetadata),
//     which BM25 scores apart and sums (core/scoring.h), or in what was said
//     alone (`spoken_only`, `--spoken`);
//   - its stem in every other language the index holds, counting in talks of
//     that language only (unless the request names the query's language);
//   - its split spoken form: speech recognition writes "async IO" for
//     asyncio, "py test" for pytest;
//   - for two adjacent words, their joined form ("type hints" → typehints).
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

#include "query/query_text.h"

namespace talksearch {

/// Another form of a word: what it matches in speech and in the metadata.
/// A talk that holds the word's own term is not matched by its other forms
/// (OP_AND_NOT), so no talk counts one word twice. (OP_SYNONYM would, but
/// a remote shard estimates a synonym's frequency from its own counts, and
/// shards would rank otherwise than one index.)
struct WordForm {
    Xapian::Query spoken;
    Xapian::Query metadata;  ///< empty (MatchNothing) when the form is for speech alone
};

/// The forms of the query's words found in the index.
struct WordForms {
    /// Keyed by the term QueryParser made for a word ("Zasyncio", or the word
    /// itself when it was not stemmed): its other forms.
    std::map<std::string, std::vector<WordForm>> alternatives;
    /// Two adjacent words' terms -> their joined form, matched in speech and metadata.
    std::map<std::pair<std::string, std::string>, Xapian::Query> joined;
    /// Keyed like `alternatives`: what the moments look for.
    MomentFormsOf moments;
};

/// The languages whose stemmer a query tries: those the index holds (its
/// language terms) grouped by stemmer name, each with its language tags.
using IndexLanguages = std::map<std::string, std::vector<std::string>>;

/// Reads the index's languages (schema::kLanguage terms) by stemmer.
IndexLanguages index_languages(const Xapian::Database& db);

/// The forms of the plain words of `query` (not quoted, not after a field
/// prefix, not operators) that the index holds; `stemmer_name` is the query
/// language's stemmer ("english"). `languages` empty: no other language is
/// tried.
WordForms find_word_forms(const Xapian::Database& db, const QueryText& query,
                          const std::string& stemmer_name, const IndexLanguages& languages);

/// The parsed query with every unprefixed word, stem and phrase matched in
/// speech and (unless `spoken_only`) in the metadata, and with the forms of
/// `forms` OR'ed in. Field and boolean terms are left as they are.
Xapian::Query field_query(const Xapian::Query& parsed, const WordForms& forms, bool spoken_only);

/// The query's kMetadata terms and stems ("Masyncio", "ZMasyncio"), each once.
std::vector<std::string> metadata_terms_of(const Xapian::Query& query);

/// The metadata term for an unprefixed term or stem ("asyncio" ->
/// "Masyncio", "Zasyncio" -> "ZMasyncio"); "" for any other term.
std::string metadata_term(const std::string& term);

}  // namespace talksearch

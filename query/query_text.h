// The query text: its words (split once), Xapian's reading of it (prefixes,
// booleans, phrases, wildcards), the proximity bonus for a plain query of
// several words, and the words of the index it stands for (wildcards'
// expansions, stems' surface forms) that the moments look for.
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/words.h"

namespace talksearch {

/// The query as searched (valid UTF-8) and its words (core/words.h), split
/// once for every use.
struct QueryText {
    std::string text;
    std::vector<WordSpan> words;

    /// The query split into words.
    explicit QueryText(std::string valid_utf8);
    /// The text of one of its words.
    std::string_view word(const WordSpan& w) const {
        return std::string_view(text).substr(w.offset, w.length);
    }
};

/// Reads the query with Xapian's QueryParser: field prefixes (`title:`,
/// `speaker:`, `tag:`; boolean `event:`, `lang:`, `captions:`, `year:` and
/// `year:2014..2019`), AND/OR/NOT, phrases, +/-, wildcards; every word but
/// the operators lower-cased. A query the parser rejects is searched for its
/// plain words, and a notice saying so is appended to `notices`.
Xapian::Query parse_query(const Xapian::Database& db, const QueryText& query,
                          const Xapian::Stem& stemmer, std::vector<std::string>& notices);

/// For a plain query of two to six words ("knight capital"), the words as a
/// phrase (unstemmed, with a window one word wider), to add as an optional
/// part of the query: a bonus for talks where the words stand together.
/// nullopt for a query with operators, quotes, fields, wildcards or a
/// hyphenated word.
std::optional<Xapian::Query> proximity_boost(const QueryText& query);

/// A query word (its surface forms) or a phrase (one surface form per word).
struct TermGroup {
    bool phrase = false;
    std::vector<std::string> terms;  ///< word: alternatives; phrase: the sequence
    /// A stemmed word's stem, which snippets and chapter titles match too,
    /// even where no word said has it ("lru_cache" only in a chapter title).
    std::string stem;
};

/// What the moments look for beside a query word's own surface forms
/// (query/field_query.h finds them).
struct MomentForms {
    /// Other-language stems ("program") with the stemmer that made them.
    std::vector<std::pair<std::string, Xapian::Stem>> stems;
    /// Split forms ({"async", "io"}) as phrases; a one-word "phrase" is an exact word.
    std::vector<std::vector<std::string>> phrases;
};
/// Keyed by the term QueryParser made for the word ("Zasyncio", or the word).
using MomentFormsOf = std::map<std::string, MomentForms>;

/// The words of an index that a query stands for. Remembers stems' surface
/// forms between searches: call clear() when the index changes.
class IndexTerms {
  public:
    /// The query with each wildcard replaced by the words it stands for in
    /// the whole index, OR'ed: Xapian 1.4 would expand a wildcard in each
    /// shard on its own, and weigh its OP_SYNONYM with that shard's counts,
    /// so shards would rank prefix queries otherwise than one index does.
    /// (OP_MAX would weigh a talk by its best word, but a remote shard of
    /// Xapian 1.4.22 drops the connection on OP_MAX beside a posting source.)
    Xapian::Query expand_wildcards(const Xapian::Database& db, const Xapian::Query& query);

    /// The query's words and phrases whose positions make moments: each
    /// unprefixed word with its surface forms in the index, each wildcard
    /// with the words it stands for, each phrase of plain words; only the
    /// positive side of AND_NOT, FILTER and AND_MAYBE. A word's group also
    /// holds the surface forms of its `other` stems; its split forms are
    /// phrase groups of their own.
    std::vector<TermGroup> term_groups(const Xapian::Database& db, const Xapian::Query& query,
                                       const Xapian::Stem& stemmer,
                                       const MomentFormsOf& other = {});

    /// Forgets the remembered surface forms.
    void clear() { forms_cache_.clear(); }

  private:
    void collect(const Xapian::Database& db, const Xapian::Query& q, const Xapian::Stem& stemmer,
                 const MomentFormsOf& other, std::vector<TermGroup>& out);
    std::vector<std::string> surface_forms(const Xapian::Database& db, const std::string& stem,
                                           const Xapian::Stem& stemmer);

    /// (stemmer, stem) -> surface forms in this index.
    std::unordered_map<std::string, std::vector<std::string>> forms_cache_;
};

/// True for a prefixed term (one starting with a capital: "S", "XE", "Z", "M"...).
bool is_prefixed(const std::string& term);

/// A wildcard query's pattern ("deco" of deco*): Xapian 1.4 has no accessor
/// for it, so it is read from the description, "Query(WILDCARD <OP>
/// <pattern>)". "" if unknown.
std::string wildcard_pattern(const Xapian::Query& q);

/// True for the operators a query is rebuilt with from its subqueries alone
/// (AND, OR, AND_NOT, XOR, AND_MAYBE, FILTER, SYNONYM): those with no window,
/// scale or other parameter Xapian 1.4 would not let us read back.
bool rebuilds_from_subqueries(Xapian::Query::op type);

/// True for the words QueryParser reads as operators (AND, OR, NOT, NEAR, ADJ, XOR).
bool is_operator_word(std::string_view word);

}  // namespace talksearch

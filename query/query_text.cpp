#include "query/query_text.h"

#include <algorithm>
#include <utility>

#include "core/schema.h"
#include "core/text.h"

namespace talksearch {

namespace sc = schema;

namespace {

// At most this many stems' surface forms are remembered between searches.
constexpr std::size_t kMaxCachedStems = 20000;
// At most this many surface forms are searched for positions per query word.
constexpr std::size_t kMaxSurfaceForms = 40;
// A wildcard ("deco*") stands for at most this many words said, and this
// many metadata words, those most talks hold; its moments look for the first
// few. (Metadata words and moments each cost the page a posting or position
// list per word: 50 of each took the real corpus's prefix queries from p99
// 4.7 ms to 10 ms; these, back to 4.8 ms.)
constexpr Xapian::termcount kMaxWildcardTerms = 50;
constexpr Xapian::termcount kMaxWildcardMetadataTerms = 10;
constexpr std::size_t kMaxWildcardMomentForms = 10;

// The `limit` terms of `found` (term frequency, term) held by most talks.
std::vector<std::string> most_frequent(std::vector<std::pair<Xapian::doccount, std::string>> found,
                                       std::size_t limit = kMaxSurfaceForms) {
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < found.size() && i < limit; ++i) {
        out.push_back(found[i].second);
    }
    return out;
}

// The query with every word but the operators lower-cased: STEM_SOME leaves
// a capitalised word unstemmed, and people capitalise names ("Daubert
// standard" must also find "Daubert's standard"). A quoted word stays exact.
std::string lower_words(const QueryText& query) {
    const std::string& text = query.text;
    std::string out;
    std::size_t done = 0;
    for (const WordSpan& w : query.words) {
        const std::string_view word = query.word(w);
        out.append(text, done, w.offset - done);
        if (is_operator_word(word)) {
            out += word;
        } else {
            out += lower_case(word);
        }
        done = w.offset + w.length;
    }
    out.append(text, done, std::string::npos);
    return out;
}

// The query's words without the operators, space-separated.
std::string plain_words_text(const QueryText& query) {
    std::string words;
    for (const WordSpan& w : query.words) {
        const std::string_view word = query.word(w);
        if (is_operator_word(word)) continue;
        if (!words.empty()) words += ' ';
        words += word;
    }
    return words;
}

// The `limit` words of the index starting with `prefix` that most talks hold.
std::vector<std::string> expand_prefix(const Xapian::Database& db, const std::string& prefix,
                                       std::size_t limit = kMaxSurfaceForms) {
    std::vector<std::pair<Xapian::doccount, std::string>> found;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        found.emplace_back(it.get_termfreq(), *it);
    }
    return most_frequent(std::move(found), limit);
}

// IndexTerms::expand_wildcards; sets `changed` when a wildcard was replaced.
Xapian::Query expand(const Xapian::Database& db, const Xapian::Query& q, bool& changed) {
    const auto type = q.get_type();
    if (type == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(q);
        if (pattern.empty()) return q;
        changed = true;
        // A word's wildcard is expanded in speech and in the metadata
        // (field_query.h), each to the words most talks hold.
        const std::vector<std::string> terms = expand_prefix(
            db, pattern,
            pattern.starts_with(sc::kMetadata) ? kMaxWildcardMetadataTerms : kMaxWildcardTerms);
        if (terms.empty()) return Xapian::Query::MatchNothing;
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    // Operators without parameters are rebuilt from their subqueries; a
    // wildcard anywhere else (NEAR) is left to Xapian.
    if (!rebuilds_from_subqueries(type)) return q;
    bool any = false;
    std::vector<Xapian::Query> subs;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(expand(db, q.get_subquery(i), any));
    if (!any) return q;
    changed = true;
    return Xapian::Query(type, subs.begin(), subs.end());
}

// The unprefixed words in the index whose stem is `stem`: Snowball stems
// differ from their words only near the end, so the candidates share the
// stem's first bytes.
std::vector<std::string> find_surface_forms(const Xapian::Database& db, const std::string& stem,
                                            const Xapian::Stem& stemmer) {
    std::size_t keep = stem.size() > 4 ? stem.size() - 1 : stem.size();
    while (keep > 0 && (static_cast<unsigned char>(stem[keep]) & 0xC0) == 0x80) --keep;
    std::vector<std::pair<Xapian::doccount, std::string>> found;
    const std::string prefix = stem.substr(0, keep);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        const std::string term = *it;
        if (term == stem || stemmer(term) == stem) found.emplace_back(it.get_termfreq(), term);
    }
    return most_frequent(std::move(found));
}

}  // namespace

bool rebuilds_from_subqueries(Xapian::Query::op type) {
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
            return true;
        default:
            return false;
    }
}

bool is_prefixed(const std::string& term) {
    return !term.empty() && term[0] >= 'A' && term[0] <= 'Z';
}

// Xapian 1.4 has no accessor for a wildcard's pattern (its term iterator is
// empty); its description is "Query(WILDCARD <OP> <pattern>)". "" if unknown.
std::string wildcard_pattern(const Xapian::Query& q) {
    const std::string d = q.get_description();
    const auto space = d.rfind(' ');
    if (space == std::string::npos || d.size() < space + 2 || d.back() != ')') return {};
    return d.substr(space + 1, d.size() - space - 2);
}

QueryText::QueryText(std::string valid_utf8)
    : text(std::move(valid_utf8)), words(split_words(text)) {}

bool is_operator_word(std::string_view w) {
    return w == "AND" || w == "OR" || w == "NOT" || w == "NEAR" || w == "ADJ" || w == "XOR";
}

Xapian::Query parse_query(const Xapian::Database& db, const QueryText& query,
                          const Xapian::Stem& stemmer, std::vector<std::string>& notices) {
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(stemmer);
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("title", std::string(sc::kTitle));
    qp.add_prefix("speaker", std::string(sc::kSpeaker));
    qp.add_prefix("tag", std::string(sc::kTag));
    qp.add_boolean_prefix("event", std::string(sc::kEvent));
    qp.add_boolean_prefix("lang", std::string(sc::kLanguage));
    qp.add_boolean_prefix("captions", std::string(sc::kCaptions));
    qp.add_boolean_prefix("year", std::string(sc::kYear));
    Xapian::NumberRangeProcessor years(sc::kSlotYear, "year:");
    qp.add_rangeprocessor(&years);
    qp.set_max_expansion(kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                         Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
    const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                           Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
                           Xapian::QueryParser::FLAG_PURE_NOT;
    try {
        return qp.parse_query(lower_words(query), flags);
    } catch (const Xapian::QueryParserError& e) {
        // Fall back to the words alone: never an error for the user.
        const std::string words = plain_words_text(query);
        notices.push_back("the query could not be parsed (" + e.get_msg() + "); " +
                          (words.empty() ? std::string("it holds no words to search for")
                                         : "searched for its words: " + words));
        return qp.parse_query(words, 0);
    }
}

// BM25 alone scores words wherever they are, so a speaker named Knight and a
// city's capital in the description would beat a talk that says "Knight
// Capital".
std::optional<Xapian::Query> proximity_boost(const QueryText& query) {
    const std::string& text = query.text;
    for (char c : text) {
        if (c == '"' || c == ':' || c == '*' || c == '(' || c == ')' || c == '+')
            return std::nullopt;
    }
    std::vector<std::string> terms;
    for (const WordSpan& w : query.words) {
        const std::string_view word = query.word(w);
        if (is_operator_word(word)) return std::nullopt;
        if (w.offset > 0 && text[w.offset - 1] == '-') return std::nullopt;
        terms.push_back(word_term(word));
    }
    if (terms.size() < 2 || terms.size() > 6) return std::nullopt;
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                         static_cast<Xapian::termcount>(terms.size() + 1));
}

Xapian::Query IndexTerms::expand_wildcards(const Xapian::Database& db, const Xapian::Query& query) {
    bool changed = false;
    return expand(db, query, changed);
}

std::vector<std::string> IndexTerms::surface_forms(const Xapian::Database& db,
                                                   const std::string& stem,
                                                   const Xapian::Stem& stemmer) {
    // Popular words come back query after query: their forms are remembered
    // until the index changes.
    const std::string key = stemmer.get_description() + '\x1f' + stem;
    if (const auto it = forms_cache_.find(key); it != forms_cache_.end()) return it->second;
    if (forms_cache_.size() >= kMaxCachedStems) forms_cache_.clear();
    std::vector<std::string> forms = find_surface_forms(db, stem, stemmer);
    forms_cache_.emplace(key, forms);
    return forms;
}

void IndexTerms::collect(const Xapian::Database& db, const Xapian::Query& q,
                         const Xapian::Stem& stemmer, const MomentFormsOf& other,
                         std::vector<TermGroup>& out) {
    const auto type = q.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        const std::string term = *q.get_terms_begin();
        const bool stemmed = term.size() > 1 && term[0] == 'Z' && !is_prefixed(term.substr(1));
        if (!stemmed && is_prefixed(term)) return;
        TermGroup g{false, {}, {}};
        if (stemmed) {
            g.stem = term.substr(1);
            g.terms = surface_forms(db, g.stem, stemmer);
        } else {
            g.terms = {term};
        }
        const auto forms = other.find(term);
        if (forms != other.end()) {
            for (const auto& [stem, by] : forms->second.stems) {
                for (std::string& t : surface_forms(db, stem, by)) {
                    if (std::find(g.terms.begin(), g.terms.end(), t) == g.terms.end())
                        g.terms.push_back(std::move(t));
                }
            }
            for (const std::vector<std::string>& words : forms->second.phrases) {
                if (words.size() == 1) g.terms.push_back(words.front());
            }
        }
        out.push_back(std::move(g));
        if (forms != other.end()) {
            for (const std::vector<std::string>& words : forms->second.phrases) {
                if (words.size() > 1) out.push_back({true, words, {}});
            }
        }
        return;
    }
    if (type == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(q);
        if (!pattern.empty() && !is_prefixed(pattern))
            out.push_back({false, expand_prefix(db, pattern, kMaxWildcardMomentForms), {}});
        return;
    }
    if (type == Xapian::Query::OP_PHRASE) {
        TermGroup g{true, {}, {}};
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
            const Xapian::Query sub = q.get_subquery(i);
            if (sub.get_type() != Xapian::Query::LEAF_TERM) return;
            const std::string term = *sub.get_terms_begin();
            if (is_prefixed(term)) return;
            g.terms.push_back(term);
        }
        if (!g.terms.empty()) out.push_back(std::move(g));
        return;
    }
    const std::size_t n = q.get_num_subqueries();
    // Only the positive side of AND_NOT, FILTER and the like can be a moment.
    const bool first_only = type == Xapian::Query::OP_AND_NOT || type == Xapian::Query::OP_FILTER ||
                            type == Xapian::Query::OP_AND_MAYBE;
    for (std::size_t i = 0; i < n && (!first_only || i == 0); ++i)
        collect(db, q.get_subquery(i), stemmer, other, out);
}

std::vector<TermGroup> IndexTerms::term_groups(const Xapian::Database& db,
                                               const Xapian::Query& query,
                                               const Xapian::Stem& stemmer,
                                               const MomentFormsOf& other) {
    std::vector<TermGroup> groups;
    collect(db, query, stemmer, other, groups);
    groups.erase(
        std::remove_if(groups.begin(), groups.end(),
                       [](const TermGroup& g) { return g.terms.empty() && g.stem.empty(); }),
        groups.end());
    return groups;
}

}  // namespace talksearch

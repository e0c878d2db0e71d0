#include "query/field_query.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "core/language.h"
#include "core/schema.h"
#include "core/scoring.h"
#include "core/text.h"

namespace talksearch {

namespace sc = schema;

namespace {

// Each piece of a split form must be said in at least this many talks.
constexpr Xapian::doccount kMinPieceTalks = 1;
// Words shorter than this are not split (two pieces of two letters at least).
constexpr std::size_t kMinSplitBytes = 5;

// True for an unprefixed term ("asyncio") or a stem of one ("Zasyncio").
bool is_spoken_term(const std::string& term) {
    if (term.empty()) return false;
    if (term[0] == 'Z') return term.size() > 1 && !is_prefixed(term.substr(1));
    return !is_prefixed(term);
}

bool ascii_letters(const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// The window of a PHRASE or NEAR from its description ("Query((a PHRASE 2
// b))"): Xapian 1.4 has no accessor for it. 0 when unknown.
Xapian::termcount window_of(const Xapian::Query& q) {
    const std::string d = q.get_description();
    for (const char* op : {" PHRASE ", " NEAR "}) {
        const auto at = d.find(op);
        if (at == std::string::npos) continue;
        return static_cast<Xapian::termcount>(
            std::atoi(d.c_str() + at + std::char_traits<char>::length(op)));
    }
    return 0;
}

Xapian::Query any_of(std::vector<Xapian::Query> qs) {
    if (qs.size() == 1) return qs.front();
    return Xapian::Query(Xapian::Query::OP_OR, qs.begin(), qs.end());
}

// The term in speech, or in speech and in the metadata.
Xapian::Query in_fields(const std::string& term, bool spoken_only) {
    if (spoken_only) return Xapian::Query(term);
    return any_of({Xapian::Query(term), Xapian::Query(metadata_term(term))});
}

// True when the term is in the index, in speech or in the metadata.
bool held(const Xapian::Database& db, const std::string& term) {
    return db.term_exists(term) || db.term_exists(metadata_term(term));
}

// The plain words of the query, lower-cased as QueryParser's terms are:
// not operators, not quoted, not a field's value, not a wildcard. Adjacent
// plain words separated by spaces only are `adjacent` to the one before.
struct PlainWord {
    std::string word;
    bool adjacent = false;
};

std::vector<PlainWord> plain_words(const QueryText& query) {
    const std::string& text = query.text;
    std::vector<PlainWord> out;
    bool quoted = false;
    std::size_t scanned = 0;
    std::size_t previous_end = std::string::npos;
    for (const WordSpan& w : query.words) {
        for (; scanned < w.offset; ++scanned) quoted ^= text[scanned] == '"';
        scanned = w.offset + w.length;
        const std::string_view word = query.word(w);
        const bool after_field = w.offset > 0 && text[w.offset - 1] == ':';
        const bool wildcard = scanned < text.size() && text[scanned] == '*';
        if (quoted || after_field || wildcard || is_operator_word(word)) {
            previous_end = std::string::npos;
            continue;
        }
        bool adjacent = previous_end != std::string::npos;
        for (std::size_t i = previous_end; adjacent && i < w.offset; ++i) adjacent = text[i] == ' ';
        out.push_back({word_term(lower_case(word)), adjacent});
        previous_end = scanned;
    }
    return out;
}

// The best split of a word into two pieces both said in the index (the
// split whose rarer piece is most common), as a spoken phrase; nullopt when
// none is.
std::optional<Xapian::Query> split_form(const Xapian::Database& db, const std::string& w) {
    if (w.size() < kMinSplitBytes || !ascii_letters(w)) return std::nullopt;
    Xapian::doccount best = 0;
    std::size_t at = 0;
    for (std::size_t i = 2; i + 2 <= w.size(); ++i) {
        const Xapian::doccount df =
            std::min(db.get_termfreq(w.substr(0, i)), db.get_termfreq(w.substr(i)));
        if (df >= kMinPieceTalks && df > best) {
            best = df;
            at = i;
        }
    }
    if (at == 0) return std::nullopt;
    const std::vector<Xapian::Query> pieces{Xapian::Query(w.substr(0, at)),
                                            Xapian::Query(w.substr(at))};
    return Xapian::Query(Xapian::Query::OP_PHRASE, pieces.begin(), pieces.end(), 2);
}

// BM25's idf as Xapian 1.4's BM25Weight computes it, for a term `n` of `total` talks hold.
double idf(Xapian::doccount n, Xapian::doccount total) {
    const double x = std::log((total - n + 0.5) / (n + 0.5));
    return x < 2 ? x * 0.5 + 1 : x;
}

// `q` weighed as a form of a word held by `word_talks` talks rather than by
// `form_talks` (its own count): a rare form (a stem of a language few talks
// are in, a split spelling) must not weigh more than the word itself, which
// it would by its own rarity. Never scaled up.
Xapian::Query weighed_as_word(const Xapian::Database& db, const Xapian::Query& q,
                              Xapian::doccount word_talks, double form_idf) {
    const Xapian::doccount total = db.get_doccount();
    const double factor = std::min(1.0, idf(word_talks, total) / form_idf);
    if (factor >= 0.999) return q;
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, factor);
}

// The word's stems in the index's other languages, each counting in talks of
// its languages only.
void other_languages(const Xapian::Database& db, const std::string& w, const std::string& own,
                     const IndexLanguages& languages, const std::vector<std::string>& keys,
                     WordForms& forms) {
    const Xapian::doccount total = db.get_doccount();
    for (const auto& [name, tags] : languages) {
        if (name == own) continue;
        const bool stems = name != "none";
        const Xapian::Stem stemmer(name);
        const std::string term = stems ? "Z" + stemmer(w) : w;
        if (std::find(keys.begin(), keys.end(), term) != keys.end() || !held(db, term)) continue;
        std::vector<Xapian::Query> in;
        for (const std::string& tag : tags) in.emplace_back(sc::make_term(sc::kLanguage, tag));
        const Xapian::Query language = any_of(in);
        const std::string in_metadata = metadata_term(term);
        const auto weighed = [&](const std::string& form, const std::string& word) {
            const Xapian::doccount n = db.get_termfreq(form);
            return weighed_as_word(
                db, Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(form), language),
                std::max(n, db.get_termfreq(word)), idf(n, total));
        };
        const WordForm form{weighed(term, keys.front()),
                            weighed(in_metadata, metadata_term(keys.front()))};
        for (const std::string& key : keys) {
            forms.alternatives[key].push_back(form);
            if (stems)
                forms.moments[key].stems.emplace_back(term.substr(1), stemmer);
            else
                forms.moments[key].phrases.push_back({term});
        }
    }
}

}  // namespace

std::string metadata_term(const std::string& term) {
    if (!is_spoken_term(term)) return {};
    if (term[0] == 'Z') return "Z" + std::string(sc::kMetadata) + term.substr(1);
    return std::string(sc::kMetadata) + term;
}

std::vector<std::string> metadata_terms_of(const Xapian::Query& query) {
    std::vector<std::string> out;
    const std::string stem_prefix = "Z" + std::string(sc::kMetadata);
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        const std::string term = *t;
        if (term.starts_with(sc::kMetadata) || term.starts_with(stem_prefix)) out.push_back(term);
    }
    return out;
}

IndexLanguages index_languages(const Xapian::Database& db) {
    IndexLanguages out;
    const std::string prefix(sc::kLanguage);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        const std::string tag = (*it).substr(prefix.size());
        if (tag.empty()) continue;
        out[std::string(stemmer_for_language(tag))].push_back(tag);
    }
    return out;
}

WordForms find_word_forms(const Xapian::Database& db, const QueryText& query,
                          const std::string& stemmer_name, const IndexLanguages& languages) {
    WordForms forms;
    const std::string& own = stemmer_name;
    const Xapian::Stem stemmer(stemmer_name);
    std::vector<std::string> previous_keys;
    for (const PlainWord& p : plain_words(query)) {
        const std::string& w = p.word;
        // QueryParser's term for the word: its stem (STEM_SOME), or the word
        // where it did not stem it.
        std::vector<std::string> keys{"Z" + stemmer(w), w};
        if (auto split = split_form(db, w)) {
            // A phrase weighs as much as its words together: weighed as the word.
            std::vector<std::string> pieces;
            double pieces_idf = 0;
            Xapian::doccount rarest = db.get_doccount();
            for (auto t = split->get_terms_begin(); t != split->get_terms_end(); ++t) {
                pieces.push_back(*t);
                rarest = std::min(rarest, db.get_termfreq(*t));
                pieces_idf += idf(db.get_termfreq(*t), db.get_doccount());
            }
            const Xapian::Query said = weighed_as_word(
                db, *split, std::max(rarest, db.get_termfreq(keys.front())), pieces_idf);
            for (const std::string& key : keys) {
                forms.alternatives[key].push_back({said, {}});
                forms.moments[key].phrases.push_back(pieces);
            }
        }
        other_languages(db, w, own, languages, keys, forms);
        if (p.adjacent && !previous_keys.empty()) {
            // "type hints" also stands for "typehints", in speech and metadata.
            const std::string joined = previous_keys.back() + w;
            const std::string joined_stem = "Z" + stemmer(joined);
            const std::string term = held(db, joined_stem) ? joined_stem : joined;
            if (joined.size() < sc::kMaxTermBytes && held(db, term)) {
                for (const std::string& a : previous_keys) {
                    for (const std::string& b : keys) forms.joined[{a, b}] = in_fields(term, false);
                }
                // Its moments: where the joined word is said, as the second word's.
                for (const std::string& b : keys) forms.moments[b].phrases.push_back({joined});
            }
        }
        previous_keys = keys;
    }
    return forms;
}

namespace {

Xapian::Query rewrite(const Xapian::Query& q, const WordForms& forms, bool spoken_only);

// A leaf: the term in its fields, with its other forms.
Xapian::Query rewrite_leaf(const Xapian::Query& q, const WordForms& forms, bool spoken_only) {
    const std::string term = *q.get_terms_begin();
    if (!is_spoken_term(term)) return q;
    const Xapian::Query in_metadata(metadata_term(term));
    std::vector<Xapian::Query> spoken, metadata;
    if (const auto it = forms.alternatives.find(term); it != forms.alternatives.end()) {
        for (const WordForm& form : it->second) {
            spoken.push_back(form.spoken);
            if (!form.metadata.empty()) metadata.push_back(form.metadata);
        }
    }
    // The other forms, in talks that do not hold the word's own term: its
    // posting list is read once more for them all, not once per form.
    const auto with_others = [](const Xapian::Query& own, std::vector<Xapian::Query> others) {
        if (others.empty()) return own;
        return any_of(
            {own, Xapian::Query(Xapian::Query::OP_AND_NOT, any_of(std::move(others)), own)});
    };
    const Xapian::Query said_forms = with_others(q, std::move(spoken));
    const Xapian::Query metadata_forms = with_others(in_metadata, std::move(metadata));
    const Xapian::Query said(Xapian::Query::OP_SCALE_WEIGHT, said_forms, scoring::kSpokenWeight);
    if (spoken_only) return said;
    return any_of({said, metadata_forms});
}

// A phrase or NEAR of unprefixed words: also in the metadata.
Xapian::Query rewrite_positional(const Xapian::Query& q, bool spoken_only) {
    if (spoken_only) return q;
    std::vector<Xapian::Query> in_metadata;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        const Xapian::Query sub = q.get_subquery(i);
        if (sub.get_type() != Xapian::Query::LEAF_TERM) return q;
        const std::string term = *sub.get_terms_begin();
        if (is_prefixed(term)) return q;
        in_metadata.emplace_back(metadata_term(term));
    }
    const Xapian::termcount window = window_of(q);
    if (window == 0) return q;
    return any_of({q, Xapian::Query(q.get_type(), in_metadata.begin(), in_metadata.end(), window)});
}

// An AND: its parts rewritten, and two adjacent words that have a joined
// form replaced by (both words) OR (the joined form).
Xapian::Query rewrite_and(const Xapian::Query& q, const WordForms& forms, bool spoken_only) {
    std::vector<Xapian::Query> subs;
    const std::size_t n = q.get_num_subqueries();
    for (std::size_t i = 0; i < n; ++i) {
        const Xapian::Query sub = q.get_subquery(i);
        if (i + 1 < n && !forms.joined.empty() && sub.get_type() == Xapian::Query::LEAF_TERM &&
            q.get_subquery(i + 1).get_type() == Xapian::Query::LEAF_TERM) {
            const auto it = forms.joined.find(
                {*sub.get_terms_begin(), *q.get_subquery(i + 1).get_terms_begin()});
            if (it != forms.joined.end()) {
                const Xapian::Query both(Xapian::Query::OP_AND,
                                         rewrite_leaf(sub, forms, spoken_only),
                                         rewrite_leaf(q.get_subquery(i + 1), forms, spoken_only));
                const Xapian::Query joined = spoken_only ? it->second.get_subquery(0) : it->second;
                subs.push_back(any_of({both, joined}));
                ++i;
                continue;
            }
        }
        subs.push_back(rewrite(sub, forms, spoken_only));
    }
    if (subs.size() == 1) return subs.front();
    return Xapian::Query(Xapian::Query::OP_AND, subs.begin(), subs.end());
}

Xapian::Query rewrite(const Xapian::Query& q, const WordForms& forms, bool spoken_only) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return rewrite_leaf(q, forms, spoken_only);
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR:
            return rewrite_positional(q, spoken_only);
        case Xapian::Query::OP_WILDCARD: {
            const std::string pattern = wildcard_pattern(q);
            if (spoken_only || pattern.empty() || is_prefixed(pattern)) return q;
            return any_of({q, Xapian::Query(Xapian::Query::OP_WILDCARD,
                                            std::string(sc::kMetadata) + pattern)});
        }
        case Xapian::Query::OP_AND:
            return rewrite_and(q, forms, spoken_only);
        default:
            if (!rebuilds_from_subqueries(q.get_type())) return q;
    }
    std::vector<Xapian::Query> subs;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(rewrite(q.get_subquery(i), forms, spoken_only));
    return Xapian::Query(q.get_type(), subs.begin(), subs.end());
}

}  // namespace

Xapian::Query field_query(const Xapian::Query& parsed, const WordForms& forms, bool spoken_only) {
    return rewrite(parsed, forms, spoken_only);
}

}  // namespace talksearch

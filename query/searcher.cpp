#include "query/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/index_stub.h"
#include "core/language.h"
#include "core/schema.h"
#include "core/text.h"
#include "core/words.h"
#include "query/links.h"
#include "query/moments.h"
#include "query/talk_data.h"

namespace talksearch {

namespace sc = schema;

namespace {

// BM25 parameters: see docs/DESIGN.md ("Ranking") for why.
constexpr double kBm25K1 = 2.0;
constexpr double kBm25B = 0.3;
constexpr double kBm25MinNormLen = 0.5;
// Added per doubling of a talk's recordings (see docs/DESIGN.md, "Ranking").
constexpr double kRepeatPriorWeight = 1.0;

// At most this many stems' surface forms are remembered between searches.
constexpr std::size_t kMaxCachedStems = 20000;
// At most this many surface forms are searched for positions per query word.
constexpr std::size_t kMaxSurfaceForms = 40;
// A wildcard ("deco*") stands for at most this many words, those most talks hold.
constexpr Xapian::termcount kMaxWildcardTerms = 100;
// Totals of matches of up to this many recordings are counted, not estimated.
constexpr Xapian::doccount kExactTotalUpTo = 1000;
// At most this many matches per talk are placed in time.
constexpr std::size_t kMaxOccurrencesPerTalk = 4000;

/// Facet counts from the kSlotFacets values of the matching recordings
/// (Xapian's ValueCountMatchSpy, which also runs on remote shards): for each
/// event, year, language and speaker, how many matching talks have it.
/// Recordings of one talk count once per value, so a count is the number of
/// results the value's filter would leave.
Facets facet_counts(const Xapian::ValueCountMatchSpy& spy) {
    Facets f;
    std::set<std::pair<std::string, std::string>> seen;  // (field + value, talk) counted
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
        sc::FacetKey key;
        try {
            key = sc::decode_facet_key(*it);
        } catch (const Error&) {
            continue;  // not ours to count
        }
        const bool grouped = key.dedup.starts_with("g:");
        const std::uint64_t n = it.get_termfreq();
        const auto count = [&](std::map<std::string, std::uint64_t>& counts, char field,
                               const std::string& value) {
            if (value.empty()) return;
            if (!grouped) {
                counts[value] += n;  // one recording each
            } else if (seen.emplace(field + value, key.dedup).second) {
                counts[value] += 1;
            }
        };
        count(f.events, 'e', key.event);
        count(f.years, 'y', key.year);
        count(f.languages, 'l', key.language);
        for (const std::string& speaker : key.speakers) count(f.speakers, 's', speaker);
    }
    return f;
}

// A talk's cue text read from the index a segment at a time (schema.h), each
// segment once, as the moments need it; or whole, from an index written
// before the segments.
class IndexCueText final : public CueTextSource {
  public:
    explicit IndexCueText(const Xapian::Document& doc) : doc_(doc) {}

    std::string_view text(std::uint32_t offset, std::uint32_t length) const override {
        if (length == 0) return {};
        if (legacy()) return WholeCueText(whole_).text(offset, length);
        constexpr std::size_t kSize = sc::kCueTextSegmentBytes;
        const std::size_t first = offset / kSize;
        const std::size_t last = (static_cast<std::size_t>(offset) + length - 1) / kSize;
        const std::size_t at = offset - first * kSize;
        if (first == last) {
            const std::string& seg = segment(first);
            if (at >= seg.size()) return {};
            return std::string_view(seg).substr(at, length);
        }
        std::string joined;
        for (std::size_t k = first; k <= last; ++k) joined += segment(k);
        joins_.push_back(at < joined.size() ? joined.substr(at, length) : std::string());
        return joins_.back();
    }

  private:
    bool legacy() const {
        if (!checked_) {
            checked_ = true;
            if (segment(0).empty()) whole_ = doc_.get_value(sc::kSlotCueText);
            legacy_ = !whole_.empty();
        }
        return legacy_;
    }
    const std::string& segment(std::size_t k) const {
        auto [it, inserted] = segments_.try_emplace(k);
        if (inserted) {
            it->second = doc_.get_value(sc::kSlotCueTextSegments + static_cast<Xapian::valueno>(k));
        }
        return it->second;
    }

    Xapian::Document doc_;
    // Node-based containers: the views handed out stay valid.
    mutable std::unordered_map<std::size_t, std::string> segments_;
    mutable std::deque<std::string> joins_;
    mutable std::string whole_;
    mutable bool checked_ = false, legacy_ = false;
};

// What a result shows of a recording: its display value, or the document
// data of an index written before that value existed.
TalkInfo read_talk_info(const Xapian::Document& doc) {
    const std::string display = doc.get_value(sc::kSlotDisplay);
    return decode_talk_info(display.empty() ? doc.get_data() : display);
}

bool is_prefixed(const std::string& term) {
    return !term.empty() && term[0] >= 'A' && term[0] <= 'Z';
}

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

bool is_operator_word(std::string_view w) {
    return w == "AND" || w == "OR" || w == "NOT" || w == "NEAR" || w == "ADJ" || w == "XOR";
}

// "EN", "pt_br" -> "en", "pt-BR": the case the index's language terms use.
std::string language_tag_case(const std::string& tag) {
    std::string out = ascii_lower(tag);
    for (char& c : out) c = c == '_' ? '-' : c;
    const auto dash = out.find('-');
    if (dash != std::string::npos && out.size() - dash - 1 == 2) {
        for (std::size_t i = dash + 1; i < out.size(); ++i) {
            if (out[i] >= 'a' && out[i] <= 'z') out[i] = static_cast<char>(out[i] - 'a' + 'A');
        }
    }
    return out;
}

// The query with every word but the operators lower-cased: STEM_SOME leaves
// a capitalised word unstemmed, and people capitalise names ("Daubert
// standard" must also find "Daubert's standard"). A quoted word stays exact.
std::string lower_words(const std::string& text) {
    std::string out;
    std::size_t done = 0;
    for (const WordSpan& w : split_words(text)) {
        const std::string_view word = std::string_view(text).substr(w.offset, w.length);
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

// Edits between two words, a swap of neighbouring bytes counting as one
// (optimal string alignment distance).
unsigned edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<unsigned>> d(a.size() + 1, std::vector<unsigned>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<unsigned>(i);
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<unsigned>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

// For a plain query of several words ("knight capital"), a bonus for talks
// where the words stand together: the words as a phrase (unstemmed, with a
// window one word wider), added as an optional part of the query. BM25 alone
// scores words wherever they are, so a speaker named Knight and a city's
// capital in the description would beat a talk that says "Knight Capital".
std::optional<Xapian::Query> proximity_boost(const std::string& text, const Xapian::Stem&) {
    for (char c : text) {
        if (c == '"' || c == ':' || c == '*' || c == '(' || c == ')' || c == '+')
            return std::nullopt;
    }
    std::vector<std::string> terms;
    for (const WordSpan& w : split_words(text)) {
        const std::string_view word = std::string_view(text).substr(w.offset, w.length);
        if (is_operator_word(word)) return std::nullopt;
        if (w.offset > 0 && text[w.offset - 1] == '-') return std::nullopt;
        terms.push_back(word_term(word));
    }
    if (terms.size() < 2 || terms.size() > 6) return std::nullopt;
    return Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(),
                         static_cast<Xapian::termcount>(terms.size() + 1));
}

// A query word (its surface forms) or a phrase (one surface form per word).
struct TermGroup {
    bool phrase = false;
    std::vector<std::string> terms;  // word: alternatives; phrase: the sequence
};

}  // namespace

void parse_year_range(const std::string& text, std::optional<int>& from, std::optional<int>& to) {
    auto number = [&](std::string_view s) -> std::optional<int> {
        if (s.empty()) return std::nullopt;
        int v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || p != s.data() + s.size() || v < 1000 || v > 9999) {
            throw QueryRejected("year: expected a year or a range like 2014..2019, got '" + text +
                                "'");
        }
        return v;
    };
    const auto dots = text.find("..");
    if (dots == std::string::npos) {
        from = to = number(text);
        if (!from) throw QueryRejected("year: expected a year or a range like 2014..2019");
        return;
    }
    from = number(std::string_view(text).substr(0, dots));
    to = number(std::string_view(text).substr(dots + 2));
    if (!from && !to) throw QueryRejected("year: expected a year or a range like 2014..2019");
}

namespace {

using Clock = std::chrono::steady_clock;

/// One database a stub lists, and its state.
struct Shard {
    StubEntry entry;
    Xapian::Database db;  ///< open when `up`
    bool up = false;
    std::string error;      ///< why it is not up
    std::string live_stub;  ///< a local index folder's XAPIANDB text when opened
    Clock::time_point opened{}, tried{};

    std::string label() const { return entry.label(); }
};

}  // namespace

struct Searcher::Impl {
    SearcherOptions options;
    std::filesystem::path index;      ///< as given
    std::filesystem::path stub_file;  ///< the stub it names
    std::string stub;                 ///< the stub's text when opened
    std::vector<Shard> shards;
    Xapian::Database db;                ///< the shards that are up, as one database
    std::vector<std::string> unlisted;  ///< parts of the catalogue no listed shard holds
    /// The index has the order and facet values (slots 14-16); read once per
    /// combine(): on remote shards each read is a round trip.
    bool ordered = false;

    /// Reads and parses the stub, opens every shard. Throws Error when none opens.
    void open_all();
    /// Opens (or reopens afresh) one shard; records why when it cannot.
    void open_shard(Shard& s);
    /// Makes `db` the shards that are up. Throws Error when none is.
    void combine();
    /// After a network error in a search: shards whose connection failed
    /// are reconnected, or left out when they do not answer.
    void recover();
    std::string where() const { return index.string(); }

    Xapian::Query parse(const SearchRequest& req, const std::string& text,
                        const Xapian::Stem& stemmer, SearchResult& result);
    std::vector<TermGroup> term_groups(const Xapian::Query& query, const Xapian::Stem& stemmer);
    void collect(const Xapian::Query& q, const Xapian::Stem& stemmer, std::vector<TermGroup>& out);
    std::vector<std::string> surface_forms(const std::string& stem, const Xapian::Stem& stemmer);
    std::vector<std::string> find_surface_forms(const std::string& stem,
                                                const Xapian::Stem& stemmer);
    /// (stemmer, stem) -> surface forms in this index; cleared when it changes.
    std::unordered_map<std::string, std::vector<std::string>> forms_cache;
    std::vector<std::string> expand_prefix(const std::string& prefix,
                                           std::size_t limit = kMaxSurfaceForms);
    /// The query with each wildcard replaced by the words it stands for in
    /// the whole index, OR'ed: Xapian 1.4 would expand a wildcard in each
    /// shard on its own, and weigh its OP_SYNONYM with that shard's counts,
    /// so shards would rank prefix queries otherwise than one index does.
    /// (OP_MAX would weigh a talk by its best word, but a remote shard of
    /// Xapian 1.4.22 drops the connection on OP_MAX beside a posting source.)
    Xapian::Query expand_wildcards(const Xapian::Query& q, bool& changed);
    std::optional<std::string> suggest(const std::string& text);
};

std::vector<std::string> Searcher::Impl::expand_prefix(const std::string& prefix,
                                                       std::size_t limit) {
    std::vector<std::pair<Xapian::doccount, std::string>> found;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        found.emplace_back(it.get_termfreq(), *it);
    }
    return most_frequent(std::move(found), limit);
}

// Xapian 1.4 has no accessor for a wildcard's pattern (its term iterator is
// empty); its description is "Query(WILDCARD <OP> <pattern>)". "" if unknown.
static std::string wildcard_pattern(const Xapian::Query& q) {
    const std::string d = q.get_description();
    const auto space = d.rfind(' ');
    if (space == std::string::npos || d.size() < space + 2 || d.back() != ')') return {};
    return d.substr(space + 1, d.size() - space - 2);
}

Xapian::Query Searcher::Impl::expand_wildcards(const Xapian::Query& q, bool& changed) {
    const auto type = q.get_type();
    if (type == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(q);
        if (pattern.empty()) return q;
        changed = true;
        const std::vector<std::string> terms = expand_prefix(pattern, kMaxWildcardTerms);
        if (terms.empty()) return Xapian::Query::MatchNothing;
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    // Operators without parameters are rebuilt from their subqueries; a
    // wildcard anywhere else (NEAR) is left to Xapian.
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
            break;
        default:
            return q;
    }
    bool any = false;
    std::vector<Xapian::Query> subs;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
        subs.push_back(expand_wildcards(q.get_subquery(i), any));
    if (!any) return q;
    changed = true;
    return Xapian::Query(type, subs.begin(), subs.end());
}

// The unprefixed words in the index whose stem is `stem`: Snowball stems
// differ from their words only near the end, so the candidates share the
// stem's first bytes.
std::vector<std::string> Searcher::Impl::surface_forms(const std::string& stem,
                                                       const Xapian::Stem& stemmer) {
    // Popular words come back query after query: their forms are remembered
    // until the index changes (refresh() clears the cache).
    const std::string key = stemmer.get_description() + '\x1f' + stem;
    if (const auto it = forms_cache.find(key); it != forms_cache.end()) return it->second;
    if (forms_cache.size() >= kMaxCachedStems) forms_cache.clear();
    std::vector<std::string> forms = find_surface_forms(stem, stemmer);
    forms_cache.emplace(key, forms);
    return forms;
}

std::vector<std::string> Searcher::Impl::find_surface_forms(const std::string& stem,
                                                            const Xapian::Stem& stemmer) {
    std::size_t keep = stem.size() > 4 ? stem.size() - 1 : stem.size();
    while (keep > 0 && (static_cast<unsigned char>(stem[keep]) & 0xC0) == 0x80) --keep;
    std::vector<std::pair<Xapian::doccount, std::string>> found;
    const std::string prefix = stem.substr(0, keep);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        const std::string term = *it;
        if (term.size() > stem.size() + 6) continue;
        if (term == stem || stemmer(term) == stem) found.emplace_back(it.get_termfreq(), term);
    }
    return most_frequent(std::move(found));
}

void Searcher::Impl::collect(const Xapian::Query& q, const Xapian::Stem& stemmer,
                             std::vector<TermGroup>& out) {
    const auto type = q.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        const std::string term = *q.get_terms_begin();
        if (term.size() > 1 && term[0] == 'Z' && !is_prefixed(term.substr(1))) {
            out.push_back({false, surface_forms(term.substr(1), stemmer)});
        } else if (!is_prefixed(term)) {
            out.push_back({false, {term}});
        }
        return;
    }
    if (type == Xapian::Query::OP_WILDCARD) {
        const std::string pattern = wildcard_pattern(q);
        if (!pattern.empty() && !is_prefixed(pattern))
            out.push_back({false, expand_prefix(pattern)});
        return;
    }
    if (type == Xapian::Query::OP_PHRASE) {
        TermGroup g{true, {}};
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
        collect(q.get_subquery(i), stemmer, out);
}

std::vector<TermGroup> Searcher::Impl::term_groups(const Xapian::Query& query,
                                                   const Xapian::Stem& stemmer) {
    std::vector<TermGroup> groups;
    collect(query, stemmer, groups);
    groups.erase(std::remove_if(groups.begin(), groups.end(),
                                [](const TermGroup& g) { return g.terms.empty(); }),
                 groups.end());
    return groups;
}

Xapian::Query Searcher::Impl::parse(const SearchRequest& req, const std::string& text,
                                    const Xapian::Stem& stemmer, SearchResult& result) {
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
    (void)req;
    try {
        return qp.parse_query(lower_words(text), flags);
    } catch (const Xapian::QueryParserError& e) {
        // Fall back to the words alone: never an error for the user.
        std::string words;
        for (const WordSpan& w : split_words(text)) {
            const std::string_view word = std::string_view(text).substr(w.offset, w.length);
            if (is_operator_word(word)) continue;
            if (!words.empty()) words += ' ';
            words += word;
        }
        result.notices.push_back("the query could not be parsed (" + e.get_msg() + "); " +
                                 (words.empty() ? std::string("it holds no words to search for")
                                                : "searched for its words: " + words));
        return qp.parse_query(words, 0);
    }
}

std::optional<std::string> Searcher::Impl::suggest(const std::string& text) {
    const Xapian::doccount total = db.get_doccount();
    const Xapian::doccount rare = std::max<Xapian::doccount>(1, total / 5000);
    std::string out;
    std::size_t done = 0;
    bool changed = false;
    const std::vector<WordSpan> words = split_words(text);
    for (const WordSpan& w : words) {
        const std::string_view word = std::string_view(text).substr(w.offset, w.length);
        // Field names ("title:") and operators are not words to correct.
        if (w.offset + w.length < text.size() && text[w.offset + w.length] == ':') continue;
        if (w.offset > 0 && text[w.offset - 1] == ':') continue;
        // The stem of a wildcard ("deco*") is not a word to correct.
        if (w.offset + w.length < text.size() && text[w.offset + w.length] == '*') continue;
        if (is_operator_word(word) || word.size() < 4) continue;
        const std::string term = word_term(word);
        const Xapian::doccount freq = db.get_termfreq(term);
        if (freq > rare) continue;
        // Candidates: Xapian's suggestion, and the word with two neighbouring
        // letters swapped ("pyhton"), which Xapian counts as two edits and its
        // n-gram search often misses. Fewest edits (a swap is one) wins, then
        // the word more talks hold.
        const unsigned max_edits = term.size() <= 5 ? 1 : 2;
        struct Candidate {
            std::string word;
            unsigned edits;
            Xapian::doccount freq;
        };
        std::vector<Candidate> candidates;
        if (std::string x = db.get_spelling_suggestion(term, max_edits); !x.empty() && x != term) {
            candidates.push_back({x, edit_distance(term, x), db.get_termfreq(x)});
        }
        for (std::size_t i = 0; i + 1 < term.size(); ++i) {
            if (static_cast<unsigned char>(term[i]) >= 0x80 || term[i] == term[i + 1]) continue;
            std::string swapped = term;
            std::swap(swapped[i], swapped[i + 1]);
            candidates.push_back({swapped, 1, db.get_termfreq(swapped)});
        }
        // "Common": in at least 3 talks and 5 times as many as the word itself.
        const Xapian::doccount common = std::max<Xapian::doccount>(3, 5 * (freq + 1));
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates) {
            if (c.freq < common) continue;
            if (best == nullptr || c.edits < best->edits ||
                (c.edits == best->edits && c.freq > best->freq)) {
                best = &c;
            }
        }
        if (best == nullptr) continue;
        std::string s = best->word;
        // Keep a capital the user typed ("Dumpelton" -> "Dumpleton").
        if (word[0] >= 'A' && word[0] <= 'Z' && s[0] >= 'a' && s[0] <= 'z') {
            s[0] = static_cast<char>(s[0] - 'a' + 'A');
        }
        out += text.substr(done, w.offset - done);
        out += s;
        done = w.offset + w.length;
        changed = true;
    }
    if (!changed) return std::nullopt;
    out += text.substr(done);
    return out;
}

void Searcher::Impl::open_shard(Shard& s) {
    s.tried = Clock::now();
    s.db = Xapian::Database();
    s.up = false;
    try {
        if (s.entry.kind == StubEntry::Kind::kRemote) {
            s.db = Xapian::Remote::open(s.entry.host, s.entry.port, options.shard_timeout_ms,
                                        options.shard_timeout_ms);
        } else {
            std::error_code ec;
            s.live_stub = std::filesystem::is_directory(s.entry.path, ec)
                              ? read_stub_text(s.entry.path / "XAPIANDB")
                              : std::string();
            s.db = Xapian::Database(s.entry.path.string());
        }
        s.up = true;
        s.error.clear();
        s.opened = s.tried;
    } catch (const Xapian::Error& e) {
        s.db = Xapian::Database();
        s.error = e.get_description();
    }
}

void Searcher::Impl::combine() {
    // Which part of the catalogue each shard holds: shards that overlap
    // would count talks twice, so they are refused; a part no shard holds
    // makes every result partial.
    std::vector<std::string> labels, parts;
    bool all_up = true;
    for (Shard& s : shards) {
        if (s.up) {
            try {
                parts.push_back(s.db.get_metadata(std::string(kShardPartKey)));
                labels.push_back(s.label());
                continue;
            } catch (const Xapian::Error& e) {
                s.up = false;
                s.error = e.get_description();
                s.db = Xapian::Database();
            }
        }
        all_up = false;
    }
    unlisted.clear();
    for (const std::string& problem : check_parts(labels, parts)) {
        if (!problem.starts_with("no shard listed")) {
            throw Error(where() + ": the shards listed do not make one index: " + problem);
        }
        if (all_up) unlisted.push_back(problem);
    }
    Xapian::Database all;
    std::string why;
    bool any = false;
    for (const Shard& s : shards) {
        if (s.up) {
            all.add_database(s.db);
            any = true;
        } else {
            why +=
                (why.empty() ? "" : "; ") + (shards.size() > 1 ? s.label() + ": " : "") + s.error;
        }
    }
    if (!any) {
        throw Error(
            where() +
            (shards.size() > 1 ? ": no shard could be opened: " : ": cannot open the index: ") +
            why);
    }
    db = all;
    try {
        ordered = db.get_value_freq(sc::kSlotDateOrder) > 0;
    } catch (const Xapian::Error& e) {
        throw Error(where() + ": cannot read the index: " + e.get_description());
    }
    forms_cache.clear();
}

void Searcher::Impl::open_all() {
    std::error_code ec;
    if (!std::filesystem::exists(stub_file, ec)) {
        throw Error(where() + ": no index here (no XAPIANDB stub); run talksearch-index build");
    }
    stub = read_stub_text(stub_file);
    std::vector<Shard> fresh;
    for (StubEntry& e : parse_stub(stub, stub_file)) {
        fresh.emplace_back();
        fresh.back().entry = std::move(e);
    }
    for (Shard& s : fresh) open_shard(s);
    shards = std::move(fresh);
    combine();
}

void Searcher::Impl::recover() {
    for (Shard& s : shards) {
        if (!s.up || s.entry.kind != StubEntry::Kind::kRemote) continue;
        try {
            s.db.reopen();  // a round trip: is it still there?
        } catch (const Xapian::NetworkTimeoutError& e) {
            s.up = false;  // it does not answer: waiting again would only double the wait
            s.error = e.get_description();
            s.db = Xapian::Database();
            s.tried = Clock::now();
        } catch (const Xapian::Error&) {
            open_shard(s);  // the connection was closed (an idle timeout, a restart)
        }
    }
    combine();
}

Searcher::Searcher(const std::filesystem::path& index, SearcherOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
    impl_->index = index;
    impl_->stub_file = stub_file_of(index);
    impl_->open_all();
}

bool Searcher::refresh() {
    Impl& im = *impl_;
    if (read_stub_text(im.stub_file) != im.stub) {
        // A new generation, or another list of shards: fresh handles.
        // reopen() must not be used across a swap (it can keep the old
        // tables when revisions coincide).
        Impl fresh;
        fresh.options = im.options;
        fresh.index = im.index;
        fresh.stub_file = im.stub_file;
        fresh.open_all();  // throws Error: the current handles stay
        im.stub = std::move(fresh.stub);
        im.shards = std::move(fresh.shards);
        im.unlisted = std::move(fresh.unlisted);
        im.ordered = fresh.ordered;
        im.db = fresh.db;
        im.forms_cache.clear();
        return true;
    }
    const auto now = Clock::now();
    bool changed = false;
    for (Shard& s : im.shards) {
        const auto reopen_afresh = [&] {
            im.open_shard(s);
            changed = true;
        };
        if (!s.up) {
            if (now - s.tried >= im.options.retry_after) reopen_afresh();
        } else if (s.entry.kind == StubEntry::Kind::kRemote &&
                   now - s.opened >= im.options.reconnect_after) {
            reopen_afresh();
        } else if (!s.live_stub.empty() &&
                   read_stub_text(s.entry.path / "XAPIANDB") != s.live_stub) {
            reopen_afresh();  // the shard's folder has a new generation
        } else {
            try {
                // Commits made in place to the same generation.
                if (s.db.reopen()) changed = true;
            } catch (const Xapian::Error&) {
                reopen_afresh();
            }
        }
    }
    if (changed) {
        try {
            im.combine();
        } catch (const Error& e) {
            throw Error(im.where() + ": cannot reopen the index: " + e.what());
        }
    }
    return changed;
}

Searcher::~Searcher() = default;

std::uint64_t Searcher::talk_count() const { return impl_->db.get_doccount(); }

std::size_t Searcher::shard_count() const { return impl_->shards.size(); }

std::vector<std::string> Searcher::missing_shards() const {
    std::vector<std::string> out;
    for (const Shard& s : impl_->shards) {
        if (!s.up) out.push_back(s.label() + ": " + s.error);
    }
    out.insert(out.end(), impl_->unlisted.begin(), impl_->unlisted.end());
    return out;
}

std::string Searcher::describe() const {
    // The generation a local shard's folder stub names ("auto gen-...").
    auto generation = [](const Shard& s) {
        if (s.live_stub.empty()) return std::string();
        try {
            return parse_stub(s.live_stub, s.entry.path / "XAPIANDB")
                .front()
                .path.filename()
                .string();
        } catch (const Error&) {
            return std::string();
        }
    };
    const Impl& im = *impl_;
    if (im.shards.size() == 1 && im.shards[0].entry.kind == StubEntry::Kind::kLocal) {
        const std::string g = generation(im.shards[0]);
        return g.empty() ? im.shards[0].label() : g;
    }
    std::string out;
    for (const Shard& s : im.shards) {
        if (!out.empty()) out += ',';
        out += s.label() + "=";
        if (!s.up) {
            out += "down";
        } else if (s.entry.kind == StubEntry::Kind::kRemote) {
            out += "up";
        } else {
            const std::string g = generation(s);
            out += g.empty() ? "up" : g;
        }
    }
    return out;
}

SearchResult Searcher::search(const SearchRequest& req) {
    try {
        return search_once(req);
    } catch (const Xapian::DatabaseModifiedError&) {
        // An in-place update overwrote blocks this handle was reading: take
        // the newest revision and run the query again.
        refresh();
        return search_once(req);
    } catch (const Xapian::NetworkError&) {
        // A remote shard went away or stopped answering mid-search (its
        // timeout bounds the wait): search again without it (docs/SCALING.md).
        impl_->recover();
        try {
            return search_once(req);
        } catch (const Xapian::Error& e) {
            throw Error(impl_->where() + ": search failed: " + e.get_description());
        }
    }
}

SearchResult Searcher::search_once(const SearchRequest& req) {
    SearchResult result;
    const std::string text = sanitize_utf8(req.query);
    result.query = text;  // what is shown and echoed must be valid UTF-8 too
    if (text.size() > kMaxQueryBytes) {
        throw QueryRejected("the query is " + std::to_string(text.size()) +
                            " bytes long; the limit is " + std::to_string(kMaxQueryBytes));
    }
    const std::size_t nwords = split_words(text).size();
    if (nwords > kMaxQueryTerms) {
        throw QueryRejected("the query has " + std::to_string(nwords) + " terms; the limit is " +
                            std::to_string(kMaxQueryTerms));
    }
    if (req.limit > kMaxLimit) {
        throw QueryRejected("limit: at most " + std::to_string(kMaxLimit) + " results a page");
    }
    if (req.offset > kMaxOffset) {
        throw QueryRejected("offset: at most " + std::to_string(kMaxOffset));
    }
    result.limit = req.limit;
    result.offset = req.offset;
    result.shards = static_cast<std::uint32_t>(impl_->shards.size());
    result.missing_shards = missing_shards();

    const Xapian::Stem stemmer(std::string(stemmer_for_language(req.language)));
    Xapian::Database& db = impl_->db;
    try {
        Xapian::Query query;
        const bool has_words = !trim(text).empty();
        Xapian::Query parsed;  // as parsed: its wildcards are each one word group of the moments
        if (has_words) {
            parsed = impl_->parse(req, text, stemmer, result);
            bool expanded = false;
            query = impl_->expand_wildcards(parsed, expanded);
        }

        // Filters given as options: values of one filter are OR'ed, filters AND'ed.
        std::vector<Xapian::Query> filters;
        auto any_of = [&](std::string_view prefix, const std::vector<std::string>& values,
                          bool fold) {
            if (values.empty()) return;
            std::vector<Xapian::Query> terms;
            for (const std::string& v : values)
                terms.emplace_back(sc::make_term(prefix, fold ? fold_case(v) : v));
            filters.emplace_back(Xapian::Query::OP_OR, terms.begin(), terms.end());
        };
        std::vector<std::string> events, languages;
        for (const std::string& e : req.events) events.push_back(ascii_lower(e));
        for (const std::string& l : req.languages) languages.push_back(language_tag_case(l));
        any_of(sc::kEvent, events, false);
        any_of(sc::kSpeakerExact, req.speakers, true);
        any_of(sc::kLanguage, languages, false);
        if (req.year_from || req.year_to) {
            const std::string lo = Xapian::sortable_serialise(req.year_from.value_or(0));
            const std::string hi = Xapian::sortable_serialise(req.year_to.value_or(9999));
            filters.emplace_back(Xapian::Query::OP_VALUE_RANGE, sc::kSlotYear, lo, hi);
        }
        if (!has_words && filters.empty()) throw QueryRejected("the query is empty");
        if (!has_words) query = Xapian::Query::MatchAll;
        if (!filters.empty()) {
            query =
                Xapian::Query(Xapian::Query::OP_FILTER, query,
                              Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
        }
        if (has_words) {
            if (auto boost = proximity_boost(text, stemmer)) {
                query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, *boost);
            }
        }
        result.parsed_query = query.get_description();
        // The repeat prior (docs/DESIGN.md, "Ranking"): a talk given at several
        // events gets kRepeatPriorWeight * log2(recordings) added to its score.
        Xapian::ValueWeightPostingSource repeat_prior(sc::kSlotRepeatPrior);
        Xapian::Query ranked = query;
        if (has_words && req.group_recordings) {
            ranked = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                                   Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                                 Xapian::Query(&repeat_prior), kRepeatPriorWeight));
        }

        Xapian::Enquire enquire(db);
        enquire.set_query(ranked);
        if (req.group_recordings) enquire.set_collapse_key(sc::kSlotGroup);
        enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, kBm25MinNormLen));
        // Equal keys are ordered by talk id, not by document number: the
        // same talks in shards are numbered otherwise (docs/SCALING.md).
        // An index written before those values orders by date alone.
        const bool ordered = impl_->ordered;
        if (req.sort == SortOrder::kDate) {
            enquire.set_sort_by_value_then_relevance(ordered ? sc::kSlotDateOrder : sc::kSlotDate,
                                                     true);
        } else if (ordered) {
            enquire.set_sort_by_relevance_then_value(sc::kSlotSortKey, false);
        }
        Xapian::ValueCountMatchSpy facet_spy(sc::kSlotFacets);
        Xapian::doccount check_at_least = 0;
        if (req.facets) {
            enquire.add_matchspy(&facet_spy);
            check_at_least = db.get_doccount();
            if (!ordered && check_at_least > 0) {
                result.notices.push_back(
                    "this index was written by an earlier talksearch-index: rebuild it to get "
                    "facet counts");
            }
        }
        // Xapian collapses only while it collects results: a page of 0 (a
        // count) asks for one, and looks at enough matches to count talks
        // rather than recordings.
        if (req.limit == 0) check_at_least = std::max<Xapian::doccount>(check_at_least, 1000);
        const Xapian::MSet mset =
            enquire.get_mset(req.offset, std::max<Xapian::doccount>(req.limit, 1), check_at_least);
        const Xapian::MSetIterator page_end = req.limit == 0 ? mset.begin() : mset.end();
        result.total = mset.get_matches_estimated();
        result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
        // A small match is counted: Xapian's count of a collapsed match stays
        // an estimate even when it saw every match, and the estimate depends
        // on how the index is split into shards (docs/SCALING.md). One more
        // match, boolean, lists every result.
        if (const Xapian::doccount most = mset.get_uncollapsed_matches_upper_bound();
            !result.total_exact && most <= kExactTotalUpTo) {
            Xapian::Enquire count(db);
            count.set_query(query);
            count.set_weighting_scheme(Xapian::BoolWeight());
            if (req.group_recordings) count.set_collapse_key(sc::kSlotGroup);
            result.total = count.get_mset(0, most).size();
            result.total_exact = true;
        }
        if (req.facets) result.facets = facet_counts(facet_spy);

        // Moments: the query's words and phrases, their positions in each talk.
        const std::vector<TermGroup> groups =
            has_words ? impl_->term_groups(parsed, stemmer) : std::vector<TermGroup>{};
        std::unordered_set<std::string> surface;
        for (const TermGroup& g : groups) surface.insert(g.terms.begin(), g.terms.end());
        std::unordered_set<std::string> stems;
        for (const std::string& t : surface) stems.insert(stemmer(t));
        // Snippets repeat words: stem each distinct word once.
        std::unordered_map<std::string, bool> matched_words;
        const auto is_match = [&](std::string_view word) {
            const std::string w(word);
            auto [it, inserted] = matched_words.try_emplace(w, false);
            if (inserted) {
                it->second =
                    surface.count(w) > 0 || (!stems.empty() && stems.count(stemmer(w)) > 0);
            }
            return it->second;
        };

        // The moments of one recording: its chapters whose titles hold a
        // matched word, and its matched positions placed in time. A recording
        // with no more matches and chapters than `must_exceed` cannot have
        // more moments than that: it gets none, and nothing more is read.
        // `doc` is read here when it was not yet (another recording of a talk:
        // from a remote shard, a document comes whole, transcript included).
        const auto moments_of = [&](Xapian::docid did, std::optional<Xapian::Document>& doc,
                                    const TalkInfo& talk, std::size_t must_exceed) {
            std::vector<Occurrence> occurrences;
            // A talk without captions has no transcript positions to look up.
            const bool transcript = talk.captions != sc::kCaptionsNone;
            for (std::uint32_t gi = 0; gi < groups.size() && transcript; ++gi) {
                const TermGroup& g = groups[gi];
                if (!g.phrase) {
                    for (const std::string& term : g.terms) {
                        for (auto p = db.positionlist_begin(did, term);
                             p != db.positionlist_end(did, term); ++p) {
                            if (*p >= sc::kMetadataPositionBase) break;
                            occurrences.push_back({*p, gi, 1});
                        }
                    }
                } else {
                    // Position lists come sorted: the phrase's words are looked
                    // up by binary search.
                    std::vector<std::vector<Xapian::termpos>> positions(g.terms.size());
                    bool all = true;
                    for (std::size_t k = 0; k < g.terms.size() && all; ++k) {
                        for (auto p = db.positionlist_begin(did, g.terms[k]);
                             p != db.positionlist_end(did, g.terms[k]); ++p) {
                            positions[k].push_back(*p);
                        }
                        all = !positions[k].empty();
                    }
                    if (!all) continue;
                    for (Xapian::termpos p : positions[0]) {
                        if (p >= sc::kMetadataPositionBase) break;
                        bool ok = true;
                        for (std::size_t k = 1; k < g.terms.size() && ok; ++k) {
                            ok = std::binary_search(positions[k].begin(), positions[k].end(),
                                                    p + static_cast<Xapian::termpos>(k));
                        }
                        if (ok)
                            occurrences.push_back(
                                {p, gi, static_cast<std::uint32_t>(g.terms.size())});
                    }
                }
                if (occurrences.size() > kMaxOccurrencesPerTalk) break;
            }
            if (occurrences.size() + talk.chapters.size() <= must_exceed)
                return std::vector<Moment>{};
            // The time map and cue text are read only when a word was said.
            if (!doc) doc = db.get_document(did, Xapian::DOC_ASSUME_VALID);
            const std::string map_bytes =
                occurrences.empty() ? std::string() : doc->get_value(sc::kSlotTimeMap);
            const sc::TimeMap map =
                map_bytes.empty() ? sc::TimeMap{} : sc::decode_time_map(map_bytes);
            const IndexCueText cue_text(*doc);
            std::vector<Moment> moments = talk_moments(
                talk.chapters, map, cue_text, std::move(occurrences), is_match, req.moments);
            for (Moment& m : moments) {
                if (!m.chapter.empty()) m.language = talk.language;
                m.link = make_jump_link(talk.video_url, m.jump_ms, m.end_ms);
            }
            return moments;
        };

        // The page's recording groups: each hit's collapse key (empty when it
        // was recorded once) and every recording of each group, in one
        // boolean match on the groups' terms that keeps each recording's
        // group (a remote shard answers it in one round trip; reading each
        // group's postings would cost one per group). No document is read.
        std::vector<std::string> page_keys;
        struct Member {
            Xapian::docid did;
            std::string display;  ///< its display record (kSlotDisplay)
        };
        std::unordered_map<std::string, std::vector<Member>> group_members;
        std::unordered_map<Xapian::docid, const std::string*> group_of;
        std::vector<Xapian::Query> page_groups;
        for (auto it = mset.begin(); it != page_end; ++it) {
            page_keys.push_back(req.group_recordings ? it.get_collapse_key() : std::string());
            const std::string& key = page_keys.back();
            if (key.empty() || !group_members.try_emplace(key).second) continue;
            page_groups.emplace_back(sc::make_term(sc::kGroup, key));
        }
        if (!page_groups.empty()) {
            Xapian::Enquire members(db);
            members.set_query(
                Xapian::Query(Xapian::Query::OP_OR, page_groups.begin(), page_groups.end()));
            members.set_weighting_scheme(Xapian::BoolWeight());
            members.set_collapse_key(sc::kSlotGroup, std::numeric_limits<Xapian::doccount>::max());
            // Sorted by the display record, so that each result carries it
            // (its sort key) and no document is read for what a result shows.
            members.set_sort_by_value(sc::kSlotDisplay, false);
            const Xapian::MSet all = members.get_mset(0, db.get_doccount());
            for (auto it = all.begin(); it != all.end(); ++it) {
                if (auto g = group_members.find(it.get_collapse_key()); g != group_members.end())
                    g->second.push_back({*it, it.get_sort_key()});
            }
        }
        for (const auto& [key, members] : group_members) {
            for (const Member& m : members) group_of[m.did] = &key;
        }

        // Every recording of the page's talks that matches the query: one
        // more match, restricted to their group terms.
        std::unordered_map<std::string, std::vector<Xapian::docid>> matching_recordings;
        if (!group_members.empty()) {
            std::vector<Xapian::Query> group_terms;
            Xapian::doccount members = 0;
            for (const auto& [key, recorded] : group_members) {
                group_terms.emplace_back(sc::make_term(sc::kGroup, key));
                members += static_cast<Xapian::doccount>(recorded.size());
            }
            Xapian::Enquire siblings(db);
            siblings.set_query(Xapian::Query(
                Xapian::Query::OP_FILTER, query,
                Xapian::Query(Xapian::Query::OP_OR, group_terms.begin(), group_terms.end())));
            siblings.set_weighting_scheme(Xapian::BoolWeight());
            const Xapian::MSet found = siblings.get_mset(0, members);
            for (auto it = found.begin(); it != found.end(); ++it) {
                if (const auto g = group_of.find(*it); g != group_of.end())
                    matching_recordings[*g->second].push_back(*it);
            }
        }

        // The page's documents, requested together (from remote shards in one
        // round trip each, rather than one per document).
        mset.fetch(mset.begin(), page_end);
        std::uint32_t rank = req.offset;
        std::size_t page_index = 0;
        for (auto it = mset.begin(); it != page_end; ++it, ++page_index) {
            const Xapian::Document doc = it.get_document();
            Hit hit;
            hit.rank = ++rank;
            hit.weight = it.get_weight();
            // The talk's recordings, each read once: this one and, when it was
            // given at several events, the others.
            struct Recording {
                Xapian::docid did;
                std::optional<Xapian::Document> doc;  // read when its moments are
                TalkInfo talk;
                bool candidate;  // matches the query: can be the one shown
            };
            std::vector<Recording> recordings;
            recordings.push_back({*it, doc, read_talk_info(doc), true});
            const std::string& key = page_keys[page_index];
            if (!key.empty()) {
                const std::vector<Xapian::docid>& matching = matching_recordings[key];
                for (const Member& m : group_members[key]) {
                    if (m.did == *it) continue;
                    std::optional<Xapian::Document> other;
                    if (m.display.empty()) {  // an index written before display records
                        other = db.get_document(m.did, Xapian::DOC_ASSUME_VALID);
                    }
                    TalkInfo info = other ? read_talk_info(*other) : decode_talk_info(m.display);
                    const bool candidate =
                        req.sort != SortOrder::kDate &&
                        std::find(matching.begin(), matching.end(), m.did) != matching.end();
                    recordings.push_back({m.did, std::move(other), std::move(info), candidate});
                }
            }
            // The recording to show: the one with the most moments, then the
            // newest (sorted by date: the newest matching one, as collapsed).
            // Candidates are tried newest first, so the first to reach the
            // most moments a talk shows is the one, and one whose matches
            // cannot beat the best so far is not placed in time.
            std::vector<std::size_t> order;
            for (std::size_t i = 0; i < recordings.size(); ++i) {
                if (recordings[i].candidate) order.push_back(i);
            }
            // (Equal dates by id: recordings are numbered otherwise in shards.)
            std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
                const TalkInfo &x = recordings[a].talk, &y = recordings[b].talk;
                return x.recorded != y.recorded ? x.recorded > y.recorded : x.id < y.id;
            });
            std::size_t shown = order.front();
            for (std::size_t k = 0; k < order.size(); ++k) {
                if (k > 0 && hit.moments.size() >= req.moments.max_moments) break;
                Recording& r = recordings[order[k]];
                std::vector<Moment> moments =
                    moments_of(r.did, r.doc, r.talk, k == 0 ? 0 : hit.moments.size());
                if (k == 0 || moments.size() > hit.moments.size()) {
                    shown = order[k];
                    hit.moments = std::move(moments);
                }
            }
            hit.talk = std::move(recordings[shown].talk);
            hit.link = make_jump_link(hit.talk.video_url, 0);
            for (std::size_t i = 0; i < recordings.size(); ++i) {
                if (i == shown) continue;
                OtherRecording r;
                r.talk = std::move(recordings[i].talk);
                r.link = make_jump_link(r.talk.video_url, 0);
                hit.other_recordings.push_back(std::move(r));
            }
            std::stable_sort(hit.other_recordings.begin(), hit.other_recordings.end(),
                             [](const OtherRecording& a, const OtherRecording& b) {
                                 return a.talk.recorded != b.talk.recorded
                                            ? a.talk.recorded > b.talk.recorded
                                            : a.talk.id < b.talk.id;
                             });
            result.hits.push_back(std::move(hit));
        }
        if (has_words) result.suggestion = impl_->suggest(text);
    } catch (const Xapian::DatabaseModifiedError&) {
        throw;  // search() reopens and retries
    } catch (const Xapian::NetworkError&) {
        throw;  // search() leaves out the shard and retries
    } catch (const Xapian::Error& e) {
        throw Error(impl_->where() + ": search failed: " + e.get_description());
    }
    return result;
}

}  // namespace talksearch

#include "query/searcher.h"

#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>
#include <utility>

#include "core/language.h"
#include "core/schema.h"
#include "core/scoring.h"
#include "core/text.h"
#include "query/field_query.h"
#include "query/hits.h"
#include "query/query_text.h"
#include "query/shard_set.h"
#include "query/spelling.h"
#include "query/talk_lookup.h"

namespace talksearch {

namespace sc = schema;

namespace {

// BM25 with each field's length already in its wdf (core/scoring.h), so no
// length normalisation here (b = 0); see docs/DESIGN.md ("Ranking") for why.
constexpr double kBm25K1 = scoring::kK1;
constexpr double kBm25B = 0.0;
constexpr double kBm25MinNormLen = 0.5;
// The words' score is scaled to what BM25 with k1 = 2 gave (3 = k1 + 1 at
// most per word), so that the repeat prior keeps its measured weight.
constexpr double kWordScale = 3.0 / (scoring::kK1 + 1.0);
// Added per doubling of a talk's recordings (see docs/DESIGN.md, "Ranking").
constexpr double kRepeatPriorWeight = 1.0;
// Totals of matches of up to this many recordings are counted, not estimated.
constexpr Xapian::doccount kExactTotalUpTo = 1000;

// A facet's values by count, most first (equal counts by value), the first
// kFacetValues of them labelled, the rest summed.
Facet top_values(const std::map<std::string, std::uint64_t>& counts,
                 const std::map<std::string, std::string>& labels = {}) {
    std::vector<std::pair<std::string, std::uint64_t>> all(counts.begin(), counts.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Facet f;
    for (const auto& [value, count] : all) {
        if (f.top.size() < kFacetValues) {
            const auto label = labels.find(value);
            f.top.push_back({value, label == labels.end() ? value : label->second, count});
        } else {
            ++f.other_values;
            f.other_count += count;
        }
    }
    return f;
}

/// Facet counts from the kSlotFacets values of the matching recordings
/// (Xapian's ValueCountMatchSpy, which also runs on remote shards): for each
/// event, year, language and speaker, how many matching talks have it.
/// Recordings of one talk count once per value, so a count is the number of
/// results the value's filter would leave.
Facets facet_counts(const Xapian::ValueCountMatchSpy& spy) {
    std::map<std::string, std::uint64_t> events, years, speakers, languages;
    std::map<std::string, std::string> event_titles;
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
        count(events, 'e', key.event);
        if (!key.event.empty() && !key.event_title.empty())
            event_titles.emplace(key.event, key.event_title);
        count(years, 'y', key.year);
        count(languages, 'l', key.language);
        for (const std::string& speaker : key.speakers) count(speakers, 's', speaker);
    }
    return {top_values(events, event_titles), top_values(years), top_values(speakers),
            top_values(languages)};
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

// The query as searched, split into words, once the request is within the
// caps (QueryRejected otherwise); fills the result's echo of the request.
QueryText validated(const SearchRequest& req, const ShardSet& shards, SearchResult& result) {
    QueryText query(sanitize_utf8(req.query));
    result.query = query.text;  // what is shown and echoed must be valid UTF-8 too
    if (query.text.size() > kMaxQueryBytes) {
        throw QueryRejected("the query is " + std::to_string(query.text.size()) +
                            " bytes long; the limit is " + std::to_string(kMaxQueryBytes));
    }
    if (query.words.size() > kMaxQueryTerms) {
        throw QueryRejected("the query has " + std::to_string(query.words.size()) +
                            " terms; the limit is " + std::to_string(kMaxQueryTerms));
    }
    if (req.limit > kMaxLimit) {
        throw QueryRejected("limit: at most " + std::to_string(kMaxLimit) + " results a page");
    }
    if (req.offset > kMaxOffset) {
        throw QueryRejected("offset: at most " + std::to_string(kMaxOffset));
    }
    result.limit = req.limit;
    result.offset = req.offset;
    result.shards = static_cast<std::uint32_t>(shards.size());
    result.missing_shards = shards.missing();
    return query;
}

// The filters given as options: values of one filter are OR'ed, filters AND'ed.
std::vector<Xapian::Query> option_filters(const SearchRequest& req) {
    std::vector<Xapian::Query> filters;
    auto any_of = [&](std::string_view prefix, const std::vector<std::string>& values, bool fold) {
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
    return filters;
}

/// The query a search runs.
struct BuiltQuery {
    bool has_words = false;
    Xapian::Query parsed;  ///< as parsed: its wildcards are each one word group of the moments
    Xapian::Query query;   ///< what is matched: the words in their fields with their other
                           ///< forms (field_query), wildcards expanded, filters, the
                           ///< proximity bonus
    MomentFormsOf forms;   ///< the words' other forms, for the moments
};

// The proximity bonus (query_text.h) added to `query`: the words said
// together, and standing together in the title, a speaker's name or a tag
// (schema::kTitle, kSpeaker, kTag; scaled to weigh what a kMetadata title
// phrase would, since those field terms have a wdf of 1 a word). Each phrase
// is its own optional part (nested AND_MAYBE): with Xapian 1.4.22, an OR of
// phrases as one optional part, or a phrase of kMetadata terms (whose wdf is
// many times their positions), made 3 local shards of the real corpus rank
// otherwise than one index.
Xapian::Query with_proximity_bonus(Xapian::Query query, const Xapian::Query& phrase) {
    const auto saturation = [](double wdf) { return wdf / (wdf + scoring::kK1); };
    const double field_scale =
        saturation(scoring::kTitleWeight * scoring::kMetadataUnit) / saturation(1.0);
    query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, kWordScale));
    for (const std::string_view prefix : {sc::kTitle, sc::kSpeaker, sc::kTag}) {
        std::vector<Xapian::Query> words;
        for (auto t = phrase.get_terms_begin(); t != phrase.get_terms_end(); ++t)
            words.emplace_back(std::string(prefix) + *t);
        const Xapian::Query in_field(Xapian::Query::OP_PHRASE, words.begin(), words.end(),
                                     static_cast<Xapian::termcount>(words.size() + 1));
        query = Xapian::Query(
            Xapian::Query::OP_AND_MAYBE, query,
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, in_field, kWordScale * field_scale));
    }
    return query;
}

// The query from its text and the filters; QueryRejected when it has neither.
BuiltQuery build_query(const Xapian::Database& db, IndexTerms& terms,
                       const IndexLanguages& index_langs, const QueryText& text,
                       const SearchRequest& req, const std::string& stemmer_name,
                       SearchResult& result) {
    const Xapian::Stem stemmer(stemmer_name);
    BuiltQuery built;
    built.has_words = !trim(text.text).empty();
    if (built.has_words) {
        // A query language given narrows stemming to it; else every language
        // of the index is tried.
        WordForms forms = find_word_forms(db, text, stemmer_name,
                                          req.language.empty() ? index_langs : IndexLanguages{});
        built.parsed = parse_query(db, text, stemmer, result.notices);
        built.query = Xapian::Query(
            Xapian::Query::OP_SCALE_WEIGHT,
            terms.expand_wildcards(db, field_query(built.parsed, forms, req.spoken)), kWordScale);
        built.forms = std::move(forms.moments);
    }
    const std::vector<Xapian::Query> filters = option_filters(req);
    if (!built.has_words && filters.empty()) throw QueryRejected("the query is empty");
    if (!built.has_words) built.query = Xapian::Query::MatchAll;
    if (!filters.empty()) {
        built.query =
            Xapian::Query(Xapian::Query::OP_FILTER, built.query,
                          Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
    }
    if (built.has_words) {
        if (auto boost = proximity_boost(text)) {
            built.query = with_proximity_bonus(built.query, *boost);
        }
    }
    result.parsed_query = built.query.get_description();
    return built;
}

// Talks that match `query` (recordings of one talk counted once when the
// request groups them), counted up to `most`.
Xapian::doccount count_talks(const Xapian::Database& db, const Xapian::Query& query,
                             const SearchRequest& req, Xapian::doccount most) {
    Xapian::Enquire count(db);
    count.set_query(query);
    count.set_weighting_scheme(Xapian::BoolWeight());
    if (req.group_recordings) count.set_collapse_key(sc::kSlotGroup);
    return count.get_mset(0, most).size();
}

// Counts a small match exactly: Xapian's count of a collapsed match stays an
// estimate even when it saw every match, and the estimate depends on how the
// index is split into shards (docs/SCALING.md). One more match, boolean,
// lists every result.
void count_exactly(const Xapian::Database& db, const Xapian::Query& query, const SearchRequest& req,
                   const Xapian::MSet& mset, SearchResult& result) {
    const Xapian::doccount most = mset.get_uncollapsed_matches_upper_bound();
    if (result.total_exact || most > kExactTotalUpTo) return;
    result.total = count_talks(db, query, req, most);
    result.total_exact = true;
}

// "Did you mean" for a query with few results (kFewResultsForSpelling): a
// word a few talks hold may be a misspelling too (kFewResultsSpelling), and
// its correction is offered when the corrected query, with the same filters,
// finds clearly more talks: at least twice as many and 3 more. Only tried for
// few results, so an ordinary query pays nothing.
std::optional<std::string> suggest_for_few(const Xapian::Database& db, IndexTerms& terms,
                                           const IndexLanguages& index_langs, const QueryText& text,
                                           const SearchRequest& req,
                                           const std::string& stemmer_name, std::uint64_t found) {
    std::optional<std::string> corrected = suggest(db, text, kFewResultsSpelling);
    if (!corrected) return std::nullopt;
    SearchResult scratch;
    const BuiltQuery built =
        build_query(db, terms, index_langs, QueryText(*corrected), req, stemmer_name, scratch);
    const auto enough = static_cast<Xapian::doccount>(std::max(2 * found, found + 3));
    if (count_talks(db, built.query, req, enough) < enough) return std::nullopt;
    return corrected;
}

// The page of matches, ranked and ordered as asked; sets the result's total
// and facets. Xapian refers to `repeat_prior` and `facet_spy` while it matches.
Xapian::MSet match_page(const Xapian::Database& db, bool ordered, const BuiltQuery& built,
                        const SearchRequest& req, Xapian::ValueWeightPostingSource& repeat_prior,
                        Xapian::ValueCountMatchSpy& facet_spy, SearchResult& result) {
    // The repeat prior (docs/DESIGN.md, "Ranking"): a talk given at several
    // events gets kRepeatPriorWeight * log2(recordings) added to its score.
    Xapian::Query ranked = built.query;
    if (built.has_words && req.group_recordings) {
        ranked = Xapian::Query(Xapian::Query::OP_AND_MAYBE, built.query,
                               Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                             Xapian::Query(&repeat_prior), kRepeatPriorWeight));
    }
    Xapian::Enquire enquire(db);
    enquire.set_query(ranked);
    if (req.group_recordings) enquire.set_collapse_key(sc::kSlotGroup);
    enquire.set_weighting_scheme(Xapian::BM25Weight(kBm25K1, 0, 1, kBm25B, kBm25MinNormLen));
    // Equal keys are ordered by talk id, not by document number: the same
    // talks in shards are numbered otherwise (docs/SCALING.md). An index
    // written before those values orders by date alone.
    if (req.sort == SortOrder::kDate) {
        enquire.set_sort_by_value_then_relevance(ordered ? sc::kSlotDateOrder : sc::kSlotDate,
                                                 true);
    } else if (ordered) {
        enquire.set_sort_by_relevance_then_value(sc::kSlotSortKey, false);
    }
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
    // Xapian collapses only while it collects results: a page of 0 (a count)
    // asks for one, and looks at enough matches to count talks rather than
    // recordings.
    if (req.limit == 0) check_at_least = std::max<Xapian::doccount>(check_at_least, 1000);
    Xapian::MSet mset =
        enquire.get_mset(req.offset, std::max<Xapian::doccount>(req.limit, 1), check_at_least);
    result.total = mset.get_matches_estimated();
    result.total_exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    count_exactly(db, built.query, req, mset, result);
    if (req.facets) result.facets = facet_counts(facet_spy);
    return mset;
}

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

struct Searcher::Impl {
    ShardSet shards;
    IndexTerms terms;  ///< cleared whenever the shards' database changes
    /// The index's languages by stemmer, read once until the database changes.
    std::optional<IndexLanguages> languages;

    /// Forgets what was read from the index.
    void forget() {
        terms.clear();
        languages.reset();
    }
};

Searcher::Searcher(const std::filesystem::path& index, SearcherOptions options)
    : impl_(std::make_unique<Impl>(Impl{ShardSet(index, options), {}, {}})) {}

Searcher::~Searcher() = default;

bool Searcher::refresh() {
    const bool changed = impl_->shards.refresh();
    if (changed) impl_->forget();
    return changed;
}

std::uint64_t Searcher::talk_count() const { return impl_->shards.db().get_doccount(); }

std::size_t Searcher::shard_count() const { return impl_->shards.size(); }

std::vector<std::string> Searcher::missing_shards() const { return impl_->shards.missing(); }

std::string Searcher::describe() const { return impl_->shards.describe(); }

template <typename Once>
auto Searcher::retried(Once&& once) -> decltype(once()) {
    try {
        try {
            return once();
        } catch (const Xapian::DatabaseModifiedError&) {
            // An in-place update overwrote blocks this handle was reading: take
            // the newest revision and run the query again.
            refresh();
            return once();
        } catch (const Xapian::NetworkError&) {
            // A remote shard went away or stopped answering mid-search (its
            // timeout bounds the wait): search again without it (docs/SCALING.md).
            impl_->shards.recover();
            impl_->forget();
            return once();
        }
    } catch (const Xapian::Error& e) {
        throw Error(impl_->shards.where() + ": search failed: " + e.get_description());
    }
}

SearchResult Searcher::search(const SearchRequest& req) {
    return retried([&] { return search_once(req); });
}

std::optional<TalkPage> Searcher::talk(const TalkRequest& req) {
    return retried([&] { return talk_once(req); });
}

std::optional<TalkPage> Searcher::talk_once(const TalkRequest& req) {
    const Xapian::Database& db = impl_->shards.db();
    // The query's words are marked as a search's snippets mark them: the same
    // query built, the same term groups, MomentPlacer's own test of a word.
    std::optional<MomentPlacer> placer;
    if (!trim(req.query).empty()) {
        SearchRequest search;
        search.query = req.query;
        SearchResult unused;
        try {
            const QueryText text = validated(search, impl_->shards, unused);
            const std::string stemmer_name(stemmer_for_language("en"));
            const Xapian::Stem stemmer(stemmer_name);
            if (!impl_->languages) impl_->languages = index_languages(db);
            const BuiltQuery built = build_query(db, impl_->terms, *impl_->languages, text, search,
                                                 stemmer_name, unused);
            placer.emplace(db, impl_->terms.term_groups(db, built.parsed, stemmer, built.forms),
                           stemmer, search.moments);
        } catch (const QueryRejected&) {
            // Over the caps, or no words: nothing to mark.
        }
    }
    std::function<bool(std::string_view)> is_match;
    if (placer && !placer->empty())
        is_match = [&](std::string_view w) { return placer->is_match(w); };
    return read_talk_page(db, req, is_match);
}

SearchResult Searcher::search_once(const SearchRequest& req) {
    SearchResult result;
    ShardSet& shards = impl_->shards;
    // Validate: the request within the caps, its text split into words once.
    const QueryText text = validated(req, shards, result);
    const std::string stemmer_name(
        stemmer_for_language(req.language.empty() ? "en" : req.language));
    const Xapian::Stem stemmer(stemmer_name);
    const Xapian::Database& db = shards.db();
    try {
        // Build the query: the text parsed, wildcards expanded, filters, the proximity bonus.
        if (!impl_->languages) impl_->languages = index_languages(db);
        const BuiltQuery built =
            build_query(db, impl_->terms, *impl_->languages, text, req, stemmer_name, result);
        // Count: the page of matches, ranked, with the total and the facets.
        Xapian::ValueWeightPostingSource repeat_prior(sc::kSlotRepeatPrior);
        Xapian::ValueCountMatchSpy facet_spy(sc::kSlotFacets);
        const Xapian::MSet mset =
            match_page(db, shards.ordered(), built, req, repeat_prior, facet_spy, result);
        const Xapian::MSetIterator page_end = req.limit == 0 ? mset.begin() : mset.end();
        // Page the groups: every recording of the page's talks, and those that match.
        const PageGroups groups =
            page_groups(db, mset, page_end, built.query, req.group_recordings);
        // Place moments: the query's words and phrases, looked for in each recording.
        MomentPlacer placer(db,
                            built.has_words
                                ? impl_->terms.term_groups(db, built.parsed, stemmer, built.forms)
                                : std::vector<TermGroup>{},
                            stemmer, req.moments);
        // Make hits: the recording each talk shows, with its moments and its other recordings.
        result.hits =
            make_hits(db, mset, page_end, groups, placer, req, metadata_terms_of(built.query));
        // Did you mean: rare words replaced by common close ones; for few
        // results, words a few talks hold too, when that finds clearly more.
        if (built.has_words) result.suggestion = suggest(db, text);
        if (built.has_words && !result.suggestion && result.total <= kFewResultsForSpelling) {
            result.suggestion = suggest_for_few(db, impl_->terms, *impl_->languages, text, req,
                                                stemmer_name, result.total);
        }
    } catch (const Xapian::DatabaseModifiedError&) {
        throw;  // search() reopens and retries
    } catch (const Xapian::NetworkError&) {
        throw;  // search() leaves out the shard and retries
    } catch (const Xapian::Error& e) {
        throw Error(shards.where() + ": search failed: " + e.get_description());
    }
    return result;
}

}  // namespace talksearch

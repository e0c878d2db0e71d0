#include "query/talk_lookup.h"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_set>
#include <utility>

#include "core/schema.h"
#include "core/scoring.h"
#include "query/hits.h"
#include "query/moments.h"
#include "query/talk_data.h"

namespace talksearch {

namespace sc = schema;

namespace {

// Expand terms asked of get_eset (a word may come twice: said and in the
// metadata), and how many words make the related query.
constexpr Xapian::termcount kExpandCandidates = 40;
constexpr std::size_t kQueryWords = 20;
// The terms get_eset weighs (expand_pool): the rarest the talk shares.
constexpr std::size_t kExpandPool = 120;

// Words that say nothing about a talk's subject, however often it says them
// (English: the language of most of the catalogue; other languages' most
// common words are common across talks, which the expand weight discounts).
constexpr std::array<std::string_view, 96> kStopwords = {
    "about",   "after",  "again",  "all",  "also",      "and",    "any",   "are",   "because",
    "been",    "before", "being",  "but",  "can",       "could",  "did",   "does",  "doing",
    "don",     "down",   "each",   "even", "few",       "for",    "from",  "get",   "going",
    "gonna",   "got",    "had",    "has",  "have",      "her",    "here",  "him",   "his",
    "how",     "into",   "its",    "just", "know",      "let",    "like",  "look",  "lot",
    "make",    "more",   "most",   "much", "not",       "now",    "off",   "okay",  "one",
    "only",    "other",  "our",    "out",  "over",      "really", "right", "said",  "say",
    "see",     "she",    "should", "some", "something", "that",   "the",   "their", "them",
    "then",    "there",  "these",  "they", "thing",     "things", "think", "this",  "those",
    "through", "too",    "very",   "want", "was",       "way",    "were",  "what",  "when",
    "which",   "who",    "will",   "with", "would",     "you"};

// The word a spoken (unprefixed) or metadata (schema::kMetadata) term stands
// for, or "" for any other term: fields, stems, boolean filters.
std::string_view word_of(std::string_view term) {
    if (term.empty()) return {};
    const auto first = static_cast<unsigned char>(term.front());
    if (first < 'A' || first > 'Z') return term;  // unprefixed: Xapian's prefixes are capitals
    if (!term.starts_with(sc::kMetadata) || term.size() < 2) return {};
    const auto next = static_cast<unsigned char>(term[1]);
    return next >= 'A' && next <= 'Z' ? std::string_view() : term.substr(1);
}

// Whether a term is a word worth a related query: a spoken or metadata word
// of 3 letters or more, neither a stopword nor a number.
bool meaningful(std::string_view term) {
    const std::string_view word = word_of(term);
    if (word.size() < 3) return false;
    if (std::all_of(word.begin(), word.end(),
                    [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == ','; }))
        return false;
    return std::find(kStopwords.begin(), kStopwords.end(), word) == kStopwords.end();
}

// The talk's meaningful terms that another talk holds too, the rarest
// kExpandPool of them (equal counts by term). With one relevant document the
// expand weight ranks a word by its rarity (a word only this talk says would
// rank first, and find nothing else), so the expand terms are among these.
// The talk's term list is read once (a remote shard sends it whole) and every
// count comes from one match's statistics, one round trip a shard: asked one
// by one (an ExpandDecider's lookups, and get_eset's own exact counts for
// every term it is given) a transcript's words cost seconds over remote shards.
std::unordered_set<std::string> expand_pool(const Xapian::Database& db, Xapian::docid did) {
    std::vector<std::string> terms;
    for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
        if (meaningful(*t)) terms.push_back(*t);
    }
    if (terms.empty()) return {};
    Xapian::Enquire stats(db);
    stats.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    const Xapian::MSet counted = stats.get_mset(0, 0);
    std::vector<std::pair<Xapian::doccount, std::string>> held;
    for (std::string& t : terms) {
        const Xapian::doccount talks = counted.get_termfreq(t);
        if (talks >= 2) held.emplace_back(talks, std::move(t));
    }
    const std::size_t keep = std::min(held.size(), kExpandPool);
    std::partial_sort(held.begin(), held.begin() + static_cast<std::ptrdiff_t>(keep), held.end());
    std::unordered_set<std::string> pool;
    for (std::size_t i = 0; i < keep; ++i) pool.insert(std::move(held[i].second));
    return pool;
}

// Keeps the expand terms of the pool (expand_pool).
class InPool final : public Xapian::ExpandDecider {
  public:
    explicit InPool(const std::unordered_set<std::string>& pool) : pool_(pool) {}
    bool operator()(const std::string& term) const override { return pool_.count(term) > 0; }

  private:
    const std::unordered_set<std::string>& pool_;
};

// A word in both fields: said, and in the metadata.
Xapian::Query in_both_fields(std::string_view word) {
    const std::array<Xapian::Query, 2> fields = {
        Xapian::Query(std::string(word)),
        Xapian::Query(std::string(sc::kMetadata) + std::string(word))};
    return Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end());
}

// The whole cue text of a document: its segments joined, or the single
// value of an index written before the segments.
std::string whole_cue_text(const Xapian::Document& doc) {
    std::string text;
    for (std::size_t k = 0;; ++k) {
        std::string segment = read_cue_text_segment(doc, k);
        if (segment.empty()) break;
        text += segment;
    }
    return text.empty() ? doc.get_value(sc::kSlotCueText) : text;
}

// The transcript of the document's first track, its words marked.
void read_transcript(const Xapian::Document& doc,
                     const std::function<bool(std::string_view)>& is_match, TalkPage& page) {
    const std::string map_bytes = doc.get_value(sc::kSlotTimeMap);
    if (map_bytes.empty()) return;
    const sc::TimeMap map = sc::decode_time_map(map_bytes);
    if (map.tracks.empty()) return;
    const sc::TimedTrack& track = map.tracks.front();
    page.transcript_language = track.language;
    page.timed = track.timed;
    const std::string text = whole_cue_text(doc);
    for (const sc::TimedCue& c : track.cues) {
        if (c.text_offset >= text.size()) continue;
        const std::string_view cue_text =
            std::string_view(text).substr(c.text_offset, c.text_length);
        TranscriptCue cue;
        cue.start_ms = c.start_ms;
        cue.end_ms = std::max(c.start_ms, c.end_ms);
        if (c.speaker > 0 && c.speaker <= track.speakers.size())
            cue.speaker = track.speakers[c.speaker - 1];
        cue.text = is_match ? mark_words(cue_text, is_match)
                            : std::vector<SnippetPart>{{std::string(cue_text), false}};
        page.cues.push_back(std::move(cue));
    }
}

// The other recordings of the group `group`, newest first (equal dates by id),
// from their display records (the sort key of one boolean match: no document
// is read but for an index written before display records).
std::vector<TalkInfo> other_recordings(const Xapian::Database& db, Xapian::docid did,
                                       std::string_view group) {
    std::vector<TalkInfo> out;
    if (group.empty()) return out;
    Xapian::Enquire members(db);
    members.set_query(Xapian::Query(sc::make_term(sc::kGroup, group)));
    members.set_weighting_scheme(Xapian::BoolWeight());
    members.set_sort_by_value(sc::kSlotDisplay, false);
    const Xapian::MSet all = members.get_mset(0, db.get_doccount());
    for (auto it = all.begin(); it != all.end(); ++it) {
        if (*it == did) continue;
        const std::string display = it.get_sort_key();
        out.push_back(display.empty() ? read_talk_info(it.get_document())
                                      : decode_talk_info(display));
    }
    std::stable_sort(out.begin(), out.end(), [](const TalkInfo& a, const TalkInfo& b) {
        return a.recorded != b.recorded ? a.recorded > b.recorded : a.id < b.id;
    });
    return out;
}

}  // namespace

std::vector<TalkInfo> related_talks(const Xapian::Database& db, Xapian::docid did,
                                    std::string_view id, std::string_view group,
                                    std::size_t count) {
    std::vector<TalkInfo> out;
    if (count == 0) return out;
    // The expand terms of the talk as the one relevant document, weighed
    // with Xapian's default scheme (`trad`, k = 1: a word's count in the talk
    // saturates at once, so its rarity ranks it; k = 10 and 40, tried on the
    // real corpus, let words every transcript says crowd out the subject);
    // exact term frequencies, so that shards expand as one index does.
    Xapian::Enquire expand(db);
    expand.set_expansion_scheme("trad", 1.0);
    Xapian::RSet rset;
    rset.add_document(did);
    const std::unordered_set<std::string> pool = expand_pool(db, did);
    if (pool.empty()) return out;
    const InPool decider(pool);
    const Xapian::ESet eset =
        expand.get_eset(kExpandCandidates, rset, Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);

    // Each candidate word with its best expand weight (a word may come as
    // spoken and as metadata term).
    std::vector<std::pair<std::string, double>> words;
    for (auto it = eset.begin(); it != eset.end(); ++it) {
        const std::string word(word_of(*it));
        const auto seen = std::find_if(words.begin(), words.end(),
                                       [&](const auto& w) { return w.first == word; });
        if (seen == words.end()) words.emplace_back(word, it.get_weight());
    }
    if (words.empty()) return out;

    const double top = words.front().second > 0 ? words.front().second : 1.0;
    std::vector<Xapian::Query> parts;
    for (const auto& [word, weight] : words) {
        if (parts.size() >= kQueryWords) break;
        parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, in_both_fields(word),
                           std::max(weight, 0.0) / top);
    }

    // The talk itself and its other recordings are not related talks.
    std::vector<Xapian::Query> own = {Xapian::Query(sc::make_term(sc::kId, id))};
    if (!group.empty()) own.emplace_back(sc::make_term(sc::kGroup, group));
    Xapian::Enquire related(db);
    related.set_query(Xapian::Query(Xapian::Query::OP_AND_NOT,
                                    Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()),
                                    Xapian::Query(Xapian::Query::OP_OR, own.begin(), own.end())));
    related.set_weighting_scheme(Xapian::BM25Weight(scoring::kK1, 0, 1, 0, 0.5));
    related.set_collapse_key(sc::kSlotGroup);
    // Equal weights by talk id, not document number (numbered otherwise in shards).
    related.set_sort_by_relevance_then_value(sc::kSlotSortKey, false);
    const Xapian::MSet found = related.get_mset(0, static_cast<Xapian::doccount>(count));
    found.fetch();
    for (auto it = found.begin(); it != found.end(); ++it)
        out.push_back(read_talk_info(it.get_document()));
    return out;
}

std::optional<TalkPage> read_talk_page(const Xapian::Database& db, const TalkRequest& request,
                                       const std::function<bool(std::string_view)>& is_match) {
    if (!is_valid_talk_id(request.id)) return std::nullopt;
    const std::string id_term = sc::make_term(sc::kId, request.id);
    const Xapian::PostingIterator found = db.postlist_begin(id_term);
    if (found == db.postlist_end(id_term)) return std::nullopt;
    const Xapian::docid did = *found;
    const Xapian::Document doc = db.get_document(did);
    TalkPage page;
    page.talk = read_talk_info(doc);
    if (page.talk.id != request.id) return std::nullopt;  // a hashed id term's other talk
    page.query = request.query;
    read_transcript(doc, is_match, page);
    const std::string group = doc.get_value(sc::kSlotGroup);
    page.recordings = other_recordings(db, did, group);
    page.related = related_talks(db, did, request.id, group, request.related);
    return page;
}

}  // namespace talksearch

#include "query/hits.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <utility>

#include "core/schema.h"
#include "query/links.h"
#include "query/talk_data.h"

namespace talksearch {

namespace sc = schema;

namespace {

// At most this many matches per talk are placed in time.
constexpr std::size_t kMaxOccurrencesPerTalk = 4000;

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
        if (inserted) it->second = read_cue_text_segment(doc_, k);
        return it->second;
    }

    Xapian::Document doc_;
    // Node-based containers: the views handed out stay valid.
    mutable std::unordered_map<std::size_t, std::string> segments_;
    mutable std::deque<std::string> joins_;
    mutable std::string whole_;
    mutable bool checked_ = false, legacy_ = false;
};

// A phrase's occurrences in a recording: the positions of its first word
// followed by each next word. Position lists come sorted: the phrase's words
// are looked up by binary search.
void phrase_occurrences(const Xapian::Database& db, Xapian::docid did, const TermGroup& g,
                        std::uint32_t gi, std::vector<Occurrence>& out) {
    std::vector<std::vector<Xapian::termpos>> positions(g.terms.size());
    for (std::size_t k = 0; k < g.terms.size(); ++k) {
        for (auto p = db.positionlist_begin(did, g.terms[k]);
             p != db.positionlist_end(did, g.terms[k]); ++p) {
            positions[k].push_back(*p);
        }
        if (positions[k].empty()) return;
    }
    for (Xapian::termpos p : positions[0]) {
        if (p >= sc::kMetadataPositionBase) break;
        bool ok = true;
        for (std::size_t k = 1; k < g.terms.size() && ok; ++k) {
            ok = std::binary_search(positions[k].begin(), positions[k].end(),
                                    p + static_cast<Xapian::termpos>(k));
        }
        if (ok) out.push_back({p, gi, static_cast<std::uint32_t>(g.terms.size())});
    }
}

// One recording of a hit's talk, read once.
struct Recording {
    Xapian::docid did;
    std::optional<Xapian::Document> doc;  // read when its moments are
    TalkInfo talk;
    bool candidate;  // matches the query: can be the one shown
};

// The talk's recordings: the page's match and, when the talk was given at
// several events, the others (candidates when they match and the page is
// not sorted by date).
std::vector<Recording> recordings_of(const Xapian::Database& db, const Xapian::MSetIterator& it,
                                     const std::string& key, const PageGroups& groups,
                                     const SearchRequest& req) {
    const Xapian::Document doc = it.get_document();
    std::vector<Recording> recordings;
    recordings.push_back({*it, doc, read_talk_info(doc), true});
    if (key.empty()) return recordings;
    static const std::vector<Xapian::docid> kNone;
    const auto found = groups.matching.find(key);
    const std::vector<Xapian::docid>& matching =
        found != groups.matching.end() ? found->second : kNone;
    for (const GroupMember& m : groups.members.at(key)) {
        if (m.did == *it) continue;
        std::optional<Xapian::Document> other;
        if (m.display.empty()) {  // an index written before display records
            other = db.get_document(m.did, Xapian::DOC_ASSUME_VALID);
        }
        TalkInfo info = other ? read_talk_info(*other) : decode_talk_info(m.display);
        const bool candidate = req.sort != SortOrder::kDate &&
                               std::find(matching.begin(), matching.end(), m.did) != matching.end();
        recordings.push_back({m.did, std::move(other), std::move(info), candidate});
    }
    return recordings;
}

// The hit of one talk: the recording to show is the one with the most
// moments, then the newest (sorted by date: the newest matching one, as
// collapsed). Candidates are tried newest first, so the first to reach the
// most moments a talk shows is the one, and one whose matches cannot beat
// the best so far is not placed in time.
Hit hit_of(std::vector<Recording> recordings, MomentPlacer& placer, const MomentOptions& options,
           Xapian::docid& shown_did) {
    Hit hit;
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
        if (k > 0 && hit.moments.size() >= options.max_moments) break;
        Recording& r = recordings[order[k]];
        std::vector<Moment> moments =
            placer.moments_of(r.did, r.doc, r.talk, k == 0 ? 0 : hit.moments.size());
        if (k == 0 || moments.size() > hit.moments.size()) {
            shown = order[k];
            hit.moments = std::move(moments);
        }
    }
    shown_did = recordings[shown].did;
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
    return hit;
}

}  // namespace

std::string read_cue_text_segment(const Xapian::Document& doc, std::size_t k) {
    const auto slot = static_cast<Xapian::valueno>(k);
    const std::string deflated = doc.get_value(sc::kSlotCueTextDeflated + slot);
    // An index written before issue 20 holds the segments raw.
    return deflated.empty() ? doc.get_value(sc::kSlotCueTextSegments + slot)
                            : sc::decode_cue_text_segment(deflated);
}

TalkInfo read_talk_info(const Xapian::Document& doc) {
    const std::string display = doc.get_value(sc::kSlotDisplay);
    return decode_talk_info(display.empty() ? doc.get_data() : display);
}

MomentPlacer::MomentPlacer(const Xapian::Database& db, std::vector<TermGroup> groups,
                           const Xapian::Stem& stemmer, const MomentOptions& options)
    : db_(db), groups_(std::move(groups)), stemmer_(stemmer), options_(options) {
    for (const TermGroup& g : groups_) {
        surface_.insert(g.terms.begin(), g.terms.end());
        if (!g.stem.empty()) stems_.insert(g.stem);
    }
    for (const std::string& t : surface_) stems_.insert(stemmer_(t));
}

bool MomentPlacer::is_match(std::string_view word) {
    const std::string w(word);
    auto [it, inserted] = matched_words_.try_emplace(w, false);
    if (inserted) {
        it->second = surface_.count(w) > 0 || (!stems_.empty() && stems_.count(stemmer_(w)) > 0);
    }
    return it->second;
}

std::vector<Occurrence> MomentPlacer::occurrences(Xapian::docid did) const {
    std::vector<Occurrence> out;
    for (std::uint32_t gi = 0; gi < groups_.size(); ++gi) {
        const TermGroup& g = groups_[gi];
        if (g.phrase) {
            phrase_occurrences(db_, did, g, gi, out);
        } else {
            for (const std::string& term : g.terms) {
                for (auto p = db_.positionlist_begin(did, term);
                     p != db_.positionlist_end(did, term); ++p) {
                    if (*p >= sc::kMetadataPositionBase) break;
                    out.push_back({*p, gi, 1});
                }
            }
        }
        if (out.size() > kMaxOccurrencesPerTalk) break;
    }
    return out;
}

std::vector<Moment> MomentPlacer::moments_of(Xapian::docid did,
                                             std::optional<Xapian::Document>& doc,
                                             const TalkInfo& talk, std::size_t must_exceed) {
    // A talk without captions has no transcript positions to look up.
    std::vector<Occurrence> found =
        talk.captions != sc::kCaptionsNone ? occurrences(did) : std::vector<Occurrence>{};
    if (found.size() + talk.chapters.size() <= must_exceed) return {};
    // The time map and cue text are read only when a word was said.
    if (!doc) doc = db_.get_document(did, Xapian::DOC_ASSUME_VALID);
    const std::string map_bytes = found.empty() ? std::string() : doc->get_value(sc::kSlotTimeMap);
    const sc::TimeMap map = map_bytes.empty() ? sc::TimeMap{} : sc::decode_time_map(map_bytes);
    const IndexCueText cue_text(*doc);
    std::vector<Moment> moments = talk_moments(
        talk.chapters, map, cue_text, std::move(found),
        [this](std::string_view w) { return is_match(w); }, options_);
    for (Moment& m : moments) {
        if (!m.chapter.empty()) m.language = talk.language;
        m.link = make_jump_link(talk.video_url, m.jump_ms, m.end_ms);
    }
    return moments;
}

PageGroups page_groups(const Xapian::Database& db, const Xapian::MSet& mset,
                       const Xapian::MSetIterator& page_end, const Xapian::Query& query,
                       bool group_recordings) {
    PageGroups out;
    std::vector<Xapian::Query> page_terms;
    for (auto it = mset.begin(); it != page_end; ++it) {
        out.keys.push_back(group_recordings ? it.get_collapse_key() : std::string());
        const std::string& key = out.keys.back();
        if (key.empty() || !out.members.try_emplace(key).second) continue;
        page_terms.emplace_back(sc::make_term(sc::kGroup, key));
    }
    if (page_terms.empty()) return out;
    Xapian::Enquire members(db);
    members.set_query(Xapian::Query(Xapian::Query::OP_OR, page_terms.begin(), page_terms.end()));
    members.set_weighting_scheme(Xapian::BoolWeight());
    members.set_collapse_key(sc::kSlotGroup, std::numeric_limits<Xapian::doccount>::max());
    // Sorted by the display record, so that each result carries it (its sort
    // key) and no document is read for what a result shows.
    members.set_sort_by_value(sc::kSlotDisplay, false);
    const Xapian::MSet all = members.get_mset(0, db.get_doccount());
    for (auto it = all.begin(); it != all.end(); ++it) {
        if (auto g = out.members.find(it.get_collapse_key()); g != out.members.end())
            g->second.push_back({*it, it.get_sort_key()});
    }

    // Every recording of the page's talks that matches the query: one more
    // match, restricted to their group terms.
    std::unordered_map<Xapian::docid, const std::string*> group_of;
    std::vector<Xapian::Query> group_terms;
    Xapian::doccount recorded = 0;
    for (const auto& [key, group] : out.members) {
        for (const GroupMember& m : group) group_of[m.did] = &key;
        group_terms.emplace_back(sc::make_term(sc::kGroup, key));
        recorded += static_cast<Xapian::doccount>(group.size());
    }
    Xapian::Enquire siblings(db);
    siblings.set_query(
        Xapian::Query(Xapian::Query::OP_FILTER, query,
                      Xapian::Query(Xapian::Query::OP_OR, group_terms.begin(), group_terms.end())));
    siblings.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet found = siblings.get_mset(0, recorded);
    for (auto it = found.begin(); it != found.end(); ++it) {
        if (const auto g = group_of.find(*it); g != group_of.end())
            out.matching[*g->second].push_back(*it);
    }
    return out;
}

// Where the words matched in each hit's recording (Hit::matched_in): in
// speech when it shows a moment of its captions; in the metadata when it
// holds one of the query's kMetadata terms (a posting looked up per term,
// for the page's recordings in document order).
void set_matched_in(const Xapian::Database& db, const std::vector<std::string>& metadata_terms,
                    const std::vector<Xapian::docid>& shown, std::vector<Hit>& hits) {
    std::vector<bool> in_metadata(hits.size(), false);
    std::vector<std::size_t> order(hits.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return shown[a] < shown[b]; });
    for (const std::string& term : metadata_terms) {
        auto p = db.postlist_begin(term);
        for (const std::size_t i : order) {
            if (in_metadata[i]) continue;
            p.skip_to(shown[i]);
            if (p == db.postlist_end(term)) break;
            if (*p == shown[i]) in_metadata[i] = true;
        }
    }
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const bool spoken = std::any_of(hits[i].moments.begin(), hits[i].moments.end(),
                                        [](const Moment& m) { return m.chapter.empty(); });
        hits[i].matched_in = spoken && in_metadata[i] ? "both"
                             : spoken                 ? "spoken"
                             : in_metadata[i]         ? "metadata"
                                                      : "";
    }
}

std::vector<Hit> make_hits(const Xapian::Database& db, const Xapian::MSet& mset,
                           const Xapian::MSetIterator& page_end, const PageGroups& groups,
                           MomentPlacer& placer, const SearchRequest& req,
                           const std::vector<std::string>& metadata_terms) {
    // The page's documents, requested together (from remote shards in one
    // round trip each, rather than one per document).
    mset.fetch(mset.begin(), page_end);
    std::vector<Hit> hits;
    std::uint32_t rank = req.offset;
    std::size_t page_index = 0;
    std::vector<Xapian::docid> shown;
    for (auto it = mset.begin(); it != page_end; ++it, ++page_index) {
        Xapian::docid did = *it;
        Hit hit = hit_of(recordings_of(db, it, groups.keys[page_index], groups, req), placer,
                         req.moments, did);
        hit.rank = ++rank;
        hit.weight = it.get_weight();
        hits.push_back(std::move(hit));
        shown.push_back(did);
    }
    if (!metadata_terms.empty() || !placer.empty()) set_matched_in(db, metadata_terms, shown, hits);
    return hits;
}

}  // namespace talksearch

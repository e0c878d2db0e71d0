#include "indexer/index/index_writer.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/hash.h"
#include "core/language.h"
#include "core/schema.h"
#include "core/scoring.h"
#include "core/text.h"
#include "indexer/index/matching.h"

namespace talksearch {

namespace sc = schema;

namespace {

std::string date_compact(const std::string& recorded) {
    if (recorded.size() != 10) return {};
    return recorded.substr(0, 4) + recorded.substr(5, 2) + recorded.substr(8, 2);
}

}  // namespace

struct IndexWriter::Impl {
    Xapian::WritableDatabase db;
    WriterOptions options;
    Xapian::TermGenerator termgen;
    std::unordered_map<std::string, Xapian::Stem> stemmers;
    std::size_t pending_documents = 0;
    std::size_t pending_text = 0;
    std::string dir;
    bool in_transaction = false;
    std::unordered_set<std::string>
        new_words;  ///< unprefixed terms of talks added in a transaction

    const Xapian::Stem& stemmer(const std::string& language) {
        auto it = stemmers.find(language);
        if (it == stemmers.end()) {
            it = stemmers
                     .emplace(language, Xapian::Stem(std::string(stemmer_for_language(language))))
                     .first;
        }
        return it->second;
    }

    Xapian::Document build(const Talk& talk, std::size_t& text_bytes);
    sc::TimeMap index_transcript(const Talk& talk, std::string& cue_text);
    void index_metadata(const Talk& talk);
};

namespace {

// What the filter terms learn that the values need too.
struct FilterFacts {
    bool any_indexed = false;     // some track is indexed
    std::string speakers_joined;  // the speakers, \x1f between them
    std::string first_youtube;    // the first YouTube id among the videos
};

// Boolean filter terms: every one validated by make_term.
FilterFacts add_filter_terms(Xapian::Document& doc, const Talk& talk) {
    FilterFacts facts;
    doc.add_boolean_term(sc::make_term(sc::kId, talk_id(talk)));
    doc.add_boolean_term(sc::make_term(sc::kEvent, talk.event));
    doc.add_boolean_term(sc::make_term(sc::kOrigin, origin_name(talk.origin)));
    if (auto year = talk_year(talk)) {
        doc.add_boolean_term(sc::make_term(sc::kYear, std::to_string(*year)));
        doc.add_value(sc::kSlotYear, Xapian::sortable_serialise(*year));
    }
    if (const std::string d = date_compact(talk.recorded); !d.empty()) {
        doc.add_boolean_term(sc::make_term(sc::kDate, d));
        doc.add_value(sc::kSlotDate, d);
    }
    if (!talk.language.empty()) doc.add_boolean_term(sc::make_term(sc::kLanguage, talk.language));
    for (const Track& t : talk.tracks) {
        if (!t.indexed) continue;
        facts.any_indexed = true;
        doc.add_boolean_term(sc::make_term(sc::kLanguage, t.language));
        doc.add_boolean_term(sc::make_term(sc::kCaptions, caption_kind_name(t.kind)));
        if (!t.captions.suspect.empty()) doc.add_boolean_term(sc::make_term(sc::kSuspect, "loop"));
    }
    doc.add_boolean_term(
        sc::make_term(sc::kCaptions, facts.any_indexed ? sc::kCaptionsAny : sc::kCaptionsNone));
    for (const std::string& s : talk.speakers) {
        doc.add_boolean_term(sc::make_term(sc::kSpeakerExact, fold_case(s)));
        if (!facts.speakers_joined.empty()) facts.speakers_joined += '\x1f';
        facts.speakers_joined += s;
    }
    for (const std::string& t : talk.tags) {
        doc.add_boolean_term(sc::make_term(sc::kTagExact, fold_case(t)));
    }
    for (const VideoSource& v : talk.videos) {
        if (auto id = youtube_id_from_url(v.url)) {
            doc.add_boolean_term(sc::make_term(sc::kYoutube, *id));
            if (facts.first_youtube.empty()) facts.first_youtube = *id;
        }
    }
    return facts;
}

// Values: sort keys, facets, the time map and cue text, the display data, the
// content hash. `data` is the document data, `cue_text` the transcript.
void add_values(Xapian::Document& doc, const Talk& talk, const FilterFacts& facts,
                const sc::TimeMap& map, const std::string& cue_text, const std::string& data) {
    if (talk.duration_s) {
        doc.add_value(sc::kSlotDuration,
                      Xapian::sortable_serialise(static_cast<double>(*talk.duration_s)));
    }
    doc.add_value(sc::kSlotEvent, talk.event);
    if (!talk.language.empty()) doc.add_value(sc::kSlotLanguage, talk.language);
    if (!facts.speakers_joined.empty()) doc.add_value(sc::kSlotSpeakers, facts.speakers_joined);
    if (!map.tracks.empty()) {
        doc.add_value(sc::kSlotTimeMap, sc::encode_time_map(map));
        for (std::size_t at = 0, k = 0; at < cue_text.size(); at += sc::kCueTextSegmentBytes, ++k) {
            doc.add_value(sc::kSlotCueTextDeflated + static_cast<Xapian::valueno>(k),
                          sc::encode_cue_text_segment(
                              std::string_view(cue_text).substr(at, sc::kCueTextSegmentBytes)));
        }
    }
    doc.add_value(sc::kSlotCaptionKind,
                  facts.any_indexed ? std::string(caption_kind_name(talk.tracks.front().kind))
                                    : std::string(sc::kCaptionsNone));
    if (!facts.first_youtube.empty()) doc.add_value(sc::kSlotYoutubeId, facts.first_youtube);
    if (!talk.recording_group.empty()) {
        doc.add_boolean_term(sc::make_term(sc::kGroup, talk.recording_group));
        doc.add_value(sc::kSlotGroup, talk.recording_group);
        doc.add_value(sc::kSlotRepeatPrior,
                      Xapian::sortable_serialise(std::log2(static_cast<double>(talk.recordings))));
    }

    doc.add_value(sc::kSlotDisplay, sc::encode_display_data(talk));
    // Orders and facets that do not depend on document numbers, which differ
    // between one index and the same talks in shards (docs/SCALING.md).
    const std::string id = talk_id(talk);
    doc.add_value(sc::kSlotSortKey, id);
    doc.add_value(sc::kSlotDateOrder, date_compact(talk.recorded) + '\x1f' + id);
    {
        sc::FacetKey facets;
        facets.dedup = talk.recording_group.empty() ? "t:" + id : "g:" + talk.recording_group;
        facets.event = talk.event;
        if (auto year = talk_year(talk)) facets.year = std::to_string(*year);
        facets.language = talk.language;
        facets.speakers = talk.speakers;
        facets.event_title = talk.event_title;
        doc.add_value(sc::kSlotFacets, sc::encode_facet_key(facets));
    }
    if (!talk.source_hash.empty()) {
        doc.add_value(sc::kSlotContentHash, talk.source_hash);
    } else {
        const std::uint64_t group_hash =
            fnv1a64(talk.recording_group + '\x1f' + std::to_string(talk.recordings));
        doc.add_value(sc::kSlotContentHash, hex64(fnv1a64(cue_text, fnv1a64(data, group_hash))));
    }
}

}  // namespace

// The transcript: positions 1.. in track order. Returns the time map of the
// indexed tracks; `cue_text` gets their cues' text, end to end.
sc::TimeMap IndexWriter::Impl::index_transcript(const Talk& talk, std::string& cue_text) {
    sc::TimeMap map;
    // Each spoken word adds a wdf normalised by the transcript's length
    // (core/scoring.h): a long transcript's mentions count less each.
    std::size_t words = 0;
    for (const Track& track : talk.tracks) {
        if (!track.indexed) continue;
        for (const Cue& cue : track.captions.cues) words += scoring::count_words(cue.text);
    }
    const unsigned wdf = scoring::spoken_wdf(words);
    bool first_track = true;
    for (const Track& track : talk.tracks) {
        if (!track.indexed) continue;
        if (!first_track) termgen.increase_termpos(sc::kTrackGap);
        first_track = false;
        termgen.set_stemmer(stemmer(track.language));
        sc::TimedTrack timed;
        timed.language = track.language;
        timed.kind = track.kind;
        timed.timed = caption_format_is_timed(track.format);
        std::unordered_map<std::string, std::uint32_t> speaker_index;
        timed.cues.reserve(track.captions.cues.size());
        for (const Cue& cue : track.captions.cues) {
            sc::TimedCue tc;
            tc.start_ms = cue.start_ms;
            tc.end_ms = cue.end_ms;
            const Xapian::termpos before = termgen.get_termpos();
            termgen.index_text(cue.text, wdf);
            const Xapian::termpos after = termgen.get_termpos();
            tc.first_position = before + 1;
            tc.word_count = after - before;
            tc.text_offset = static_cast<std::uint32_t>(cue_text.size());
            tc.text_length = static_cast<std::uint32_t>(cue.text.size());
            for (const WordTime& w : cue.words) tc.words.push_back({w.offset, w.start_ms});
            cue_text += cue.text;
            if (!cue.speaker.empty()) {
                auto [it, inserted] = speaker_index.emplace(
                    cue.speaker, static_cast<std::uint32_t>(timed.speakers.size() + 1));
                if (inserted) timed.speakers.push_back(cue.speaker);
                tc.speaker = it->second;
            }
            timed.cues.push_back(std::move(tc));
        }
        map.tracks.push_back(std::move(timed));
    }
    return map;
}

// Metadata: each field under its own prefix (for `title:` and the like), and
// every field's words under kMetadata with the field's weight (core/scoring.h),
// which a plain query searches beside what was said.
void IndexWriter::Impl::index_metadata(const Talk& talk) {
    namespace sw = scoring;
    termgen.set_stemmer(stemmer(talk.language.empty() ? std::string("en") : talk.language));
    termgen.set_termpos(0);
    const std::string bag(sc::kMetadata);
    auto field = [&](const std::string& text, unsigned weight, std::string_view prefix) {
        if (text.empty()) return;
        if (!prefix.empty()) {
            termgen.index_text(text, 1, std::string(prefix));
            termgen.increase_termpos(sc::kTrackGap);
        }
        termgen.index_text(text, weight * sw::kMetadataUnit, bag);
        termgen.increase_termpos(sc::kTrackGap);
    };
    field(talk.title, sw::kTitleWeight, sc::kTitle);
    for (const std::string& s : talk.speakers) field(s, sw::kSpeakerWeight, sc::kSpeaker);
    for (const std::string& t : talk.tags) field(t, sw::kTagWeight, sc::kTag);
    // Chapter titles (yt-dlp): weighted like tags; the searcher turns a
    // matching chapter into a named moment at its start.
    for (const Chapter& c : talk.chapters) field(c.title, sw::kTagWeight, {});
    // Descriptions are three quarters of the catalogue's text: they are indexed
    // without positions (every posting costs about 1.4 us in Xapian's
    // inverter; phrases are for what was said and for titles).
    for (const std::string* text : {&talk.summary, &talk.description}) {
        if (!text->empty()) {
            termgen.index_text_without_positions(*text, sw::kDescriptionWeight * sw::kMetadataUnit,
                                                 bag);
        }
    }
}

Xapian::Document IndexWriter::Impl::build(const Talk& talk, std::size_t& text_bytes) {
    Xapian::Document doc;
    termgen.set_document(doc);
    termgen.set_termpos(0);
    termgen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    std::string cue_text;
    const sc::TimeMap map = index_transcript(talk, cue_text);
    text_bytes = cue_text.size();
    index_metadata(talk);
    const FilterFacts facts = add_filter_terms(doc, talk);
    std::string data = sc::encode_document_data(talk);
    add_values(doc, talk, facts, map, cue_text, data);
    doc.set_data(std::move(data));
    return doc;
}

IndexWriter::IndexWriter(const std::filesystem::path& dir, WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
    impl_->dir = dir.string();
    // We commit in batches ourselves; keep Xapian's own auto-commit out of the way.
    ::setenv("XAPIAN_FLUSH_THRESHOLD", "1000000", 1);
    try {
        impl_->db = Xapian::WritableDatabase(
            dir.string(),
            Xapian::DB_CREATE_OR_OPEN | (impl_->options.durable ? 0 : Xapian::DB_NO_SYNC));
    } catch (const Xapian::DatabaseLockError& e) {
        throw Error(dir.string() + ": locked by another writer (" + e.get_msg() + ")");
    } catch (const Xapian::Error& e) {
        throw Error(dir.string() + ": cannot open for writing: " + e.get_description());
    }
}

IndexWriter::~IndexWriter() {
    // Xapian's destructor commits (or cancels a transaction) and would end the
    // process if that threw (a full disk): close here, where a failure can be
    // swallowed. A caller that did not commit is on its error path anyway.
    try {
        impl_->db.close();
    } catch (const Xapian::Error&) {
    }
}

void IndexWriter::add(const Talk& talk) {
    std::size_t text_bytes = 0;
    Xapian::Document doc = impl_->build(talk, text_bytes);
    const std::string id_term = schema::make_term(schema::kId, talk_id(talk));
    try {
        impl_->db.replace_document(id_term, doc);
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": writing talk " + talk_id(talk) + ": " + e.get_description());
    }
    ++impl_->pending_documents;
    impl_->pending_text += text_bytes;
    if (impl_->in_transaction) {
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            std::string term = *t;
            if (term.starts_with(sc::kMetadata)) term.erase(0, sc::kMetadata.size());
            if (term.empty()) continue;
            const auto c = static_cast<unsigned char>(term[0]);
            if (!(c >= 'A' && c <= 'Z') && term.size() <= 40) impl_->new_words.insert(term);
        }
        return;  // one commit at the end
    }
    if (impl_->pending_documents >= impl_->options.batch_documents ||
        impl_->pending_text >= impl_->options.batch_text_bytes) {
        commit();
    }
}

void IndexWriter::begin_transaction() {
    try {
        impl_->db.begin_transaction(true);
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": cannot begin a transaction: " + e.get_description());
    }
    impl_->in_transaction = true;
}

void IndexWriter::commit_transaction() {
    try {
        impl_->db.commit_transaction();
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": commit failed: " + e.get_description());
    }
    impl_->in_transaction = false;
    impl_->pending_documents = 0;
    impl_->pending_text = 0;
}

void IndexWriter::cancel_transaction() {
    try {
        impl_->db.cancel_transaction();
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": cannot cancel the transaction: " + e.get_description());
    }
    impl_->in_transaction = false;
}

void IndexWriter::remove_term(const std::string& id_term) {
    try {
        impl_->db.delete_document(id_term);
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": deleting " + id_term + ": " + e.get_description());
    }
    ++impl_->pending_documents;
}

void IndexWriter::add_spelling_for_new_words() {
    try {
        // The same rule as build_spelling, for the words of the talks added
        // since begin_transaction() that are not in the dictionary yet.
        // A word reached the threshold in this transaction when the
        // committed database (what readers see) holds it fewer times.
        const Xapian::Database committed(impl_->dir);
        for (const std::string& word : impl_->new_words) {
            const std::string in_metadata = std::string(sc::kMetadata) + word;
            const Xapian::doccount df =
                std::max(impl_->db.get_termfreq(word), impl_->db.get_termfreq(in_metadata));
            const Xapian::doccount before =
                std::max(committed.get_termfreq(word), committed.get_termfreq(in_metadata));
            if (df >= 3 && before < 3) impl_->db.add_spelling(word, df);
        }
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": updating the spelling dictionary: " + e.get_description());
    }
    impl_->new_words.clear();
}

void IndexWriter::remove(const std::string& id) {
    try {
        impl_->db.delete_document(schema::make_term(schema::kId, id));
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": deleting talk " + id + ": " + e.get_description());
    }
    ++impl_->pending_documents;
}

void IndexWriter::commit() {
    try {
        impl_->db.commit();
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": commit failed: " + e.get_description());
    }
    impl_->pending_documents = 0;
    impl_->pending_text = 0;
}

void IndexWriter::build_spelling() { build_spelling({}); }

void IndexWriter::build_spelling(const std::vector<std::filesystem::path>& all_shards) {
    commit();
    try {
        Xapian::Database counted = impl_->db;
        if (!all_shards.empty()) {
            counted = Xapian::Database();
            for (const auto& shard : all_shards)
                counted.add_database(Xapian::Database(shard.string()));
        }
        // Every word said (unprefixed terms) or in the metadata (kMetadata
        // terms, the prefix dropped), weighted by the number of talks that
        // hold it (the larger count where a word is in both). One
        // add_spelling per distinct word is far cheaper than TermGenerator's
        // FLAG_SPELLING, which pays for every occurrence (it doubled the
        // build time of the real catalogue).
        std::map<std::string, Xapian::doccount> counts;
        const std::string metadata(sc::kMetadata);
        for (const std::string& prefix : {std::string(), metadata}) {
            for (auto it = counted.allterms_begin(prefix); it != counted.allterms_end(prefix);
                 ++it) {
                const std::string term = (*it).substr(prefix.size());
                if (term.empty()) continue;
                const auto c = static_cast<unsigned char>(term[0]);
                // Prefixed terms (and, under kMetadata, its stems) are not words.
                if (c >= 'A' && c <= 'Z') continue;
                // A suggestion must be common (searcher.cpp asks for 3 talks or
                // more), so rarer words need not be targets.
                if (term.size() > 40 || it.get_termfreq() < 3) continue;
                Xapian::doccount& n = counts[term];
                n = std::max(n, it.get_termfreq());
            }
        }
        const std::vector<std::pair<std::string, Xapian::doccount>> words(counts.begin(),
                                                                          counts.end());
        // Xapian holds the dictionary's n-gram changes in memory until a
        // commit: about 1 KB a word, 110 MB for the 100,000-talk bench
        // corpus, so they are committed every kSpellingBatch words.
        constexpr std::size_t kSpellingBatch = 10000;
        for (std::size_t i = 0; i < words.size(); ++i) {
            impl_->db.add_spelling(words[i].first, words[i].second);
            if ((i + 1) % kSpellingBatch == 0) impl_->db.commit();
        }
    } catch (const Xapian::Error& e) {
        throw Error(impl_->dir + ": building the spelling dictionary: " + e.get_description());
    }
    commit();
}

std::uint64_t IndexWriter::document_count() const { return impl_->db.get_doccount(); }

}  // namespace talksearch

// The index schema: the contract between the indexer and the query side.
// docs/DESIGN.md has the same table in prose; keep the two in step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/talk.h"

namespace talksearch::schema {

// ---- Term prefixes (Xapian Omega's conventions; X... are our own) ----------
// Free-text fields (stemmed, with positions):
inline constexpr std::string_view kTitle = "S";    ///< title words
inline constexpr std::string_view kSpeaker = "A";  ///< speaker name words
inline constexpr std::string_view kTag = "K";      ///< tag words
/// Every metadata word (title, speakers, tags, chapter titles, summary,
/// description), weighted by field (core/scoring.h): what a plain query
/// searches beside the unprefixed spoken words.
inline constexpr std::string_view kMetadata = "M";
// Boolean filter terms (exact, not stemmed):
inline constexpr std::string_view kId = "Q";             ///< "event/slug" (hashed if long)
inline constexpr std::string_view kEvent = "XE";         ///< event slug: XEpycon-us-2014
inline constexpr std::string_view kYear = "Y";           ///< Y2014
inline constexpr std::string_view kDate = "D";           ///< D20140412
inline constexpr std::string_view kLanguage = "L";       ///< talk and track languages: Len, Les
inline constexpr std::string_view kSpeakerExact = "XS";  ///< folded full name: XSgraham dumpleton
inline constexpr std::string_view kTagExact = "XK";      ///< folded full tag: XKdecorators
inline constexpr std::string_view kCaptions = "XC";      ///< XChuman, XCmachine, XCnone
inline constexpr std::string_view kYoutube = "XY";       ///< YouTube video id: XY9oyr0mocZTg
inline constexpr std::string_view kOrigin = "XO";        ///< XOpyvideo, XOcaptions
inline constexpr std::string_view kSuspect = "XW";       ///< XWloop: a Whisper loop was collapsed
inline constexpr std::string_view kGroup =
    "XG";  ///< recording group key: XGkiwi-pycon-2013/advanced-...

/// Boolean term `XCnone`, `XChuman`, `XCmachine`.
inline constexpr std::string_view kCaptionsNone = "none";
/// Boolean term `XCany`: some track is indexed (`captions:any`, `--spoken`).
inline constexpr std::string_view kCaptionsAny = "any";

// ---- Value slots -------------------------------------------------------------
enum Slot : unsigned {
    kSlotDate = 0,          ///< "YYYYMMDD" (sorts as a string); empty when unknown
    kSlotYear = 1,          ///< Xapian::sortable_serialise(year), for year ranges
    kSlotDuration = 2,      ///< sortable_serialise(seconds)
    kSlotEvent = 3,         ///< event slug (facets)
    kSlotLanguage = 4,      ///< talk language tag (facets)
    kSlotSpeakers = 5,      ///< speaker names joined by '\x1f' (facets)
    kSlotTimeMap = 6,       ///< the position-to-time table (encode_time_map)
    kSlotCueText = 7,       ///< every cue's plain text, concatenated, in an index written
                            ///< before the segments below (new indexes leave it empty)
    kSlotCaptionKind = 8,   ///< "human", "machine" or "none"
    kSlotYoutubeId = 9,     ///< first YouTube id (collapsing duplicates)
    kSlotContentHash = 10,  ///< hash of metadata + caption bytes (incremental updates)
    kSlotGroup = 11,        ///< recording group key (collapse key); empty when recorded once
    kSlotRepeatPrior = 12,  ///< sortable_serialise(log2(recordings)); absent when recorded once
    kSlotDisplay = 13,      ///< what a result shows (encode_display_data): values are stored
                            ///< uncompressed, document data is zlib'ed (inflating it was most
                            ///< of a hit's cost)
    kSlotSortKey = 14,      ///< the talk's id: orders results of equal weight, so that an
                            ///< index split into shards ranks exactly as one index does
                            ///< (Xapian would order them by document number)
    kSlotDateOrder = 15,    ///< "YYYYMMDD" '\x1f' id: the date order, ties settled by id
    kSlotFacets = 16,       ///< encode_facet_key: what the facets count, in one value that
                            ///< Xapian's own ValueCountMatchSpy reads (also on a remote shard)
};

/// Every cue's plain text, concatenated (the time map's text offsets point
/// into it), is stored in segments: bytes [k * kCueTextSegmentBytes, (k + 1)
/// * kCueTextSegmentBytes) in slot kSlotCueTextSegments + k, so showing a
/// moment reads a few kilobytes rather than the whole transcript.
inline constexpr unsigned kSlotCueTextSegments = 100;
inline constexpr std::size_t kCueTextSegmentBytes = 4096;

/// Where an index written since issue 20 keeps the same segments, each
/// deflated (encode_cue_text_segment): transcript text took half the index
/// (0.52x the caption bytes) stored as it is, and Xapian compresses no value.
/// Slot kSlotCueTextDeflated + k holds segment k; an index written before
/// holds them raw from kSlotCueTextSegments.
inline constexpr unsigned kSlotCueTextDeflated = 0x100000;

/// A segment of cue text as stored: raw deflate (no header), at zlib's
/// default level.
std::string encode_cue_text_segment(std::string_view text);

/// The text of a stored segment. Throws Error when it does not inflate, or
/// to more than kCueTextSegmentBytes.
std::string decode_cue_text_segment(std::string_view stored);

// ---- Positions ---------------------------------------------------------------
/// Transcript words take positions 1, 2, ... in track order (tracks separated by
/// kTrackGap); they are the only unprefixed terms. An index written before
/// kMetadata also held metadata words unprefixed, at positions from
/// kMetadataPositionBase up: any matched position at or above it is not a
/// moment in the recording.
inline constexpr std::uint32_t kMetadataPositionBase = 1u << 30;
inline constexpr std::uint32_t kTrackGap = 100;

/// Xapian refuses terms over 245 bytes (and drops the whole uncommitted batch).
inline constexpr std::size_t kMaxTermBytes = 245;

/// Returns `prefix + value`, or, when that is longer than kMaxTermBytes,
/// a shortened form that keeps the first bytes and ends in a hash of the
/// whole value, so the term stays unique and valid.
std::string make_term(std::string_view prefix, std::string_view value);

// ---- The position-to-time table ---------------------------------------------
/// When a word of a cue is said, from a format with per-word timing.
struct TimedWord {
    std::uint32_t offset = 0;   ///< byte offset of the word in the cue's text
    std::int64_t start_ms = 0;  ///< from the start of the media
};

/// One cue as the time map stores it.
struct TimedCue {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::uint32_t first_position = 0;  ///< position of the cue's first word
    std::uint32_t word_count = 0;      ///< positions the cue's words took
    std::uint32_t text_offset = 0;     ///< byte offset of the cue's text in the cue-text slot
    std::uint32_t text_length = 0;
    std::uint32_t speaker = 0;  ///< index into TimedTrack::speakers + 1; 0 = none
    /// Per-word start times, offsets increasing and within the cue's text;
    /// empty when the captions gave none (the time is then estimated).
    std::vector<TimedWord> words;
};

/// One indexed caption track.
struct TimedTrack {
    std::string language;
    CaptionKind kind = CaptionKind::kHuman;
    /// False for a transcript without times (plain text): its cues' times are
    /// 0 and mean nothing, so its matches are not moments in the recording.
    bool timed = true;
    std::vector<std::string> speakers;
    std::vector<TimedCue> cues;
};

/// The whole table for one talk.
struct TimeMap {
    std::vector<TimedTrack> tracks;
};

/// Serialises a time map (version 2; varint deltas, about 5 bytes a cue, plus
/// about 2 bytes a word for cues with word times; docs/DESIGN.md has the
/// layout). Word times that are out of order or outside their cue's text are
/// left out.
std::string encode_time_map(const TimeMap& map);

/// Parses encode_time_map's output (versions 1 and 2). Throws Error on a
/// malformed value.
TimeMap decode_time_map(std::string_view bytes);

/// The cue holding `position`, as (track index, cue index); nullopt for a
/// metadata position or one between cues.
struct CueRef {
    std::size_t track = 0;
    std::size_t cue = 0;
};
std::optional<CueRef> find_cue(const TimeMap& map, std::uint32_t position);

// ---- Facets ------------------------------------------------------------------
/// What one recording adds to the facet counts. Recordings of one talk (the
/// same `dedup`) count once per value.
struct FacetKey {
    std::string dedup;     ///< "g:" + recording group, or "t:" + id when recorded once
    std::string event;     ///< event slug; empty when none
    std::string year;      ///< "2014"; empty when unknown
    std::string language;  ///< talk language tag; empty when unknown
    std::vector<std::string> speakers;
    std::string event_title;  ///< the event's title, the facet's label; empty when unknown
};

/// The kSlotFacets value: the fields joined by U+001E, speakers by U+001F,
/// the event's title last (a value written before it has five fields).
std::string encode_facet_key(const FacetKey& key);

/// Parses encode_facet_key's output. Throws Error on a malformed value.
FacetKey decode_facet_key(std::string_view value);

// ---- Document data ---------------------------------------------------------
/// Document data is a small JSON object holding what a result shows, written
/// by encode_document_data (keys documented in docs/DESIGN.md). It never holds
/// the transcript.
std::string encode_document_data(const Talk& talk);

/// The part of the document data a result shows (no description, related
/// URLs, source paths or track details; only the first video with a URL and
/// the first indexed track's kind), under the same keys, for kSlotDisplay.
std::string encode_display_data(const Talk& talk);

}  // namespace talksearch::schema

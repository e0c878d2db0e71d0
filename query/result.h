// What a search returns: the values every renderer (text, JSON, HTML) and
// the HTTP server read. No Xapian types here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace talksearch {

/// A piece of snippet text; `marked` pieces are the matched words.
struct SnippetPart {
    std::string text;
    bool marked = false;
};

/// Links that open the recording at a moment.
struct JumpLink {
    std::string url;       ///< opens the video at the moment (pre-roll applied)
    std::string clip_url;  ///< plays just the moment (start and end), where the host supports it;
                           ///< else empty
    std::string host;      ///< "youtube", "vimeo", "archive.org", "media", "peertube" or "other"
    std::string
        time_text;  ///< for hosts with no time parameter: "at 12:34", to show beside the link
};

/// One moment of a talk: matches close in time, with the cue text around them.
struct Moment {
    std::int64_t start_ms = 0;  ///< when the first matched word is said: its own time where the
                                ///< captions give word times, else estimated within its cue
    std::int64_t end_ms = 0;    ///< end of the last cue of the moment
    std::int64_t jump_ms = 0;   ///< where the link starts: start_ms less the pre-roll, not below 0
    /// False for a moment of a transcript without times (plain text): the
    /// times above are 0 and mean nothing; show no time and link to the
    /// talk's start.
    bool timed = true;
    std::string speaker;   ///< from `<v Name>`, when the captions name one
    std::string language;  ///< the caption track's language
    std::vector<SnippetPart> snippet;
    std::uint32_t distinct_terms = 0;  ///< how many different query terms the moment holds
    std::uint32_t occurrences = 0;     ///< how many matched words it holds
    JumpLink link;
    /// For a chapter moment (a chapter of the recording whose title holds a
    /// matched word): the chapter's title. The snippet is then that title,
    /// start_ms and end_ms are the chapter's, and jump_ms is start_ms (a
    /// chapter start is a clean start: no pre-roll). Empty for a moment of
    /// the transcript.
    std::string chapter;
};

/// A named part of a recording (YouTube chapters), as the document data holds it.
struct ChapterInfo {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;  ///< not before start_ms
    std::string title;
};

/// A talk as a result shows it (decoded from the document data).
struct TalkInfo {
    std::string id;      ///< "event/slug"
    std::string origin;  ///< "pyvideo" or "captions"
    std::string event;
    std::string event_title;
    std::string slug;
    std::string title;
    std::vector<std::string> speakers;
    std::vector<std::string> tags;
    std::string summary;
    std::string language;
    std::string recorded;  ///< "YYYY-MM-DD" or empty
    std::optional<std::int64_t> duration_s;
    std::string video_url;  ///< the first video URL, empty when none
    std::string thumbnail_url;
    std::string catalogue_url;  ///< e.g. https://pyvideo.org/<event>/<slug>.html; empty for talks
                                ///< from captions
    std::string captions;       ///< "human", "machine" or "none": the primary track's kind
    std::vector<ChapterInfo> chapters;  ///< in time order; empty for most talks
};

/// Another recording of a result's talk (the same talk given at another event).
struct OtherRecording {
    TalkInfo talk;
    JumpLink link;  ///< the recording's start
};

/// One matching talk, shown as one of its recordings.
struct Hit {
    TalkInfo talk;
    std::uint32_t rank = 0;       ///< 1-based position in the whole result list
    double weight = 0;            ///< BM25 score of the best-matching recording, with the
                                  ///< repeat prior (docs/DESIGN.md, "Ranking")
    std::vector<Moment> moments;  ///< in time order; empty when only metadata other than
                                  ///< chapter titles matched
    JumpLink link;                ///< the talk's start (for metadata-only matches)
    /// Where the query's words matched in the recording shown: "spoken" (in
    /// its captions), "metadata" (title, speakers, tags, chapter titles,
    /// description), "both", or empty for a query of filters alone.
    std::string matched_in;
    /// The talk's other recordings, newest first; empty for a talk recorded once
    /// or when the request asked for every recording.
    std::vector<OtherRecording> other_recordings;
};

/// One value of a facet: what its filter takes, what it shows, and how
/// many matching talks have it.
struct FacetCount {
    std::string value;  ///< e.g. the event's slug, "pycon-us-2019"
    std::string label;  ///< e.g. the event's title, "PyCon US 2019"; else the value
    std::uint64_t count = 0;
};

/// A facet's values, most talks first (equal counts by value), the first
/// kFacetValues of them; the rest summed.
struct Facet {
    std::vector<FacetCount> top;
    std::uint64_t other_values = 0;  ///< values left out of `top`
    std::uint64_t other_count = 0;   ///< their counts summed (a talk may count in several)
};

/// How many values of a facet a result lists.
inline constexpr std::size_t kFacetValues = 10;

/// Counts of matching talks per facet value.
struct Facets {
    Facet events;
    Facet years;
    Facet speakers;
    Facet languages;
};

/// The answer to one query.
struct SearchResult {
    std::string query;         ///< as the user gave it
    std::string parsed_query;  ///< Xapian's description of what was searched (for debugging)
    std::uint64_t total = 0;   ///< estimated number of matching talks
    bool total_exact = false;
    std::uint32_t offset = 0;
    std::uint32_t limit = 0;
    std::vector<Hit> hits;
    std::optional<Facets> facets;
    std::optional<std::string> suggestion;  ///< "did you mean": the query with words corrected
    std::vector<std::string> notices;       ///< e.g. "searched for the words only: ..."
    /// Shards of a sharded index that could not be searched ("remote
    /// 10.0.0.7:33333: connection refused"): when not empty the result is
    /// partial, the talks those shards hold are missing (docs/SCALING.md).
    std::vector<std::string> missing_shards;
    std::uint32_t shards = 1;  ///< shards searched, the missing ones included
    bool partial() const { return !missing_shards.empty(); }
};

}  // namespace talksearch

// Talks: the metadata of one recorded talk and its caption tracks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/cue.h"

namespace talksearch {

/// A link listed with a talk (slides, repository, ...). `label` may be empty.
struct RelatedUrl {
    std::string label;
    std::string url;
};

/// Where the recording can be watched.
struct VideoSource {
    std::string type;  ///< as the catalogue says: "youtube", "vimeo", "mp4", ...
    std::string url;
    std::optional<std::int64_t> size_bytes;  ///< `size`, or the deprecated `length`
};

/// Who wrote a caption track: a person, or a machine (ASR such as Whisper or
/// YouTube's automatic captions).
enum class CaptionKind { kHuman, kMachine };

/// One caption track of a talk, cleaned and ready to index.
struct Track {
    std::string path;      ///< the file it was read from
    std::string language;  ///< BCP 47 tag: "en", "es", "pt-BR"
    CaptionKind kind = CaptionKind::kHuman;
    CaptionFormat format = CaptionFormat::kSrt;
    CleanCaptions captions;
    /// False for a track that another of the same language outranks (a human
    /// track is indexed in preference to a machine one); it is listed, not
    /// searched.
    bool indexed = true;
};

/// Where a talk's record came from.
enum class TalkOrigin {
    kPyvideo,   ///< a `<event>/videos/<slug>.json` file in pyvideo.org's layout
    kCaptions,  ///< a caption file that matched no talk: a talk of its own
    kYtdlp,     ///< a yt-dlp `<name>.info.json` file
};

/// "pyvideo", "captions" or "yt-dlp": the name used in the index and in output.
inline const char* origin_name(TalkOrigin origin) {
    switch (origin) {
        case TalkOrigin::kPyvideo:
            return "pyvideo";
        case TalkOrigin::kCaptions:
            return "captions";
        case TalkOrigin::kYtdlp:
            return "yt-dlp";
    }
    return "pyvideo";
}

/// A named part of a recording (YouTube chapters): a moment with a title.
struct Chapter {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string title;
};

/// One talk. Its identity is `event` + "/" + `slug` (see talk_id()).
struct Talk {
    TalkOrigin origin = TalkOrigin::kPyvideo;
    std::string source_path;  ///< the metadata file (or caption file) it came from

    std::string event;        ///< event folder name, e.g. "pycon-us-2014"
    std::string event_title;  ///< category.json `title`, e.g. "PyCon US 2014"
    std::string slug;         ///< e.g. "advanced-methods-for-creat"

    std::string title;  ///< NFC-normalised
    std::vector<std::string> speakers;
    std::vector<std::string> tags;
    std::string summary;                     ///< may be empty
    std::string description;                 ///< may be empty (null in the file)
    std::string language;                    ///< BCP 47 primary tag ("en"); empty when unknown
    std::string recorded;                    ///< "YYYY-MM-DD", empty when unknown
    std::optional<std::int64_t> duration_s;  ///< seconds, after unit repair
    std::vector<VideoSource> videos;
    std::vector<RelatedUrl> related_urls;
    std::string thumbnail_url;
    std::string copyright_text;
    std::string quality_notes;
    std::optional<std::int64_t> pyvideo_id;  ///< the catalogue's numeric `id`

    std::vector<Track> tracks;      ///< caption tracks; the primary one first
    std::vector<Chapter> chapters;  ///< in time order; empty for most talks

    /// Recordings of the same talk at other events share this key (the
    /// smallest talk_id() among them); empty for a talk recorded once.
    std::string recording_group;
    std::size_t recordings = 1;  ///< recordings of the talk, this one included

    /// A hash of everything the talk's document is made from (its metadata,
    /// its caption files' bytes, its recording group), set by the indexer's
    /// pipeline; `update` compares it to decide what to re-index.
    std::string source_hash;
};

/// "event/slug": the key that identifies a talk across runs.
inline std::string talk_id(const Talk& talk) { return talk.event + "/" + talk.slug; }

/// The year of `recorded` ("2014"), or nullopt when unknown.
std::optional<int> talk_year(const Talk& talk);

/// "human" or "machine".
const char* caption_kind_name(CaptionKind kind);

}  // namespace talksearch

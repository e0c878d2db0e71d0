// The caption store that `talksearch-index fetch` fills and `build --ytdlp`
// reads: what yt-dlp got for each video of a catalogue, one folder a video.
//
//   STORE/
//     .lock                         held by a fetch run (flock); a second run exits 75
//     videos/<key>/record.json      the video's record, written last and atomically
//     videos/<key>/<id>.info.json   yt-dlp's info.json (chapters, duration, track kinds)
//     videos/<key>/<id>.<lang>.<ext>  the caption tracks
//     .tmp/                         yt-dlp's work folders; what a killed run left is removed
//
// A video's files are moved into its folder before its record names them, so a
// kill -9 loses at most the video in flight: a folder without a record (or with
// an older one) is fetched again. The record parsers are pure.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// What the last fetch of a video came to.
enum class FetchStatus {
    kFetched,      ///< at least one caption track
    kNoCaptions,   ///< the video exists and has no captions
    kUnavailable,  ///< private, removed, not a video: not retried unless asked
    kFailed,       ///< anything else: retried after a growing back-off
};

/// "fetched", "no-captions", "unavailable", "failed".
const char* fetch_status_name(FetchStatus s);

/// One caption track in a video's folder.
struct StoredTrack {
    std::string file;      ///< the file name in the video's folder
    std::string language;  ///< as yt-dlp names it: "en", "pt-BR", "en-orig"
    bool human = false;    ///< listed under info.json's `subtitles`, not `automatic_captions`
};

/// The record of one video.
struct VideoRecord {
    std::string key;      ///< the folder name: the YouTube id, else `url-<hash of the URL>`
    std::string url;      ///< the video URL yt-dlp was given
    std::string talk_id;  ///< the catalogue talk it belongs to: "event/slug"
    FetchStatus status = FetchStatus::kFailed;
    std::string info_json;  ///< file name of yt-dlp's info.json; empty when none was written
    std::vector<StoredTrack> tracks;
    std::string reason;               ///< kUnavailable, kFailed: why (yt-dlp's error line)
    std::uint32_t attempts = 0;       ///< failed attempts in a row
    std::int64_t fetched_at = 0;      ///< Unix seconds of the last attempt
    std::int64_t next_try_after = 0;  ///< kFailed: Unix seconds before which it is not retried
};

/// The record as JSON (one object, one line).
std::string encode_video_record(const VideoRecord& r);

/// Parses encode_video_record()'s output. Throws ParseError naming the field.
VideoRecord parse_video_record(std::string_view json);

/// The store's folder name for a video URL: the YouTube id when the URL has
/// one, else "url-" and 16 hex digits of a hash of the URL.
std::string video_key(std::string_view url);

/// How long a video that failed `attempts` times in a row waits before the
/// next try: 1 h, doubling, at most 7 days.
std::int64_t failure_backoff_seconds(std::uint32_t attempts);

/// Whether a video with record `r` (none: never fetched) is fetched at `now`.
/// Failed videos are due once their back-off has passed; fetched ones with a
/// machine track (automatic captions change) and no-caption ones when
/// `refresh_older_than` is given and they are older than that; unavailable
/// ones never.
bool fetch_is_due(const std::optional<VideoRecord>& r, std::int64_t now,
                  std::optional<std::int64_t> refresh_older_than);

/// Parses "30d", "12h", "90m", "45s" or a plain number of seconds. Throws
/// Error for anything else.
std::int64_t parse_age(std::string_view text);

/// The store on disk.
class CaptionStore {
  public:
    /// Opens (creating) the store folder. Throws Error.
    explicit CaptionStore(std::filesystem::path root);

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path video_dir(const std::string& key) const;

    /// Every record of the store. A record that cannot be read is skipped
    /// and named in `problems` ("path: message"); its video is fetched again.
    std::vector<VideoRecord> records(std::vector<std::string>* problems = nullptr) const;

    /// A fresh work folder for one fetch (under .tmp/).
    std::filesystem::path work_dir(const std::string& key) const;

    /// Moves the files `r` names (and its info.json) from `work` into the
    /// video's folder, replacing an earlier fetch's, then writes the record
    /// atomically and removes `work`. Throws Error.
    void commit(const VideoRecord& r, const std::filesystem::path& work) const;

    /// Removes the work folders a killed run left.
    void remove_stale_work() const;

  private:
    std::filesystem::path root_;
};

}  // namespace talksearch

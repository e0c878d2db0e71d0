// The sources file of `talksearch-index build|update --config FILE`: where
// talks and captions come from, as cron runs it. Pure parsing, no I/O but
// load_config's read.
//
//   {
//     "index": "/var/lib/talksearch/index",
//     "default_language": "en",
//     "allow_shrink": false,
//     "grace_seconds": 600,
//     "sources": [
//       {"type": "pyvideo", "path": "/srv/pyvideo-data"},
//       {"type": "captions", "path": "/srv/captions"},
//       {"type": "manifest", "path": "/srv/captions/manifest.json"},
//       {"type": "yt-dlp", "path": "/srv/yt"},
//       {"type": "url", "kind": "talk", "url": "https://example.org/pycon-us-2024/videos/a.json"},
//       {"type": "url", "kind": "category", "url": "https://.../pycon-us-2024/category.json"},
//       {"type": "url", "kind": "captions", "url": "https://.../abc.en.vtt",
//        "talk": "pycon-us-2024/a", "language": "en", "caption_kind": "machine"},
//       {"type": "url", "kind": "manifest", "url": "https://example.org/sources.json"}
//     ],
//     "fetch": {"max_bytes": 67108864, "timeout_seconds": 60, "connect_timeout_seconds": 10,
//               "parallel": 4, "attempts": 4, "allow_private_addresses": false,
//               "allowed_private": ["10.0.0.5", "192.168.10.0/24", "[fd00::5]:8080"],
//               "captions": {"store": "/srv/talk-captions", "since": 2023, "jobs": 2,
//                            "sleep_seconds": 1, "timeout_seconds": 300,
//                            "refresh_older_than": "30d", "languages": ["en"],
//                            "yt_dlp": "/usr/local/bin/yt-dlp"}}
//   }
//
// Relative paths are relative to the config file's folder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// One remote source.
struct UrlSource {
    std::string url;
    std::string kind;          ///< "talk", "category", "captions" or "manifest"
    std::string event;         ///< talk/category: the event slug when the URL path does not give it
    std::string talk;          ///< captions: the talk ("event/slug") they belong to, if known
    std::string language;      ///< captions: BCP 47 tag, if known
    std::string caption_kind;  ///< captions: "human" or "machine", if known
};

/// Fetch settings of a config file (see indexer/fetch.h for their meaning).
struct FetchSettings {
    std::optional<std::uint64_t> max_bytes;
    std::optional<double> timeout_seconds;
    std::optional<double> connect_timeout_seconds;
    std::optional<std::uint64_t> parallel;
    std::optional<std::uint64_t> attempts;
    std::optional<bool> allow_private_addresses;
    std::vector<std::string> allowed_private;  ///< each checked as FetchOptions wants it
};

/// `fetch.captions`: a run first fetches the captions of the catalogue's talks
/// with yt-dlp into this store (as `talksearch-index fetch` does), then reads
/// the store as yt-dlp output.
struct CaptionFetchSettings {
    std::filesystem::path store;
    std::optional<std::string> yt_dlp;
    std::optional<std::uint64_t> jobs;
    std::optional<double> sleep_seconds;
    std::optional<std::uint64_t> timeout_seconds;
    std::optional<std::string> refresh_older_than;  ///< "30d"
    std::optional<std::int64_t> since;              ///< a year
    std::vector<std::string> languages;             ///< fallback caption languages
};

/// A parsed config file.
struct Config {
    std::optional<std::filesystem::path> index;
    std::optional<std::string> default_language;
    std::optional<bool> allow_shrink;
    std::optional<std::int64_t> grace_seconds;
    std::vector<std::filesystem::path> talk_roots;
    std::vector<std::filesystem::path> caption_roots;
    std::vector<std::filesystem::path> manifests;
    std::vector<std::filesystem::path> ytdlp_roots;
    std::vector<UrlSource> urls;
    FetchSettings fetch;
    std::optional<CaptionFetchSettings> fetch_captions;
};

/// Parses a config file's text; paths are made absolute against `base_dir`.
/// Throws Error naming the field ("sources[2].url: ...") on anything it does
/// not understand: unknown keys are refused too, so a typo is not ignored.
Config parse_config(std::string_view json, const std::filesystem::path& base_dir);

/// Reads and parses a config file. Throws Error naming the file.
Config load_config(const std::filesystem::path& path);

}  // namespace talksearch

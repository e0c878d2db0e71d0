// Video URLs: a URL's parts, which host a video is on and its id there
// (YouTube, Vimeo), and the URL of a player a page can embed. The one home of
// these facts for the indexer (matching captions by YouTube id), the jump
// links and the JSON output's `embed_url`. Pure string work: nothing is
// fetched, nothing is percent-decoded or -encoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// True for an absolute `http://` or `https://` URL (the scheme in any case)
/// with no space or control character in it: the only URLs the index keeps
/// (the indexer drops the others and says so) and the only ones any output
/// shows. Not `javascript:`, `data:`, `vbscript:`, `//host/x` or `host/x`.
bool is_http_url(std::string_view url);

/// A URL split into its parts, each a view of the (trimmed) input.
struct UrlParts {
    std::string_view text;  ///< the whole (trimmed) input
    std::string_view head;  ///< scheme, authority and path: the text before `?` or `#`
    std::string host;       ///< lowercased, without user info, port or trailing dot
    std::string_view path;
    std::optional<std::string_view> query;     ///< without the `?`
    std::optional<std::string_view> fragment;  ///< without the `#`
    /// What a link rebuilt from `head` puts before it: "", "https:" or "https://".
    std::string_view add_scheme;
};

/// Splits `input` (`https://host/path?query#fragment`, `//host/...`, or
/// `host.tld/...` without a scheme); nullopt when it is empty, holds control
/// characters or has a scheme other than http(s). A URL whose host cannot be
/// found parses with an empty host. The parts are views of `input`.
std::optional<UrlParts> split_url(std::string_view input);

/// The path's segments, empty ones dropped ("/a//b/" -> a, b).
std::vector<std::string_view> url_path_segments(std::string_view path);

/// A query's (or fragment's) parameters: `a=1&b=2` -> "a=1", "b=2" (empty
/// items dropped); none for nullopt.
std::vector<std::string_view> url_params(std::optional<std::string_view> query);

/// A parameter's name, without the "amp;" left by an HTML-escaped `&amp;`.
std::string_view url_param_name(std::string_view param);

/// The value of the first parameter called `name` ("" for a bare `name`).
std::optional<std::string_view> url_param(const std::vector<std::string_view>& params,
                                          std::string_view name);

/// The hosts a video URL is told apart by.
enum class VideoHost { kYouTube, kVimeo, kArchive, kMedia, kPeerTube, kOther };

/// The host as links and the JSON output name it: "youtube", "vimeo",
/// "archive.org", "media", "peertube" or "other".
std::string_view video_host_name(VideoHost host);

/// What a video URL is: its host and, for YouTube and Vimeo, the parts a link
/// or a player is built from (views of the URL's text).
struct VideoTarget {
    VideoHost host = VideoHost::kOther;
    std::string_view id;      ///< YouTube id or Vimeo number
    std::string_view hash;    ///< Vimeo unlisted hash
    std::string_view list;    ///< YouTube playlist kept on watch links
    std::string_view index;   ///< YouTube playlist position
    bool short_link = false;  ///< youtu.be
    bool nocookie = false;    ///< youtube-nocookie.com
};

/// Classifies a URL, first match wins:
/// - YouTube: youtube.com (any subdomain) or youtube-nocookie.com with
///   `/watch?v=ID`, `/embed/ID`, `/v/ID`, `/shorts/ID`, `/live/ID`, `/e/ID`
///   or `/watch/ID`, and `youtu.be/ID`; ID is 11 of `A-Z a-z 0-9 - _`.
/// - Vimeo: `vimeo.com/N[/hash]`, `player.vimeo.com/video/N[?h=hash]`,
///   `vimeo.com/{channels,groups,album,showcase}/.../N`.
/// - archive.org: `archive.org/details/...`, `/embed/...`.
/// - PeerTube: `/videos/watch/UUID`, `/videos/embed/UUID`, `/w/ID`.
/// - a media file: a path ending in `.mp4 .m4v .mov .webm .mkv .ogv .ogg
///   .oga .opus .mp3 .m4a .aac .flac .wav .flv .avi .mpg .mpeg`.
/// - else kOther.
VideoTarget classify_video_url(const UrlParts& url);

/// The YouTube id of a video URL (as classify_video_url finds it), or nullopt.
/// Example: "https://youtu.be/dCr8Gr0unD1?t=5" -> "dCr8Gr0unD1".
std::optional<std::string> youtube_id(std::string_view video_url);

/// The URL of a player that a page can put in an iframe, without a start
/// time: for YouTube `https://www.youtube-nocookie.com/embed/ID` (the
/// privacy-enhanced host, whichever YouTube host the URL is on), for Vimeo
/// `https://player.vimeo.com/video/N`, for a media file the URL as given
/// (with `https://` put before one that has no scheme); nullopt for every
/// other URL (no player can be embedded).
std::optional<std::string> embed_url(std::string_view video_url);

/// The Unix time a signed URL stops working (its `Expires=` query parameter,
/// as S3 and archive.org sign their media URLs), or nullopt when it has none.
std::optional<std::int64_t> url_expiry(std::string_view video_url);

/// How well a viewer can open a video URL at a given second, best first:
/// 0 a host whose links carry a time (YouTube, Vimeo, archive.org pages,
/// PeerTube), 1 a media file (`#t=`), 2 any other page, 3 a signed URL that
/// has expired at `now` or no http(s) URL at all (nothing to open).
int video_link_rank(std::string_view video_url, std::int64_t now);

}  // namespace talksearch

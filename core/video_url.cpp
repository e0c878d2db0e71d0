// Video URLs (video_url.h). Shapes found in the catalogue
// (../shared/corpus/pyvideo-data, 23,269 video URLs): www.youtube.com/watch?v=ID
// (19,672), youtube.com/watch (43), youtu.be/ID (904); archive.org/details/ID
// (1,060); archive.org/download/ID/file.ext (101), s3.us.archive.org/.../file.mp4
// (428) and media files elsewhere (735); vimeo.com/N (110); PeerTube
// /videos/watch/UUID (192); anything else (24).

#include "core/video_url.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <initializer_list>

#include "core/text.h"

namespace talksearch {
namespace {

/// The file extensions of media a browser (or a player it hands off to) opens
/// directly.
constexpr std::array<std::string_view, 18> kMediaExtensions = {
    "mp4", "m4v", "mov", "webm", "mkv", "ogv", "ogg", "oga", "opus",
    "mp3", "m4a", "aac", "flac", "wav", "flv", "avi", "mpg", "mpeg"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_alnum(char c) {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_hex(char c) { return is_ascii_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

bool all_of(std::string_view s, bool (*pred)(char)) {
    return std::all_of(s.begin(), s.end(), pred);
}

bool is_id_char(char c) { return is_alnum(c) || c == '-' || c == '_'; }

std::string_view trim_space(std::string_view s) {
    auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

bool is_http_url(std::string_view url) {
    const std::string scheme = ascii_lower(url.substr(0, 8));
    if (!scheme.starts_with("https://") && !scheme.starts_with("http://")) return false;
    return std::none_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    });
}

std::optional<UrlParts> split_url(std::string_view input) {
    UrlParts url;
    url.text = trim_space(input);
    const std::string_view s = url.text;
    if (s.empty()) return std::nullopt;
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    }

    // Scheme: letters, digits, "+-." then ':'. "host:8080/..." is a host and port.
    std::size_t pos = 0;
    bool authority = false;
    std::size_t colon = 0;
    while (colon < s.size() &&
           (is_alnum(s[colon]) || s[colon] == '+' || s[colon] == '-' || s[colon] == '.')) {
        ++colon;
    }
    const bool port_follows =
        colon < s.size() && s[colon] == ':' && colon + 1 < s.size() && is_ascii_digit(s[colon + 1]);
    if (colon > 0 && colon < s.size() && s[colon] == ':' && !port_follows) {
        const std::string_view scheme = s.substr(0, colon);
        if (!iequals(scheme, "http") && !iequals(scheme, "https")) return std::nullopt;
        pos = colon + 1;
        if (s.substr(pos).starts_with("//")) {
            pos += 2;
            authority = true;
        }
    } else if (s.starts_with("//")) {
        pos = 2;
        authority = true;
        url.add_scheme = "https:";
    } else {
        // No scheme: "www.youtube.com/watch?v=..." when the first part looks like a host.
        const std::size_t end = std::min(s.find_first_of("/?#"), s.size());
        const std::string_view first = s.substr(0, end);
        if (first.find('.') != std::string_view::npos &&
            first.find(' ') == std::string_view::npos && !first.starts_with('.')) {
            authority = true;
            url.add_scheme = "https://";
        }
    }

    std::size_t path_start = pos;
    if (authority) {
        path_start = std::min(s.find_first_of("/?#", pos), s.size());
        std::string_view auth = s.substr(pos, path_start - pos);
        if (const std::size_t at = auth.rfind('@'); at != std::string_view::npos) {
            auth.remove_prefix(at + 1);
        }
        if (auth.starts_with('[')) {
            auth = auth.substr(0, std::min(auth.find(']'), auth.size()));  // IPv6: no match
        } else if (const std::size_t port = auth.find(':'); port != std::string_view::npos) {
            auth = auth.substr(0, port);
        }
        while (auth.ends_with('.')) auth.remove_suffix(1);
        url.host = to_lower(auth);
    }
    const std::size_t path_end = std::min(s.find_first_of("?#", path_start), s.size());
    url.path = s.substr(path_start, path_end - path_start);
    url.head = s.substr(0, path_end);
    if (path_end < s.size() && s[path_end] == '?') {
        const std::size_t q_end = std::min(s.find('#', path_end), s.size());
        url.query = s.substr(path_end + 1, q_end - path_end - 1);
        if (q_end < s.size()) url.fragment = s.substr(q_end + 1);
    } else if (path_end < s.size()) {
        url.fragment = s.substr(path_end + 1);
    }
    return url;
}

std::vector<std::string_view> url_path_segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        const std::size_t next = std::min(path.find('/', i), path.size());
        if (next > i) out.push_back(path.substr(i, next - i));
        i = next + 1;
    }
    return out;
}

std::vector<std::string_view> url_params(std::optional<std::string_view> query) {
    std::vector<std::string_view> out;
    if (!query) return out;
    std::string_view q = *query;
    std::size_t i = 0;
    while (i <= q.size()) {
        const std::size_t next = std::min(q.find('&', i), q.size());
        if (next > i) out.push_back(q.substr(i, next - i));
        i = next + 1;
    }
    return out;
}

std::string_view url_param_name(std::string_view param) {
    std::string_view name = param.substr(0, std::min(param.find('='), param.size()));
    while (name.starts_with("amp;")) name.remove_prefix(4);
    return name;
}

std::optional<std::string_view> url_param(const std::vector<std::string_view>& params,
                                          std::string_view name) {
    for (std::string_view p : params) {
        if (url_param_name(p) == name) {
            const std::size_t eq = p.find('=');
            return eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1);
        }
    }
    return std::nullopt;
}

std::string_view video_host_name(VideoHost host) {
    switch (host) {
        case VideoHost::kYouTube:
            return "youtube";
        case VideoHost::kVimeo:
            return "vimeo";
        case VideoHost::kArchive:
            return "archive.org";
        case VideoHost::kMedia:
            return "media";
        case VideoHost::kPeerTube:
            return "peertube";
        case VideoHost::kOther:
            break;
    }
    return "other";
}

namespace {

VideoTarget target_on(VideoHost host) {
    VideoTarget t;
    t.host = host;
    return t;
}

bool is_youtube_id(std::string_view id) { return id.size() == 11 && all_of(id, is_id_char); }

bool host_is(const std::string& host, std::string_view domain) {
    return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                              host[host.size() - domain.size() - 1] == '.');
}

std::optional<VideoTarget> youtube_target(const UrlParts& url) {
    VideoTarget t;
    t.host = VideoHost::kYouTube;
    const auto segs = url_path_segments(url.path);
    const std::vector<std::string_view> params = url_params(url.query);
    if (host_is(url.host, "youtu.be")) {
        if (segs.size() != 1 || !is_youtube_id(segs[0])) return std::nullopt;
        t.id = segs[0];
        t.short_link = true;
    } else if (host_is(url.host, "youtube.com") || host_is(url.host, "youtube-nocookie.com")) {
        t.nocookie = host_is(url.host, "youtube-nocookie.com");
        if (segs.size() == 1 && iequals(segs[0], "watch")) {
            t.id = url_param(params, "v").value_or("");
        } else if (segs.size() == 2 && (iequals(segs[0], "embed") || iequals(segs[0], "v") ||
                                        iequals(segs[0], "shorts") || iequals(segs[0], "live") ||
                                        iequals(segs[0], "e") || iequals(segs[0], "watch"))) {
            t.id = segs[1];
        }
        if (!is_youtube_id(t.id)) return std::nullopt;
    } else {
        return std::nullopt;
    }
    const std::string_view list = url_param(params, "list").value_or("");
    if (!list.empty() && list.size() <= 64 && all_of(list, is_id_char)) {
        t.list = list;
        const std::string_view index = url_param(params, "index").value_or("");
        if (!index.empty() && index.size() <= 6 && all_of(index, is_ascii_digit)) t.index = index;
    }
    return t;
}

std::optional<VideoTarget> vimeo_target(const UrlParts& url) {
    if (!host_is(url.host, "vimeo.com")) return std::nullopt;
    VideoTarget t;
    t.host = VideoHost::kVimeo;
    const auto segs = url_path_segments(url.path);
    auto number = [](std::string_view s) {
        return !s.empty() && s.size() <= 15 && all_of(s, is_ascii_digit);
    };
    auto hash = [](std::string_view s) {
        return s.size() >= 6 && s.size() <= 20 && all_of(s, is_hex);
    };
    if (url.host == "player.vimeo.com") {
        if (segs.size() != 2 || segs[0] != "video" || !number(segs[1])) return std::nullopt;
        t.id = segs[1];
        const std::string_view h = url_param(url_params(url.query), "h").value_or("");
        if (hash(h)) t.hash = h;
        return t;
    }
    if (url.host != "vimeo.com" && url.host != "www.vimeo.com") return std::nullopt;
    if (!segs.empty() && number(segs[0])) {
        if (segs.size() > 2 || (segs.size() == 2 && !hash(segs[1]))) return std::nullopt;
        t.id = segs[0];
        if (segs.size() == 2) t.hash = segs[1];
        return t;
    }
    // vimeo.com/channels/<name>/N, /groups/<name>/videos/N, /album/<n>/video/N,
    // /showcase/<n>/video/N.
    if (segs.size() >= 3 && number(segs.back()) &&
        (segs[0] == "channels" || segs[0] == "groups" || segs[0] == "album" ||
         segs[0] == "showcase")) {
        t.id = segs.back();
        return t;
    }
    return std::nullopt;
}

std::optional<VideoTarget> archive_target(const UrlParts& url) {
    if (url.host != "archive.org" && url.host != "www.archive.org") return std::nullopt;
    const auto segs = url_path_segments(url.path);
    if (segs.size() < 2 || (segs[0] != "details" && segs[0] != "embed")) return std::nullopt;
    return target_on(VideoHost::kArchive);
}

bool is_peertube_id(std::string_view id) {
    return id.size() >= 16 && id.size() <= 40 &&
           all_of(id, [](char c) { return is_alnum(c) || c == '-'; });
}

std::optional<VideoTarget> peertube_target(const UrlParts& url) {
    if (url.host.empty()) return std::nullopt;
    const auto segs = url_path_segments(url.path);
    const bool watch = (segs.size() == 3 && segs[0] == "videos" &&
                        (segs[1] == "watch" || segs[1] == "embed") && is_peertube_id(segs[2])) ||
                       (segs.size() == 2 && segs[0] == "w" && is_peertube_id(segs[1]));
    if (!watch) return std::nullopt;
    return target_on(VideoHost::kPeerTube);
}

std::optional<VideoTarget> media_target(const UrlParts& url) {
    if (url.host.empty()) return std::nullopt;
    const auto segs = url_path_segments(url.path);
    if (segs.empty()) return std::nullopt;
    const std::string_view file = segs.back();
    const std::size_t dot = file.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string_view ext = file.substr(dot + 1);
    for (std::string_view known : kMediaExtensions) {
        if (iequals(ext, known)) return target_on(VideoHost::kMedia);
    }
    return std::nullopt;
}

}  // namespace

VideoTarget classify_video_url(const UrlParts& url) {
    for (auto classifier :
         {youtube_target, vimeo_target, archive_target, peertube_target, media_target}) {
        if (auto t = classifier(url)) return *t;
    }
    return VideoTarget{};
}

std::optional<std::string> youtube_id(std::string_view video_url) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url) return std::nullopt;
    const VideoTarget t = classify_video_url(*url);
    if (t.host != VideoHost::kYouTube) return std::nullopt;
    return std::string(t.id);
}

std::optional<std::string> embed_url(std::string_view video_url) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url) return std::nullopt;
    const VideoTarget t = classify_video_url(*url);
    switch (t.host) {
        case VideoHost::kYouTube:
            // Always the privacy-enhanced host: no cookies until the video plays.
            return "https://www.youtube-nocookie.com/embed/" + std::string(t.id);
        case VideoHost::kVimeo:
            return "https://player.vimeo.com/video/" + std::string(t.id);
        case VideoHost::kMedia:
            return std::string(url->add_scheme) + std::string(url->text);
        default:
            return std::nullopt;
    }
}

std::optional<std::int64_t> url_expiry(std::string_view video_url) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url) return std::nullopt;
    for (std::string_view param : url_params(url->query)) {
        const std::size_t eq = param.find('=');
        if (eq == std::string_view::npos ||
            !iequals(url_param_name(param.substr(0, eq)), "expires")) {
            continue;
        }
        const std::string_view value = param.substr(eq + 1);
        std::int64_t t = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
        if (ec == std::errc() && end == value.data() + value.size()) return t;
    }
    return std::nullopt;
}

int video_link_rank(std::string_view video_url, std::int64_t now) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url || url->host.empty()) return 3;
    if (const auto expiry = url_expiry(video_url); expiry && *expiry <= now) return 3;
    switch (classify_video_url(*url).host) {
        case VideoHost::kYouTube:
        case VideoHost::kVimeo:
        case VideoHost::kArchive:
        case VideoHost::kPeerTube:
            return 0;
        case VideoHost::kMedia:
            return 1;
        case VideoHost::kOther:
            return 2;
    }
    return 2;
}

}  // namespace talksearch

// Jump links: which host a video URL is on, the start offset it carries, and
// the link that opens it at a moment. Pure string work: nothing is fetched,
// nothing is percent-decoded or -encoded, and every character of a link is
// either the input's or one this file adds.
//
// Shapes found in the catalogue (../shared/corpus/pyvideo-data, 23,269 video
// URLs) and what they get:
//   www.youtube.com/watch?v=ID (19,672), youtube.com/watch (43), youtu.be/ID
//     (904): YouTube, `watch?v=ID&t=754s` or `youtu.be/ID?t=754`;
//   archive.org/details/ID[/file.mp4] (1,060): `?start=754`;
//   archive.org/download/ID/file.ext (101), s3.us.archive.org/.../file.mp4
//     (428, 346 of them with a signed query) and media files elsewhere (.mp4
//     .webm .mkv .ogv .ogg, 735): the `#t=754` media fragment, the query untouched;
//   vimeo.com/N (110): `#t=754s`;
//   PeerTube /videos/watch/UUID on two instances (192): `?start=12m34s`;
//   anything else (replay.teltek.es, blip.tv, video.google.com, twitter.com,
//     python.nz: 24): the URL unchanged, with "at 12:34".
// Four URLs carry a start offset (`&t=7047`, `&t=3h33m23s`, `&t=1239`,
// `youtu.be/...?t=1126`): talks cut from a longer recording.

#include "query/links.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {
namespace {

using Params = std::vector<std::string_view>;

/// Offsets beyond this many seconds (about three years) are taken as malformed.
constexpr std::int64_t kMaxOffsetSeconds = 100'000'000;

/// The file extensions of media a browser (or a player it hands off to) opens
/// directly, where the `#t=` media fragment seeks.
constexpr std::array<std::string_view, 18> kMediaExtensions = {
    "mp4", "m4v", "mov", "webm", "mkv", "ogv", "ogg", "oga", "opus",
    "mp3", "m4a", "aac", "flac", "wav", "flv", "avi", "mpg", "mpeg"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_hex(char c) { return is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f'); }

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

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    if (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) {
        return std::numeric_limits<std::int64_t>::max();
    }
    return a + b;
}

std::string_view trim(std::string_view s) {
    auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// ---------------------------------------------------------------------------
// URLs

/// A URL split into its parts, each a view of the (trimmed) input.
struct Url {
    std::string_view text;  ///< the whole (trimmed) input
    std::string_view head;  ///< scheme, authority and path: the text before `?` or `#`
    std::string host;       ///< lowercased, without user info, port or trailing dot
    std::string_view path;
    std::optional<std::string_view> query;     ///< without the `?`
    std::optional<std::string_view> fragment;  ///< without the `#`
    /// What a link rebuilt from `head` puts before it: "", "https:" or "https://".
    std::string_view add_scheme;
};

/// Splits `input`; nullopt when it is empty, holds control characters or has a
/// scheme other than http(s). A URL whose host cannot be found parses with an
/// empty host (and so is "other").
std::optional<Url> parse_url(std::string_view input) {
    Url url;
    url.text = trim(input);
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
        colon < s.size() && s[colon] == ':' && colon + 1 < s.size() && is_digit(s[colon + 1]);
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

/// The path's segments, empty ones dropped ("/a//b/" -> a, b).
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < path.size()) {
        const std::size_t next = std::min(path.find('/', i), path.size());
        if (next > i) out.push_back(path.substr(i, next - i));
        i = next + 1;
    }
    return out;
}

/// `a=1&b=2` -> "a=1", "b=2" (empty items dropped).
Params split_params(std::optional<std::string_view> query) {
    Params out;
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

/// A parameter's name, without the "amp;" left by an HTML-escaped `&amp;`.
std::string_view param_name(std::string_view param) {
    std::string_view name = param.substr(0, std::min(param.find('='), param.size()));
    while (name.starts_with("amp;")) name.remove_prefix(4);
    return name;
}

/// The value of the first parameter called `name`.
std::optional<std::string_view> param_value(const Params& params, std::string_view name) {
    for (std::string_view p : params) {
        if (param_name(p) == name) {
            const std::size_t eq = p.find('=');
            return eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1);
        }
    }
    return std::nullopt;
}

/// `params` less those named in `drop`, joined with '&'.
std::string join_without(const Params& params, std::initializer_list<std::string_view> drop) {
    std::string out;
    for (std::string_view p : params) {
        if (std::find(drop.begin(), drop.end(), param_name(p)) != drop.end()) continue;
        if (!out.empty()) out += '&';
        out += p;
    }
    return out;
}

// ---------------------------------------------------------------------------
// Times

/// Reads a run of digits (at most 12, so no overflow) from the front of `s`.
std::optional<std::int64_t> take_number(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) ++n;
    if (n == 0 || n > 12) return std::nullopt;
    std::int64_t value = 0;
    for (std::size_t i = 0; i < n; ++i) value = value * 10 + (s[i] - '0');
    s.remove_prefix(n);
    return value;
}

/// Reads an optional ".123" and returns its milliseconds (digits past the third ignored).
std::optional<std::int64_t> take_fraction_ms(std::string_view& s) {
    if (!s.starts_with('.')) return 0;
    s.remove_prefix(1);
    std::size_t n = 0;
    std::int64_t ms = 0;
    while (n < s.size() && is_digit(s[n])) {
        if (n < 3) ms = ms * 10 + (s[n] - '0');
        ++n;
    }
    if (n == 0) return std::nullopt;
    for (std::size_t i = n; i < 3; ++i) ms *= 10;
    s.remove_prefix(n);
    return ms;
}

/// A time as URLs write it, in ms: "754", "754s", "754.5", "1h2m3s", "12m",
/// "1m30", "1:02:03", "12:34", "npt:754" (media fragments), with an end after
/// a comma ignored ("754,760"). Nullopt when malformed or too large.
std::optional<std::int64_t> parse_time_ms(std::string_view v) {
    v = v.substr(0, std::min(v.find(','), v.size()));
    if (v.size() >= 4 && iequals(v.substr(0, 4), "npt:")) v.remove_prefix(4);
    if (v.empty()) return std::nullopt;

    std::int64_t seconds = 0;
    std::int64_t ms = 0;
    if (v.find(':') != std::string_view::npos) {
        // [h:]m:s[.frac]: the parts after the first are below 60.
        std::array<std::int64_t, 3> parts{};
        std::size_t count = 0;
        while (true) {
            const auto part = take_number(v);
            if (!part || count == parts.size()) return std::nullopt;
            if (count > 0 && *part >= 60) return std::nullopt;
            parts[count++] = *part;
            if (!v.starts_with(':')) break;
            v.remove_prefix(1);
        }
        if (count < 2) return std::nullopt;
        const auto fraction = take_fraction_ms(v);
        if (!fraction || !v.empty()) return std::nullopt;
        for (std::size_t i = 0; i < count; ++i) {
            if (parts[i] > kMaxOffsetSeconds) return std::nullopt;
            seconds = seconds * 60 + parts[i];
        }
        ms = *fraction;
    } else {
        // Units h, m, s in that order, each at most once; a last number
        // without a unit is seconds; a lone number may have a fraction.
        int next_unit = 0;  // 0: h allowed, 1: m, 2: s, 3: nothing more
        bool lone = true;
        while (!v.empty()) {
            const auto number = take_number(v);
            if (!number || *number > kMaxOffsetSeconds) return std::nullopt;
            if (v.empty()) {
                if (next_unit == 3) return std::nullopt;
                seconds += *number;
                break;
            }
            if (lone && v.starts_with('.')) {
                const auto fraction = take_fraction_ms(v);
                if (!fraction) return std::nullopt;
                ms = *fraction;
                if (v.size() == 1 && lower(v[0]) == 's') v.remove_prefix(1);
                if (!v.empty()) return std::nullopt;
                seconds += *number;
                break;
            }
            const char unit = lower(v[0]);
            v.remove_prefix(1);
            lone = false;
            if (unit == 'h' && next_unit <= 0) {
                seconds += *number * 3600;
                next_unit = 1;
            } else if (unit == 'm' && next_unit <= 1) {
                seconds += *number * 60;
                next_unit = 2;
            } else if (unit == 's' && next_unit <= 2) {
                seconds += *number;
                next_unit = 3;
            } else {
                return std::nullopt;
            }
            if (seconds > kMaxOffsetSeconds) return std::nullopt;
        }
    }
    if (seconds > kMaxOffsetSeconds) return std::nullopt;
    return seconds * 1000 + ms;
}

/// "1h2m3s", "12m34s", "34s", "1h5s", "0s": how PeerTube writes `start=`.
std::string peertube_time(std::int64_t seconds) {
    if (seconds <= 0) return "0s";
    std::string out;
    const std::int64_t h = seconds / 3600;
    const std::int64_t m = seconds / 60 % 60;
    const std::int64_t s = seconds % 60;
    if (h > 0) out += std::to_string(h) + "h";
    if (m > 0) out += std::to_string(m) + "m";
    if (s > 0) out += std::to_string(s) + "s";
    return out;
}

// ---------------------------------------------------------------------------
// Hosts

enum class Host { kYouTube, kVimeo, kArchive, kMedia, kPeerTube, kOther };

std::string_view host_name(Host host) {
    switch (host) {
        case Host::kYouTube:
            return "youtube";
        case Host::kVimeo:
            return "vimeo";
        case Host::kArchive:
            return "archive.org";
        case Host::kMedia:
            return "media";
        case Host::kPeerTube:
            return "peertube";
        case Host::kOther:
            break;
    }
    return "other";
}

/// What the classifier found: the host, and for YouTube and Vimeo the parts
/// the new link is built from.
struct Target {
    Host host = Host::kOther;
    std::string_view id;      ///< YouTube id or Vimeo number
    std::string_view hash;    ///< Vimeo unlisted hash
    std::string_view list;    ///< YouTube playlist kept on watch links
    std::string_view index;   ///< YouTube playlist position
    bool short_link = false;  ///< youtu.be
    bool nocookie = false;    ///< youtube-nocookie.com: clips stay there
};

Target target_on(Host host) {
    Target t;
    t.host = host;
    return t;
}

bool is_youtube_id(std::string_view id) { return id.size() == 11 && all_of(id, is_id_char); }

bool host_is(const std::string& host, std::string_view domain) {
    return host == domain || (host.size() > domain.size() && host.ends_with(domain) &&
                              host[host.size() - domain.size() - 1] == '.');
}

std::optional<Target> youtube_target(const Url& url) {
    Target t;
    t.host = Host::kYouTube;
    const auto segs = segments(url.path);
    const Params params = split_params(url.query);
    if (host_is(url.host, "youtu.be")) {
        if (segs.size() != 1 || !is_youtube_id(segs[0])) return std::nullopt;
        t.id = segs[0];
        t.short_link = true;
    } else if (host_is(url.host, "youtube.com") || host_is(url.host, "youtube-nocookie.com")) {
        t.nocookie = host_is(url.host, "youtube-nocookie.com");
        if (segs.size() == 1 && iequals(segs[0], "watch")) {
            t.id = param_value(params, "v").value_or("");
        } else if (segs.size() == 2 && (iequals(segs[0], "embed") || iequals(segs[0], "v") ||
                                        iequals(segs[0], "shorts") || iequals(segs[0], "live") ||
                                        iequals(segs[0], "e") || iequals(segs[0], "watch"))) {
            t.id = segs[1];
        }
        if (!is_youtube_id(t.id)) return std::nullopt;
    } else {
        return std::nullopt;
    }
    const std::string_view list = param_value(params, "list").value_or("");
    if (!list.empty() && list.size() <= 64 && all_of(list, is_id_char)) {
        t.list = list;
        const std::string_view index = param_value(params, "index").value_or("");
        if (!index.empty() && index.size() <= 6 && all_of(index, is_digit)) t.index = index;
    }
    return t;
}

std::optional<Target> vimeo_target(const Url& url) {
    if (!host_is(url.host, "vimeo.com")) return std::nullopt;
    Target t;
    t.host = Host::kVimeo;
    const auto segs = segments(url.path);
    auto number = [](std::string_view s) {
        return !s.empty() && s.size() <= 15 && all_of(s, is_digit);
    };
    auto hash = [](std::string_view s) {
        return s.size() >= 6 && s.size() <= 20 && all_of(s, is_hex);
    };
    if (url.host == "player.vimeo.com") {
        if (segs.size() != 2 || segs[0] != "video" || !number(segs[1])) return std::nullopt;
        t.id = segs[1];
        const std::string_view h = param_value(split_params(url.query), "h").value_or("");
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

std::optional<Target> archive_target(const Url& url) {
    if (url.host != "archive.org" && url.host != "www.archive.org") return std::nullopt;
    const auto segs = segments(url.path);
    if (segs.size() < 2 || (segs[0] != "details" && segs[0] != "embed")) return std::nullopt;
    return target_on(Host::kArchive);
}

bool is_peertube_id(std::string_view id) {
    return id.size() >= 16 && id.size() <= 40 &&
           all_of(id, [](char c) { return is_alnum(c) || c == '-'; });
}

std::optional<Target> peertube_target(const Url& url) {
    if (url.host.empty()) return std::nullopt;
    const auto segs = segments(url.path);
    const bool watch = (segs.size() == 3 && segs[0] == "videos" &&
                        (segs[1] == "watch" || segs[1] == "embed") && is_peertube_id(segs[2])) ||
                       (segs.size() == 2 && segs[0] == "w" && is_peertube_id(segs[1]));
    if (!watch) return std::nullopt;
    return target_on(Host::kPeerTube);
}

std::optional<Target> media_target(const Url& url) {
    if (url.host.empty()) return std::nullopt;
    const auto segs = segments(url.path);
    if (segs.empty()) return std::nullopt;
    const std::string_view file = segs.back();
    const std::size_t dot = file.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string_view ext = file.substr(dot + 1);
    for (std::string_view known : kMediaExtensions) {
        if (iequals(ext, known)) return target_on(Host::kMedia);
    }
    return std::nullopt;
}

Target classify(const Url& url) {
    for (auto classifier :
         {youtube_target, vimeo_target, archive_target, peertube_target, media_target}) {
        if (auto t = classifier(url)) return *t;
    }
    return Target{};
}

/// The offset `url` carries, for its host: query `t=` / `start=` and the
/// fragment's `t=`; for media files the fragment only (a query goes to the
/// server, which may have cut the file already). Malformed values count as 0.
std::int64_t offset_ms(const Url& url, Host host) {
    std::optional<std::string_view> value;
    if (host != Host::kMedia) {
        const Params params = split_params(url.query);
        value = param_value(params, "t");
        if (!value) value = param_value(params, "start");
    }
    if (!value && url.fragment) {
        // "#t=754", "#t=754,760", "#t=10&xywh=..." (media fragments join with '&').
        value = param_value(split_params(url.fragment), "t");
    }
    if (!value) return 0;
    return parse_time_ms(*value).value_or(0);
}

JumpLink build(const Url& url, const Target& t, std::int64_t at_ms,
               std::optional<std::int64_t> end_ms) {
    const std::int64_t offset = offset_ms(url, t.host);
    const std::int64_t start_s = saturating_add(std::max<std::int64_t>(at_ms, 0), offset) / 1000;
    std::optional<std::int64_t> end_s;
    if (end_ms) {
        end_s = std::max(saturating_add(std::max<std::int64_t>(*end_ms, 0), offset) / 1000,
                         start_s + 1);
    }
    const std::string start = std::to_string(start_s);
    const std::string end = end_s ? std::to_string(*end_s) : std::string();

    JumpLink link;
    link.host = std::string(host_name(t.host));
    const Params params = split_params(url.query);
    // Rebuilt in place (archive.org, PeerTube, media): the input up to the path.
    std::string in_place = std::string(url.add_scheme) + std::string(url.head);

    switch (t.host) {
        case Host::kYouTube: {
            std::string playlist;
            if (!t.list.empty()) {
                playlist = "list=" + std::string(t.list);
                if (!t.index.empty()) playlist += "&index=" + std::string(t.index);
            }
            if (t.short_link) {
                link.url = "https://youtu.be/" + std::string(t.id) + "?" +
                           (playlist.empty() ? "" : playlist + "&") + "t=" + start;
            } else {
                link.url = "https://www.youtube.com/watch?v=" + std::string(t.id) +
                           (playlist.empty() ? "" : "&" + playlist) + "&t=" + start + "s";
            }
            if (end_s) {
                link.clip_url = std::string(t.nocookie ? "https://www.youtube-nocookie.com"
                                                       : "https://www.youtube.com") +
                                "/embed/" + std::string(t.id) + "?start=" + start + "&end=" + end;
            }
            break;
        }
        case Host::kVimeo:
            link.url = "https://vimeo.com/" + std::string(t.id) +
                       (t.hash.empty() ? "" : "/" + std::string(t.hash)) + "#t=" + start + "s";
            break;
        case Host::kArchive: {
            const std::string kept = join_without(params, {"start", "end", "t"});
            const std::string base = in_place + "?" + (kept.empty() ? "" : kept + "&");
            link.url = base + "start=" + start;
            if (end_s) link.clip_url = base + "start=" + start + "&end=" + end;
            break;
        }
        case Host::kPeerTube: {
            const std::string kept = join_without(params, {"start", "stop", "t"});
            const std::string base = in_place + "?" + (kept.empty() ? "" : kept + "&");
            link.url = base + "start=" + peertube_time(start_s);
            if (end_s) link.clip_url = link.url + "&stop=" + peertube_time(*end_s);
            break;
        }
        case Host::kMedia: {
            std::string base = in_place;
            if (url.query) base += "?" + std::string(*url.query);
            link.url = base + "#t=" + start;
            if (end_s) link.clip_url = base + "#t=" + start + "," + end;
            break;
        }
        case Host::kOther:
            link.url = std::string(url.text);
            link.time_text = "at " + format_clock(start_s * 1000);
            break;
    }
    return link;
}

}  // namespace

JumpLink make_jump_link(std::string_view video_url, std::int64_t at_ms,
                        std::optional<std::int64_t> end_ms) {
    const std::optional<Url> url = parse_url(video_url);
    if (!url) {
        JumpLink empty;
        empty.host = "other";
        empty.time_text = "at " + format_clock(at_ms);
        return empty;
    }
    return build(*url, classify(*url), at_ms, end_ms);
}

std::int64_t start_offset_ms(std::string_view video_url) {
    const std::optional<Url> url = parse_url(video_url);
    if (!url) return 0;
    return offset_ms(*url, classify(*url).host);
}

std::string format_clock(std::int64_t ms) {
    const std::int64_t total = std::max<std::int64_t>(ms, 0) / 1000;
    const std::int64_t h = total / 3600;
    const std::int64_t m = total / 60 % 60;
    const std::int64_t s = total % 60;
    auto two = [](std::int64_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    if (h > 0) return std::to_string(h) + ":" + two(m) + ":" + two(s);
    return std::to_string(m) + ":" + two(s);
}

}  // namespace talksearch

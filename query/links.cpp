// Jump links: the start offset a video URL carries, and the link that opens
// it at a moment. Pure string work: nothing is fetched, nothing is
// percent-decoded or -encoded, and every character of a link is either the
// input's or one this file adds. Which host a URL is on, and its parts, come
// from core/video_url.h.
//
// What each host's link gets:
//   YouTube: `watch?v=ID&t=754s` or `youtu.be/ID?t=754`;
//   archive.org: `?start=754`;
//   media files: the `#t=754` media fragment, the query untouched;
//   Vimeo: `#t=754s`;
//   PeerTube: `?start=12m34s`;
//   anything else (replay.teltek.es, blip.tv, video.google.com, twitter.com,
//     python.nz: 24 in the catalogue): the URL unchanged, with "at 12:34".
// Four catalogue URLs carry a start offset (`&t=7047`, `&t=3h33m23s`, `&t=1239`,
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

#include "core/text.h"
#include "core/video_url.h"

namespace talksearch {
namespace {

using Params = std::vector<std::string_view>;

/// Offsets beyond this many seconds (about three years) are taken as malformed.
constexpr std::int64_t kMaxOffsetSeconds = 100'000'000;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    if (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) {
        return std::numeric_limits<std::int64_t>::max();
    }
    return a + b;
}

/// `params` less those named in `drop`, joined with '&'.
std::string join_without(const Params& params, std::initializer_list<std::string_view> drop) {
    std::string out;
    for (std::string_view p : params) {
        if (std::find(drop.begin(), drop.end(), url_param_name(p)) != drop.end()) continue;
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
    while (n < s.size() && is_ascii_digit(s[n])) ++n;
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
    while (n < s.size() && is_ascii_digit(s[n])) {
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
    if (v.size() >= 4 && ascii_lower(v.substr(0, 4)) == "npt:") v.remove_prefix(4);
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
                if (v.size() == 1 && (v[0] == 's' || v[0] == 'S')) v.remove_prefix(1);
                if (!v.empty()) return std::nullopt;
                seconds += *number;
                break;
            }
            const char unit = ascii_lower(v.substr(0, 1))[0];
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

/// The offset `url` carries, for its host: query `t=` / `start=` and the
/// fragment's `t=`; for media files the fragment only (a query goes to the
/// server, which may have cut the file already). Malformed values count as 0.
std::int64_t offset_ms(const UrlParts& url, VideoHost host) {
    std::optional<std::string_view> value;
    if (host != VideoHost::kMedia) {
        const Params params = url_params(url.query);
        value = url_param(params, "t");
        if (!value) value = url_param(params, "start");
    }
    if (!value && url.fragment) {
        // "#t=754", "#t=754,760", "#t=10&xywh=..." (media fragments join with '&').
        value = url_param(url_params(url.fragment), "t");
    }
    if (!value) return 0;
    return parse_time_ms(*value).value_or(0);
}

JumpLink build(const UrlParts& url, const VideoTarget& t, std::int64_t at_ms,
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
    link.host = std::string(video_host_name(t.host));
    const Params params = url_params(url.query);
    // Rebuilt in place (archive.org, PeerTube, media): the input up to the path.
    std::string in_place = std::string(url.add_scheme) + std::string(url.head);

    switch (t.host) {
        case VideoHost::kYouTube: {
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
        case VideoHost::kVimeo:
            link.url = "https://vimeo.com/" + std::string(t.id) +
                       (t.hash.empty() ? "" : "/" + std::string(t.hash)) + "#t=" + start + "s";
            break;
        case VideoHost::kArchive: {
            const std::string kept = join_without(params, {"start", "end", "t"});
            const std::string base = in_place + "?" + (kept.empty() ? "" : kept + "&");
            link.url = base + "start=" + start;
            if (end_s) link.clip_url = base + "start=" + start + "&end=" + end;
            break;
        }
        case VideoHost::kPeerTube: {
            const std::string kept = join_without(params, {"start", "stop", "t"});
            const std::string base = in_place + "?" + (kept.empty() ? "" : kept + "&");
            link.url = base + "start=" + peertube_time(start_s);
            if (end_s) link.clip_url = link.url + "&stop=" + peertube_time(*end_s);
            break;
        }
        case VideoHost::kMedia: {
            std::string base = in_place;
            if (url.query) base += "?" + std::string(*url.query);
            link.url = base + "#t=" + start;
            if (end_s) link.clip_url = base + "#t=" + start + "," + end;
            break;
        }
        case VideoHost::kOther:
            link.url = std::string(url.text);
            link.time_text = "at " + format_clock(start_s * 1000);
            break;
    }
    return link;
}

}  // namespace

JumpLink make_jump_link(std::string_view video_url, std::int64_t at_ms,
                        std::optional<std::int64_t> end_ms) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url) {
        JumpLink empty;
        empty.host = "other";
        empty.time_text = "at " + format_clock(at_ms);
        return empty;
    }
    return build(*url, classify_video_url(*url), at_ms, end_ms);
}

std::int64_t start_offset_ms(std::string_view video_url) {
    const std::optional<UrlParts> url = split_url(video_url);
    if (!url) return 0;
    return offset_ms(*url, classify_video_url(*url).host);
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

// TTML time expressions. Arithmetic is in double milliseconds, rounded once
// at the end, so that frames and ticks (1/30 s, 1/10,000,000 s) lose no
// precision on the way.
#include "indexer/captions/ttml_time.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "core/cue.h"
#include "core/text.h"
#include "indexer/captions/xml_tokenizer.h"

namespace talksearch {

namespace {

// `digits` or `digits.digits` (TTML's time-count with its fraction), nothing else.
std::optional<double> decimal_count(std::string_view s) {
    const std::size_t dot = s.find('.');
    if (!all_ascii_digits(s.substr(0, dot))) return std::nullopt;
    if (dot != std::string_view::npos && !all_ascii_digits(s.substr(dot + 1))) return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// Exactly two digits, at most `max`: the minutes or seconds of a clock time.
std::optional<double> two_digits(std::string_view s, int max) {
    if (s.size() != 2 || !all_ascii_digits(s)) return std::nullopt;
    const int v = (s[0] - '0') * 10 + (s[1] - '0');
    if (v > max) return std::nullopt;
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t from = 0;
    for (std::size_t at = s.find(sep); at != std::string_view::npos; at = s.find(sep, from)) {
        parts.push_back(s.substr(from, at - from));
        from = at + 1;
    }
    parts.push_back(s.substr(from));
    return parts;
}

// The seconds of a clock time: two digits, up to 60 (a leap second), and a
// fraction when no frames follow.
std::optional<double> clock_seconds(std::string_view s, bool fraction_allowed) {
    const std::size_t dot = s.find('.');
    if (dot != std::string_view::npos && !fraction_allowed) return std::nullopt;
    const std::optional<double> whole = two_digits(s.substr(0, dot), 60);
    if (!whole || dot == std::string_view::npos) return whole;
    return all_ascii_digits(s.substr(dot + 1)) ? decimal_count(s) : std::nullopt;
}

// hours:minutes:seconds[.fraction] or hours:minutes:seconds:frames[.sub-frames].
// Hours take one digit too: the spec says two or more, converters write one.
std::optional<double> clock_time_ms(std::string_view s, const TtmlClock& clock) {
    const std::vector<std::string_view> parts = split(s, ':');
    if (parts.size() != 3 && parts.size() != 4) return std::nullopt;
    const std::optional<double> hours =
        all_ascii_digits(parts[0]) ? decimal_count(parts[0]) : std::nullopt;
    const std::optional<double> minutes = two_digits(parts[1], 59);
    const std::optional<double> seconds = clock_seconds(parts[2], parts.size() == 3);
    if (!hours || !minutes || !seconds) return std::nullopt;
    double ms = ((*hours * 60 + *minutes) * 60 + *seconds) * 1000;
    if (parts.size() == 4) {
        const std::vector<std::string_view> frames = split(parts[3], '.');
        if (frames.size() > 2 || !all_ascii_digits(frames[0])) return std::nullopt;
        if (frames.size() == 2 && !all_ascii_digits(frames[1])) return std::nullopt;
        // A digit string too long for a double is no count (decimal_count says so).
        const std::optional<double> whole = decimal_count(frames[0]);
        const std::optional<double> sub =
            frames.size() == 2 ? decimal_count(frames[1]) : std::optional<double>(0);
        if (!whole || !sub) return std::nullopt;
        ms += *whole * 1000 / clock.frame_rate;
        ms += *sub * 1000 / (clock.frame_rate * clock.sub_frame_rate);
    }
    return ms;
}

// A count and its metric: 1.5h, 2m, 62.5s, 250ms, 90f, 10000000t.
std::optional<double> offset_time_ms(std::string_view s, const TtmlClock& clock) {
    double unit_ms = 0;
    std::size_t metric = 1;
    if (s.ends_with("ms")) {
        unit_ms = 1;
        metric = 2;
    } else if (s.ends_with('h')) {
        unit_ms = 3'600'000;
    } else if (s.ends_with('m')) {
        unit_ms = 60'000;
    } else if (s.ends_with('s')) {
        unit_ms = 1000;
    } else if (s.ends_with('f')) {
        unit_ms = 1000 / clock.frame_rate;
    } else if (s.ends_with('t')) {
        unit_ms = 1000 / clock.tick_rate;
    } else {
        return std::nullopt;
    }
    const std::optional<double> count = decimal_count(s.substr(0, s.size() - metric));
    if (!count) return std::nullopt;
    return *count * unit_ms;
}

// A parameter that must be a positive number, or nullopt.
std::optional<double> positive(std::string_view root_attrs, std::string_view local) {
    const std::optional<std::string> value = xml_attribute_local(root_attrs, local);
    if (!value) return std::nullopt;
    const std::optional<double> v = decimal_count(trim(*value));
    if (!v || *v <= 0) return std::nullopt;
    return v;
}

// ttp:frameRateMultiplier: "numerator denominator", both positive integers.
double frame_rate_multiplier(std::string_view root_attrs) {
    const std::optional<std::string> value = xml_attribute_local(root_attrs, "frameRateMultiplier");
    if (!value) return 1;
    const std::string fields = collapse_whitespace(*value);
    const std::vector<std::string_view> parts = split(fields, ' ');
    if (parts.size() != 2 || !all_ascii_digits(parts[0]) || !all_ascii_digits(parts[1])) return 1;
    const std::optional<double> numerator = decimal_count(parts[0]);
    const std::optional<double> denominator = decimal_count(parts[1]);
    if (!numerator || !denominator) return 1;
    return *numerator > 0 && *denominator > 0 ? *numerator / *denominator : 1;
}

}  // namespace

TtmlClock ttml_clock(std::string_view root_attrs) {
    TtmlClock clock;
    const std::optional<double> frame_rate = positive(root_attrs, "frameRate");
    clock.frame_rate = frame_rate.value_or(30) * frame_rate_multiplier(root_attrs);
    clock.sub_frame_rate = positive(root_attrs, "subFrameRate").value_or(1);
    const std::optional<double> tick_rate = positive(root_attrs, "tickRate");
    if (tick_rate) {
        clock.tick_rate = *tick_rate;
    } else if (frame_rate) {
        clock.tick_rate = clock.frame_rate * clock.sub_frame_rate;
    }
    return clock;
}

std::optional<std::int64_t> parse_ttml_time(std::string_view text, const TtmlClock& clock) {
    const std::string_view s = trim(text);
    if (s.empty()) return std::nullopt;
    const std::optional<double> ms =
        s.find(':') != std::string_view::npos ? clock_time_ms(s, clock) : offset_time_ms(s, clock);
    if (!ms || !std::isfinite(*ms) || *ms > static_cast<double>(kMaxCaptionMs)) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*ms));
}

}  // namespace talksearch

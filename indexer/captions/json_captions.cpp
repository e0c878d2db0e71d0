// Caption formats that are JSON: YouTube json3, OpenAI Whisper's output and
// whisper.cpp's.
//
// All are parsed whole with simdjson's DOM API (caption files are small).
// JSON has no useful line numbers, so warnings carry line 0 and name the
// element instead (`events[12]`, `segments[3]`). Text is plain in all
// formats (no tags to strip), with NUL made U+FFFD like every other parser
// does. json3 text may hold HTML-escaped characters (`&#39;`, `&amp;`): its
// complete character references are decoded, a bare '&' is kept.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cue.h"
#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

namespace dom = simdjson::dom;

// How many events or segments the sniffer looks at for a caption's fields.
constexpr std::size_t kSniffItems = 16;

constexpr double kMaxMs = static_cast<double>(kMaxCaptionMs);

// Parses `text` (a UTF-8 BOM skipped) into `root`. Invalid UTF-8 is replaced
// by U+FFFD first (simdjson refuses it). Returns simdjson's error, if any.
simdjson::error_code parse_json(dom::parser& parser, std::string_view text, dom::element& root) {
    text = without_utf8_bom(text);
    const simdjson::padded_string padded(text);
    simdjson::error_code error = parser.parse(padded).get(root);
    if (error == simdjson::UTF8_ERROR) {
        const simdjson::padded_string repaired(sanitize_utf8(text));
        error = parser.parse(repaired).get(root);
    }
    return error;
}

// The array under `key` in the root object of a caption JSON file (kept in
// `parser`), or ParseError naming the format.
dom::array root_array(dom::parser& parser, std::string_view text, std::string_view format,
                      std::string_view key) {
    const std::string not_a = "not a " + std::string(format) + " file: ";
    dom::element root;
    if (const auto error = parse_json(parser, text, root)) {
        throw ParseError(0, not_a + "invalid JSON: " + simdjson::error_message(error));
    }
    dom::object object;
    if (root.get_object().get(object)) throw ParseError(0, not_a + "the JSON is not an object");
    dom::array items;
    if (object[key].get_array().get(items)) {
        throw ParseError(0, not_a + "no \"" + std::string(key) + "\" array");
    }
    return items;
}

std::optional<double> number(dom::element e) {
    double d = 0;
    if (e.get_double().get(d) != simdjson::SUCCESS || !std::isfinite(d)) return std::nullopt;
    return d;
}

// A field that is a number of milliseconds (json3), or nullopt.
std::optional<std::int64_t> ms_field(dom::object object, std::string_view key) {
    dom::element e;
    if (object[key].get(e)) return std::nullopt;
    const std::optional<double> v = number(e);
    if (!v || std::fabs(*v) > kMaxMs) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*v));
}

// A field that is a number of seconds (Whisper), in milliseconds, or nullopt.
std::optional<std::int64_t> seconds_field(dom::object object, std::string_view key) {
    dom::element e;
    if (object[key].get(e)) return std::nullopt;
    const std::optional<double> v = number(e);
    if (!v || std::fabs(*v) * 1000 > kMaxMs) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*v * 1000));
}

bool has_key(dom::object object, std::string_view key) {
    dom::element e;
    return object[key].get(e) == simdjson::SUCCESS;
}

// A JSON string as caption text: NUL (from "\u0000") becomes U+FFFD.
std::string text_of(std::string_view s) {
    if (s.find('\0') == std::string_view::npos) return std::string(s);
    std::string out;
    out.reserve(s.size() + 2);
    for (char c : s) {
        if (c == '\0') {
            out += "\xEF\xBF\xBD";
        } else {
            out += c;
        }
    }
    return out;
}

std::string string_field(dom::object object, std::string_view key) {
    std::string_view s;
    if (object[key].get_string().get(s)) return {};
    return text_of(s);
}

void warn(Captions& out, std::string message) { out.warnings.push_back({0, std::move(message)}); }

// Gives `spoken` (a word or token of a speech recogniser's transcript) the
// time `start_ms` in `cue`. It is found in cue.text after the previous one
// (`cursor`, moved past it), so the offset is that of the text that gets
// indexed; one not found, or without a time, gets none.
void add_word_time(Cue& cue, std::size_t& cursor, std::string_view spoken,
                   std::optional<std::int64_t> start_ms) {
    const std::string_view key = trim(spoken);
    if (key.empty()) return;
    const std::size_t at = cue.text.find(key, cursor);
    if (at == std::string::npos) return;
    cursor = at + key.size();
    if (!start_ms) return;
    cue.words.push_back(
        {*start_ms, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(key.size())});
}

// True when some of the first events carry json3's start time.
bool looks_like_json3_events(dom::array events) {
    std::size_t n = 0;
    for (dom::element e : events) {
        dom::object event;
        if (!e.get_object().get(event) && has_key(event, "tStartMs")) return true;
        if (++n >= kSniffItems) break;
    }
    return false;
}

// True when some of the first segments of whisper.cpp's `transcription`
// carry its times.
bool looks_like_whisper_cpp_segments(dom::array segments) {
    std::size_t n = 0;
    for (dom::element e : segments) {
        dom::object segment;
        if (!e.get_object().get(segment) &&
            (has_key(segment, "offsets") || has_key(segment, "timestamps"))) {
            return true;
        }
        if (++n >= kSniffItems) break;
    }
    return false;
}

// Calls `read(object, where)` for each element of the array `key` that is an
// object, `where` naming it ("segments[3]"); warns of the others. Stops
// when `read` returns false.
template <typename Read>
void for_each_object(Captions& out, dom::array items, std::string_view key, Read read) {
    std::size_t index = 0;
    for (dom::element element : items) {
        const std::string where = std::string(key) + "[" + std::to_string(index++) + "]";
        dom::object object;
        if (element.get_object().get(object)) {
            warn(out, where + ": not an object, ignored");
        } else if (!read(object, where)) {
            return;
        }
    }
}

// A whisper.cpp time string, `HH:MM:SS,mmm` (as in SRT), in milliseconds.
std::optional<std::int64_t> whisper_cpp_timestamp(std::string_view s) {
    std::int64_t fields[4] = {};  // hours, minutes, seconds, milliseconds
    constexpr char kAfter[3] = {':', ':', ','};
    std::size_t i = 0;
    for (int k = 0; k < 4; ++k) {
        const std::size_t from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - from < 9) {
            fields[k] = fields[k] * 10 + (s[i++] - '0');
        }
        if (i == from || (k == 3 && i - from != 3)) return std::nullopt;
        if (k < 3 && (i >= s.size() || s[i++] != kAfter[k])) return std::nullopt;
    }
    if (i != s.size() || fields[1] > 59 || fields[2] > 59) return std::nullopt;
    return ((fields[0] * 60 + fields[1]) * 60 + fields[2]) * 1000 + fields[3];
}

struct TimeSpan {
    std::int64_t from = 0;
    std::int64_t to = 0;
};

// The times of a whisper.cpp segment or token: `offsets` in ms, else the
// `timestamps` strings.
std::optional<TimeSpan> whisper_cpp_times(dom::object object) {
    dom::object offsets;
    if (!object["offsets"].get_object().get(offsets)) {
        const std::optional<std::int64_t> from = ms_field(offsets, "from");
        const std::optional<std::int64_t> to = ms_field(offsets, "to");
        if (from && to) return TimeSpan{*from, *to};
    }
    dom::object stamps;
    std::string_view from;
    std::string_view to;
    if (!object["timestamps"].get_object().get(stamps) && !stamps["from"].get_string().get(from) &&
        !stamps["to"].get_string().get(to)) {
        const std::optional<std::int64_t> from_ms = whisper_cpp_timestamp(from);
        const std::optional<std::int64_t> to_ms = whisper_cpp_timestamp(to);
        if (from_ms && to_ms) return TimeSpan{*from_ms, *to_ms};
    }
    return std::nullopt;
}

// A cue over `times` holding `text` as written (cut at the limit, with a
// warning naming `where`), no word times yet.
Cue text_cue(Captions& out, const CaptionLimits& limits, const std::string& where, TimeSpan times,
             std::string_view text) {
    Cue cue;
    cue.start_ms = times.from;
    cue.end_ms = times.to;
    if (!append_timed_text(cue, text, std::nullopt, limits.max_cue_text_bytes)) {
        warn_truncated(out, limits, 0, where);
    }
    cue.raw = cue.text;
    return cue;
}

// Word times from the `tokens` of whisper.cpp's full output (-ojf): each
// token is a timed piece of the text, a word or a part of one (" Americ",
// "ans"). Special tokens (`[_BEG_]`, `[_TT_150]`) are not text.
void add_token_times(Cue& cue, dom::object segment) {
    dom::array tokens;
    if (segment["tokens"].get_array().get(tokens)) return;
    std::size_t cursor = 0;
    for (dom::element e : tokens) {
        dom::object token;
        if (e.get_object().get(token)) continue;
        const std::string text = string_field(token, "text");
        if (text.starts_with("[_")) continue;
        const std::optional<TimeSpan> times = whisper_cpp_times(token);
        add_word_time(cue, cursor, text,
                      times ? std::optional<std::int64_t>(times->from) : std::nullopt);
    }
}

// True when some of the first segments carry Whisper's start time.
bool looks_like_whisper_segments(dom::array segments) {
    std::size_t n = 0;
    for (dom::element e : segments) {
        dom::object segment;
        if (!e.get_object().get(segment) && has_key(segment, "start") &&
            (has_key(segment, "end") || has_key(segment, "text"))) {
            return true;
        }
        if (++n >= kSniffItems) break;
    }
    return false;
}

}  // namespace

Sniffed sniff_json_captions(std::string_view text) {
    Sniffed sniffed;
    dom::parser parser;
    dom::element root;
    if (parse_json(parser, text, root)) {
        sniffed.what = "not valid JSON";
        return sniffed;
    }
    sniffed.structured = true;
    dom::object object;
    if (root.get_object().get(object)) {
        sniffed.what = "JSON that is not an object";
        return sniffed;
    }
    dom::array items;
    std::string_view magic;
    if (!object["events"].get_array().get(items) &&
        ((!object["wireMagic"].get_string().get(magic) && magic == "pb3") ||
         looks_like_json3_events(items))) {
        sniffed.format = CaptionFormat::kJson3;
        return sniffed;
    }
    std::string_view transcript;
    if (!object["segments"].get_array().get(items) &&
        (looks_like_whisper_segments(items) ||
         (items.size() == 0 && !object["text"].get_string().get(transcript)))) {
        sniffed.format = CaptionFormat::kWhisperJson;
        return sniffed;
    }
    if (!object["transcription"].get_array().get(items) &&
        (items.size() == 0 || looks_like_whisper_cpp_segments(items))) {
        sniffed.format = CaptionFormat::kWhisperCppJson;
        return sniffed;
    }
    if (has_key(object, "formats") || has_key(object, "extractor") ||
        has_key(object, "requested_subtitles")) {
        sniffed.what = "yt-dlp metadata (.info.json), not captions";
    } else {
        sniffed.what =
            "JSON without caption events (json3), segments (Whisper) or transcription "
            "(whisper.cpp)";
    }
    return sniffed;
}

Captions parse_json3(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kJson3;
    dom::parser parser;
    const dom::array events = root_array(parser, text, "json3", "events");

    struct Piece {
        std::string text;
        std::optional<std::int64_t> offset_ms;
    };
    std::vector<Piece> pieces;
    bool any_start = false;
    std::size_t index = 0;
    for (dom::element element : events) {
        const std::string where = "events[" + std::to_string(index++) + "]";
        dom::object event;
        if (element.get_object().get(event)) {
            warn(out, where + ": not an object, ignored");
            continue;
        }
        const std::optional<std::int64_t> start = ms_field(event, "tStartMs");
        any_start = any_start || has_key(event, "tStartMs");
        dom::array segs;
        // Window and style events have no segments: they are not cues.
        if (event["segs"].get_array().get(segs)) continue;
        pieces.clear();
        bool has_text = false;
        bool has_offsets = false;
        for (dom::element s : segs) {
            dom::object seg;
            if (s.get_object().get(seg)) continue;
            std::string_view utf8;
            if (seg["utf8"].get_string().get(utf8)) continue;
            // Complete character references are decoded (docs/DESIGN.md, "Entities").
            Piece piece{decode_html_entities(text_of(utf8), EntityRules::kStrict),
                        ms_field(seg, "tOffsetMs")};
            has_text = has_text || !trim(piece.text).empty();
            has_offsets = has_offsets || piece.offset_ms.has_value();
            pieces.push_back(std::move(piece));
        }
        // Appends ("\n" between the lines of auto-captions) are not cues.
        if (!has_text) continue;
        if (!start) {
            warn(out, where + ": no valid tStartMs, cue dropped");
            continue;
        }
        if (cue_limit_reached(out, limits, 0, where)) break;
        Cue cue;
        cue.start_ms = *start;
        cue.end_ms = *start + ms_field(event, "dDurationMs").value_or(0);
        bool complete = true;
        for (std::size_t k = 0; k < pieces.size(); ++k) {
            // The first segment of an auto-caption event has no offset: it is
            // said when the event starts.
            std::optional<std::int64_t> at;
            if (pieces[k].offset_ms) {
                at = *start + *pieces[k].offset_ms;
            } else if (has_offsets && k == 0) {
                at = *start;
            }
            complete =
                append_timed_text(cue, pieces[k].text, at, limits.max_cue_text_bytes) && complete;
        }
        cue.raw = cue.text;
        if (!complete) warn_truncated(out, limits, 0, where);
        out.cues.push_back(std::move(cue));
    }
    if (!any_start && events.size() > 0) {
        throw ParseError(0, "not a json3 file: no event has a \"tStartMs\" time");
    }
    return out;
}

Captions parse_whisper_json(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kWhisperJson;
    dom::parser parser;
    const dom::array segments = root_array(parser, text, "Whisper JSON", "segments");
    bool any_start = false;
    for_each_object(out, segments, "segments", [&](dom::object segment, const std::string& where) {
        any_start = any_start || has_key(segment, "start");
        const std::optional<std::int64_t> start = seconds_field(segment, "start");
        const std::optional<std::int64_t> end = seconds_field(segment, "end");
        if (!start || !end) {
            warn(out, where + ": no valid start and end times, segment dropped");
            return true;
        }
        if (cue_limit_reached(out, limits, 0, where)) return false;
        Cue cue = text_cue(out, limits, where, {*start, *end}, string_field(segment, "text"));
        std::int64_t id = 0;
        if (!segment["id"].get_int64().get(id)) cue.id = std::to_string(id);
        dom::array words;
        if (!segment["words"].get_array().get(words)) {
            std::size_t cursor = 0;
            for (dom::element w : words) {
                dom::object word;
                if (w.get_object().get(word)) continue;
                add_word_time(cue, cursor, string_field(word, "word"),
                              seconds_field(word, "start"));
            }
        }
        out.cues.push_back(std::move(cue));
        return true;
    });
    if (!any_start && segments.size() > 0) {
        throw ParseError(0, "not a Whisper JSON file: no segment has a \"start\" time");
    }
    return out;
}

Captions parse_whisper_cpp_json(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kWhisperCppJson;
    dom::parser parser;
    const dom::array segments = root_array(parser, text, "whisper.cpp JSON", "transcription");
    for_each_object(
        out, segments, "transcription", [&](dom::object segment, const std::string& where) {
            const std::optional<TimeSpan> times = whisper_cpp_times(segment);
            if (!times) {
                warn(out, where + ": no valid offsets or timestamps, segment dropped");
                return true;
            }
            if (cue_limit_reached(out, limits, 0, where)) return false;
            // The text starts with the space before its first word.
            Cue cue = text_cue(out, limits, where, *times, trim(string_field(segment, "text")));
            add_token_times(cue, segment);
            out.cues.push_back(std::move(cue));
            return true;
        });
    return out;
}

}  // namespace talksearch

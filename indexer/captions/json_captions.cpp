// Caption formats that are JSON: YouTube json3 and OpenAI Whisper's output.
//
// Both are parsed whole with simdjson's DOM API (caption files are small).
// JSON has no useful line numbers, so warnings carry line 0 and name the
// element instead (`events[12]`, `segments[3]`). Text is plain in both
// formats: it is taken as written (no tags to strip, no entities), with NUL
// made U+FFFD like every other parser does.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// How many events or segments the sniffer looks at for a caption's fields.
constexpr std::size_t kSniffItems = 16;

// Times beyond this (about 31,700 years) are refused: they cannot be real and
// they would overflow in later arithmetic.
constexpr double kMaxMs = 1e15;

// Parses `text` (a UTF-8 BOM skipped) into `root`. Invalid UTF-8 is replaced
// by U+FFFD first (simdjson refuses it). Returns simdjson's error, if any.
simdjson::error_code parse_json(dom::parser& parser, std::string_view text, dom::element& root) {
    if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
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
    if (has_key(object, "formats") || has_key(object, "extractor") ||
        has_key(object, "requested_subtitles")) {
        sniffed.what = "yt-dlp metadata (.info.json), not captions";
    } else {
        sniffed.what = "JSON without caption events (json3) or segments (Whisper)";
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
            Piece piece{text_of(utf8), ms_field(seg, "tOffsetMs")};
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
    std::size_t index = 0;
    for (dom::element element : segments) {
        const std::string where = "segments[" + std::to_string(index++) + "]";
        dom::object segment;
        if (element.get_object().get(segment)) {
            warn(out, where + ": not an object, ignored");
            continue;
        }
        any_start = any_start || has_key(segment, "start");
        const std::optional<std::int64_t> start = seconds_field(segment, "start");
        const std::optional<std::int64_t> end = seconds_field(segment, "end");
        if (!start || !end) {
            warn(out, where + ": no valid start and end times, segment dropped");
            continue;
        }
        if (cue_limit_reached(out, limits, 0, where)) break;
        Cue cue;
        cue.start_ms = *start;
        cue.end_ms = *end;
        std::int64_t id = 0;
        if (!segment["id"].get_int64().get(id)) cue.id = std::to_string(id);
        const std::string segment_text = string_field(segment, "text");
        const bool complete =
            append_timed_text(cue, segment_text, std::nullopt, limits.max_cue_text_bytes);
        cue.raw = cue.text;
        if (!complete) warn_truncated(out, limits, 0, where);

        // Each word is found in the segment's text after the previous one,
        // so the offsets are those of the text that gets indexed.
        dom::array words;
        if (!segment["words"].get_array().get(words)) {
            std::size_t cursor = 0;
            for (dom::element w : words) {
                dom::object word;
                if (w.get_object().get(word)) continue;
                const std::string spoken = string_field(word, "word");
                const std::string_view key = trim(spoken);
                if (key.empty()) continue;
                const std::size_t at = cue.text.find(key, cursor);
                if (at == std::string::npos) continue;
                cursor = at + key.size();
                const std::optional<std::int64_t> word_start = seconds_field(word, "start");
                if (!word_start) continue;
                cue.words.push_back({*word_start, static_cast<std::uint32_t>(at),
                                     static_cast<std::uint32_t>(key.size())});
            }
        }
        out.cues.push_back(std::move(cue));
    }
    if (!any_start && segments.size() > 0) {
        throw ParseError(0, "not a Whisper JSON file: no segment has a \"start\" time");
    }
    return out;
}

}  // namespace talksearch

// Caption format detection and dispatch.
#include "indexer/captions/captions.h"

#include <algorithm>
#include <string>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"

namespace talksearch {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// How many lines detect_caption_format looks at for an SRT timing line.
constexpr std::size_t kSniffLines = 30;
// How many bytes of a UTF-16 file are projected to ASCII for sniffing.
constexpr std::size_t kSniffUtf16Bytes = 8192;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Counts the ASCII digits at s[i], stepping over them.
std::size_t skip_digits(std::string_view s, std::size_t& i) {
    const std::size_t begin = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - begin;
}

// True when `line` starts with an SRT timing: `\d+:\d\d:\d\d[,.]\d+ *-->`.
bool is_srt_timing_line(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (skip_digits(line, i) == 0) return false;
    if (i >= line.size() || line[i++] != ':') return false;
    if (skip_digits(line, i) != 2) return false;
    if (i >= line.size() || line[i++] != ':') return false;
    if (skip_digits(line, i) != 2) return false;
    if (i >= line.size() || (line[i] != ',' && line[i] != '.')) return false;
    ++i;
    if (skip_digits(line, i) == 0) return false;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return line.substr(i, 3) == "-->";
}

// True when one of the first kSniffLines lines of `text` passes `is_timing`.
bool has_timing_line(std::string_view text, bool (*is_timing)(std::string_view)) {
    std::size_t pos = 0;
    for (std::size_t n = 0; n < kSniffLines && pos < text.size(); ++n) {
        std::size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        if (is_timing(text.substr(pos, end - pos))) return true;
        // CRLF counts as one line break.
        pos = end + ((end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ? 2 : 1);
    }
    return false;
}

bool has_srt_timing_line(std::string_view text) {
    return has_timing_line(text, is_srt_timing_line);
}

// The ASCII characters of the start of a UTF-16 text (BOM already removed),
// every other character as '?': enough to recognise an SRT timing line.
std::string project_utf16(std::string_view text, bool little_endian) {
    std::string out;
    const std::size_t n = std::min(text.size(), kSniffUtf16Bytes) / 2;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const auto lo = static_cast<unsigned char>(text[2 * k + (little_endian ? 0 : 1)]);
        const auto hi = static_cast<unsigned char>(text[2 * k + (little_endian ? 1 : 0)]);
        out += hi == 0 && lo < 0x80 ? static_cast<char>(lo) : '?';
    }
    return out;
}

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    const std::string_view tail = s.substr(s.size() - suffix.size());
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        char c = tail[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

// The first byte of `text` that is not whitespace, or 0.
char first_visible(std::string_view text) {
    const std::string_view t = trim(text);
    return t.empty() ? '\0' : t.front();
}

/// A format, or why there is none.
struct Detection {
    std::optional<CaptionFormat> format;
    std::string why_not;  ///< for the error message when there is no format
};

Detection detect(std::string_view text, std::string_view file_name) {
    const auto is = [&](std::string_view ext) { return ends_with_ignoring_case(file_name, ext); };
    std::string_view body = text;
    if (body.substr(0, kUtf8Bom.size()) == kUtf8Bom) body.remove_prefix(kUtf8Bom.size());
    if (body.substr(0, 6) == "WEBVTT" && (body.size() == 6 || body[6] == ' ' || body[6] == '\t' ||
                                          body[6] == '\n' || body[6] == '\r')) {
        return {CaptionFormat::kWebVtt, {}};
    }
    if (text.size() >= 2 && (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF")) {
        const bool little_endian = text[0] == '\xFF';
        if (has_srt_timing_line(project_utf16(text.substr(2), little_endian))) {
            return {CaptionFormat::kSrt, {}};
        }
    } else {
        // JSON and XML say what they are: JSON or XML that is not captions
        // (yt-dlp's .info.json, a manifest, TTML) is refused whatever its name.
        const char first = first_visible(body.substr(0, 4096));
        if (first == '{') {
            Sniffed sniffed = sniff_json_captions(body);
            if (sniffed.format) return {sniffed.format, {}};
            if (sniffed.structured) return {std::nullopt, std::move(sniffed.what)};
        } else if (first == '<') {
            Sniffed sniffed = sniff_xml_captions(body);
            if (sniffed.format) return {sniffed.format, {}};
            // A transcript may start with "<laughs>": a .txt file is XML only
            // when it says so.
            if (sniffed.structured && (!is(".txt") || trim(body).starts_with("<?xml"))) {
                return {std::nullopt, std::move(sniffed.what)};
            }
        }
        if (has_srt_timing_line(body)) return {CaptionFormat::kSrt, {}};
        if (has_timing_line(body, is_sbv_timing_line)) return {CaptionFormat::kSbv, {}};
    }
    if (is(".vtt")) return {CaptionFormat::kWebVtt, {}};
    if (is(".srt")) return {CaptionFormat::kSrt, {}};
    if (is(".sbv")) return {CaptionFormat::kSbv, {}};
    if (is(".json3")) return {CaptionFormat::kJson3, {}};
    if (is(".srv3")) return {CaptionFormat::kSrv3, {}};
    if (is(".txt")) return {CaptionFormat::kPlainText, {}};
    return {std::nullopt,
            "no WEBVTT signature, no caption JSON or XML, no SRT or SBV timing line in "
            "the first " +
                std::to_string(kSniffLines) +
                " lines and no caption file extension (.vtt .srt .sbv .json3 .srv3 "
                ".txt)"};
}

}  // namespace

std::optional<CaptionFormat> detect_caption_format(std::string_view text,
                                                   std::string_view file_name) {
    return detect(text, file_name).format;
}

Captions parse_captions(std::string_view text, std::string_view file_name,
                        const CaptionLimits& limits) {
    std::string_view body = text;
    if (body.substr(0, kUtf8Bom.size()) == kUtf8Bom) body.remove_prefix(kUtf8Bom.size());
    if (trim(body).empty()) {
        throw ParseError(
            0, text.empty() ? "empty file (0 bytes)" : "no text: the file holds only whitespace");
    }
    const Detection detection = detect(text, file_name);
    if (!detection.format) throw ParseError(0, "not a caption file: " + detection.why_not);
    switch (*detection.format) {
        case CaptionFormat::kWebVtt:
            return parse_webvtt(text, limits);
        case CaptionFormat::kSrt:
            return parse_srt(text, limits);
        case CaptionFormat::kJson3:
            return parse_json3(text, limits);
        case CaptionFormat::kSrv3:
            return parse_srv3(text, limits);
        case CaptionFormat::kTimedText:
            return parse_timedtext(text, limits);
        case CaptionFormat::kSbv:
            return parse_sbv(text, limits);
        case CaptionFormat::kWhisperJson:
            return parse_whisper_json(text, limits);
        case CaptionFormat::kPlainText:
            return parse_plain_text(text, limits);
    }
    return parse_webvtt(text, limits);  // unreachable: every format is handled above
}

}  // namespace talksearch

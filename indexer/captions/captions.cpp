// Caption format detection and dispatch, both read from the format table
// (formats.h).
#include "indexer/captions/captions.h"

#include <optional>
#include <string>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/formats.h"

namespace talksearch {

namespace {

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

// `text` in UTF-8: UTF-16 (with or without a byte order mark) is read in every
// format, transcoded here once; anything else is returned as it is.
std::string_view as_utf8(std::string_view text, std::string& storage, bool& was_utf16) {
    const std::optional<Utf16Layout> utf16 = detect_utf16(text);
    was_utf16 = utf16.has_value();
    if (!utf16) return text;
    storage = utf16_to_utf8(text.substr(utf16->bom_bytes), utf16->little_endian);
    return storage;
}

// The format whose extension names it ends `file_name`, or nullptr.
const CaptionFormatRow* format_by_name(std::string_view file_name) {
    for (const CaptionFormatRow& row : caption_formats()) {
        for (const CaptionExtension& ext : row.extensions) {
            if (ext.names_format && ends_with_ignoring_case(file_name, ext.suffix)) return &row;
        }
    }
    return nullptr;
}

// The first format whose sniffer at `stage` claims the content, or nullptr.
const CaptionFormatRow* format_by_content(const SniffInput& input, SniffStage stage) {
    for (const CaptionFormatRow& row : caption_formats()) {
        if (row.stage == stage && row.sniff != nullptr && row.sniff(input)) return &row;
    }
    return nullptr;
}

// ".vtt .srt ...": the extensions that name a format, for the error message.
std::string naming_extensions() {
    std::string out;
    for (const CaptionFormatRow& row : caption_formats()) {
        for (const CaptionExtension& ext : row.extensions) {
            if (!ext.names_format) continue;
            if (!out.empty()) out += ' ';
            out += ext.suffix;
        }
    }
    return out;
}

/// A format, or why there is none.
struct Detection {
    const CaptionFormatRow* row = nullptr;
    std::string why_not;  ///< for the error message when there is no format
};

Detection detect(std::string_view text, std::string_view file_name) {
    SniffInput input = make_sniff_input(text);
    if (const CaptionFormatRow* row = format_by_content(input, SniffStage::kSignature)) {
        return {row, {}};
    }
    const CaptionFormatRow* named = format_by_name(file_name);
    // JSON and XML say what they are: JSON or XML that is not captions
    // (yt-dlp's .info.json, a manifest, TTML) is refused whatever its name.
    if (input.json.structured) return {nullptr, std::move(input.json.what)};
    // A transcript may start with "<laughs>": a file named as an untimed
    // transcript (.txt) is XML only when it says so.
    if (input.xml.structured && (named == nullptr || caption_format_is_timed(named->format) ||
                                 trim(input.body).starts_with("<?xml"))) {
        return {nullptr, std::move(input.xml.what)};
    }
    if (const CaptionFormatRow* row = format_by_content(input, SniffStage::kTimingLine)) {
        return {row, {}};
    }
    if (named != nullptr) return {named, {}};
    return {nullptr,
            "no WEBVTT signature, no caption JSON or XML, no SRT or SBV timing line in "
            "the first " +
                std::to_string(kSniffLines) + " lines and no caption file extension (" +
                naming_extensions() + ")"};
}

}  // namespace

std::optional<CaptionFormat> detect_caption_format(std::string_view text,
                                                   std::string_view file_name) {
    std::string storage;
    bool utf16 = false;
    const Detection detection = detect(as_utf8(text, storage, utf16), file_name);
    if (detection.row == nullptr) return std::nullopt;
    return detection.row->format;
}

Captions parse_captions(std::string_view input, std::string_view file_name,
                        const CaptionLimits& limits) {
    std::string storage;
    bool utf16 = false;
    const std::string_view text = as_utf8(input, storage, utf16);
    std::string_view body = text;
    body = without_utf8_bom(body);
    if (trim(body).empty()) {
        throw ParseError(
            0, text.empty() ? "empty file (0 bytes)" : "no text: the file holds only whitespace");
    }
    const Detection detection = detect(text, file_name);
    if (detection.row == nullptr) throw ParseError(0, "not a caption file: " + detection.why_not);
    Captions captions = detection.row->parse(text, limits);
    if (utf16 && captions.format == CaptionFormat::kWebVtt) {
        captions.warnings.insert(captions.warnings.begin(),
                                 {1,
                                  "the file is UTF-16: read as such, but WebVTT players read "
                                  "UTF-8 only"});
    }
    return captions;
}

}  // namespace talksearch

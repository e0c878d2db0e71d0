// Sniffing: telling a caption format from the start of a file's content,
// and caption JSON and XML from other JSON and XML (yt-dlp metadata,
// manifests, schedules, HTML). Pure; used by detect_caption_format
// through the sniffers of the format table (formats.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/cue.h"

namespace talksearch {

/// How many lines of a file a sniffer looks at for a timing line.
inline constexpr std::size_t kSniffLines = 30;

/// What a JSON or XML text is, as far as caption detection cares.
struct Sniffed {
    bool structured = false;  ///< the text really is JSON (an object) or XML (a root element)
    std::optional<CaptionFormat> format;  ///< the caption format it holds, if any
    std::string what;  ///< when it holds none: what it is instead, for the error message
};

/// The content of a file as every sniffer wants it, worked out once. The
/// text is UTF-8: parse_captions transcodes UTF-16 before detection.
struct SniffInput {
    std::string_view text;  ///< the file as read
    std::string_view body;  ///< `text` less a UTF-8 byte order mark
    Sniffed json;           ///< sniff_json_captions(body) when body starts with '{'
    Sniffed xml;            ///< sniff_xml_captions(body) when body starts with '<'
};

/// Prepares `text` for the sniffers (the JSON or XML is parsed here, once).
SniffInput make_sniff_input(std::string_view text);

/// True when one of the first kSniffLines lines of `text` (CRLF, LF or CR
/// ended) passes `is_timing`.
bool has_timing_line(std::string_view text, bool (*is_timing)(std::string_view line));

/// True when `text` starts with the WebVTT signature: `WEBVTT` then the end,
/// a space, a tab or a line break.
bool has_webvtt_signature(std::string_view text);

/// Sniffs a JSON text (BOM already removed): json3 when the root object has
/// an `events` array whose events carry `tStartMs`, Whisper when it has a
/// `segments` array whose segments carry `start` (or an empty one beside a
/// `text` string), whisper.cpp when it has a `transcription` array. A yt-dlp
/// `.info.json` (`formats`, `extractor`) is named as such in `what`. Not
/// `structured` when the text does not parse as a JSON object.
Sniffed sniff_json_captions(std::string_view text);

/// Sniffs an XML text (BOM already removed) by its root element:
/// `<timedtext>` is srv3, `<transcript>` legacy timedtext, `<tt>` with any
/// prefix (`<tt:tt>`) TTML, whatever its namespace. `structured` when a root
/// element (or an `<?xml` declaration) was found.
Sniffed sniff_xml_captions(std::string_view text);

/// True when `line` starts with an SRT timing: `\d+:\d{2,3}:\d{2,3}[,.]\d+ *-->`
/// (stricter than parse_srt, which also reads `MM:SS` and no fraction).
bool is_srt_timing_line(std::string_view line);

/// True when `line` is an SBV timing line: `H:MM:SS.mmm,H:MM:SS.mmm` (1 to 3
/// fraction digits, any number of hour digits), blanks around it allowed.
bool is_sbv_timing_line(std::string_view line);

}  // namespace talksearch

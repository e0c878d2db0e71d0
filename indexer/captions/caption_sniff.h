// Telling caption JSON and XML from other JSON and XML (yt-dlp metadata,
// manifests, schedules, TTML, HTML). Pure; used by detect_caption_format.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/cue.h"

namespace talksearch {

/// What a JSON or XML text is, as far as caption detection cares.
struct Sniffed {
    bool structured = false;  ///< the text really is JSON (an object) or XML (a root element)
    std::optional<CaptionFormat> format;  ///< the caption format it holds, if any
    std::string what;  ///< when it holds none: what it is instead, for the error message
};

/// Sniffs a JSON text (BOM already removed): json3 when the root object has
/// an `events` array whose events carry `tStartMs`, Whisper when it has a
/// `segments` array whose segments carry `start` (or an empty one beside a
/// `text` string). A yt-dlp `.info.json` (`formats`, `extractor`) is named
/// as such in `what`. Not `structured` when the text does not parse as a
/// JSON object.
Sniffed sniff_json_captions(std::string_view text);

/// Sniffs an XML text (BOM already removed) by its root element:
/// `<timedtext>` is srv3, `<transcript>` legacy timedtext. `structured` when
/// a root element (or an `<?xml` declaration) was found.
Sniffed sniff_xml_captions(std::string_view text);

/// True when `line` is an SBV timing line: `H:MM:SS.mmm,H:MM:SS.mmm` (1 to 3
/// fraction digits, any number of hour digits), blanks around it allowed.
bool is_sbv_timing_line(std::string_view line);

}  // namespace talksearch

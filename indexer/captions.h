// Caption parsers: text in, cues out. Pure functions, no I/O.
//
// Every parser returns the cues in file order with `text` already reduced to
// plain text (see cue_text.h). Recoverable problems (a dropped cue, an over-
// long line) become warnings with a line number; a file that is not of the
// format at all throws ParseError.
#pragma once

#include <optional>
#include <string_view>

#include "core/cue.h"

namespace talksearch {

/// Limits that keep one hostile file from exhausting memory.
struct CaptionLimits {
    std::size_t max_cue_text_bytes = 64 * 1024;  ///< longer cue text is truncated (warning)
    std::size_t max_cues = 2'000'000;            ///< further cues are dropped (warning)
};

/// Parses WebVTT following the W3C WebVTT parser algorithm: BOM stripped,
/// CRLF/CR normalised, invalid UTF-8 and NUL become U+FFFD, cue settings,
/// NOTE/STYLE/REGION blocks ignored, a cue with a bad timing line dropped.
/// Throws ParseError (line 1) when the signature is not `WEBVTT`.
Captions parse_webvtt(std::string_view text, const CaptionLimits& limits = {});

/// Parses SubRip as real files hold it: BOM (UTF-8, and UTF-16 transcoded),
/// CRLF or lone CR, a missing or non-numeric index line (cue kept), `.` or `,`
/// before the milliseconds, 1-digit hours, trailing `X1:` coordinates, extra
/// or missing blank lines, multi-line cues, `<i>`/`<font>` tags and `{\an8}`.
/// Throws ParseError when the file holds no timing line at all.
Captions parse_srt(std::string_view text, const CaptionLimits& limits = {});

/// Guesses the format from the content (a `WEBVTT` signature, else an SRT
/// timing line in the first lines); falls back to the file name's extension
/// (`.vtt`, `.srt`) when given. Returns nullopt when neither tells.
std::optional<CaptionFormat> detect_caption_format(std::string_view text,
                                                   std::string_view file_name = {});

/// Detects the format and parses. Throws ParseError when the format is not
/// recognised or the parser rejects the file.
Captions parse_captions(std::string_view text, std::string_view file_name = {},
                        const CaptionLimits& limits = {});

/// The name of a format as used in output and in the index ("vtt", "srt").
std::string_view caption_format_name(CaptionFormat format);

}  // namespace talksearch

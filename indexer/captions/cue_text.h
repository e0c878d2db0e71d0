// Cue payload -> plain text, shared by every caption format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cue.h"

namespace talksearch {

/// A WebVTT timestamp tag (`<00:05:04.199>`) met in a cue payload: the byte
/// offset in CueText::text where it stood and the time it names.
struct InlineTime {
    std::size_t offset = 0;
    std::int64_t ms = 0;
};

/// The plain text of a cue and the voice that speaks it.
struct CueText {
    std::string text;               ///< tags removed, entities decoded, lines joined by '\n'
    std::string speaker;            ///< the annotation of the first `<v Name>` span, trimmed
    std::vector<InlineTime> times;  ///< the timestamp tags, in payload order
};

/// Reduces a WebVTT cue payload to plain text following the WebVTT cue text
/// parsing rules: `<b> <i> <u> <c.cls> <lang> <ruby> <rt> <v>` and inline
/// timestamps `<00:01.000>` are removed (text inside kept), entities decoded,
/// `<v Name>`'s annotation kept as `speaker`, not as text, and the
/// timestamps kept in `times`. Also removes the tags that SRT files carry
/// (`<font ...>`, `</font>`, `<i>`) and ASS override blocks such as `{\an8}`.
CueText parse_cue_text(std::string_view payload);

/// Word times from a cue's inline timestamps: the text before the first
/// timestamp is said at `cue_start_ms`, the text after each timestamp at its
/// time. Each stretch with a non-whitespace byte gives one WordTime (its
/// whitespace trimmed); stretches past the end of `text` are dropped. Empty
/// when `times` is. Example: "this<00:05:04.199> will" from 304080 ms gives
/// {304080, 0, 4} and {304199, 5, 4}.
std::vector<WordTime> inline_word_times(std::string_view text, std::int64_t cue_start_ms,
                                        const std::vector<InlineTime>& times);

/// The text of a caption file as the line-based parsers want it: one UTF-8
/// BOM removed, invalid UTF-8 and NUL as U+FFFD, CRLF and lone CR as LF.
/// Returns `text` (less the BOM) when nothing else changes, else a view of
/// `storage`.
std::string_view normalize_caption_input(std::string_view text, std::string& storage);

/// The longest prefix of `text` (valid UTF-8) that has at most `max_bytes`
/// bytes and does not split a character.
std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes);

/// Appends `piece` to `cue.text`, keeping the text within `max_bytes` (cut at
/// a character boundary). When `start_ms` is given and the appended part has
/// a non-whitespace byte, also records a WordTime for it (whitespace at both
/// ends excluded). Returns false when the piece had to be cut or dropped.
bool append_timed_text(Cue& cue, std::string_view piece, std::optional<std::int64_t> start_ms,
                       std::size_t max_bytes);

}  // namespace talksearch

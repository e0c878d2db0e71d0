// Cue payload -> plain text, shared by every caption format.
#pragma once

#include <string>
#include <string_view>

namespace talksearch {

/// The plain text of a cue and the voice that speaks it.
struct CueText {
    std::string text;     ///< tags removed, entities decoded, lines joined by '\n'
    std::string speaker;  ///< the annotation of the first `<v Name>` span, trimmed
};

/// Reduces a WebVTT cue payload to plain text following the WebVTT cue text
/// parsing rules: `<b> <i> <u> <c.cls> <lang> <ruby> <rt> <v>` and inline
/// timestamps `<00:01.000>` are removed (text inside kept), entities decoded,
/// `<v Name>`'s annotation kept as `speaker`, not as text. Also removes the
/// tags that SRT files carry (`<font ...>`, `</font>`, `<i>`) and ASS override
/// blocks such as `{\an8}`.
CueText parse_cue_text(std::string_view payload);

}  // namespace talksearch

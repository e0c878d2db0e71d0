// Cue payload -> plain text: the tokenizer of the WebVTT "cue text parsing
// rules" (https://www.w3.org/TR/webvtt1/#cue-text-parsing-rules), keeping the
// text tokens and the first voice annotation and dropping every tag.
//
// Only plain text matters for search, so no node tree is built: the text of a
// cue is the concatenation of its text tokens whatever the tags around them
// (unknown tags, <rt> outside <ruby> and mismatched end tags are ignored by the
// spec, but their text is kept). Malformed tags are consumed exactly as the
// spec's tokenizer consumes them: `<c It's` with no `>` swallows the rest of
// the cue as an annotation.
#include "indexer/cue_text.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/text.h"

namespace talksearch {

namespace {

// The tokenizer's whitespace (the spec's tab, LF, FF, space; CR as well, for
// SRT payloads that reach us with CRLF still in them).
bool is_tag_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Where a tag that starts at `text[i]` (just after its '<') ends: one past its
// '>' or the end of the payload. Fills `name` and `annotation` (raw, with
// entities still encoded) for start tags; leaves them empty for end tags and
// timestamp tags.
std::size_t scan_tag(std::string_view text, std::size_t i, std::string_view& name,
                     std::string_view& annotation) {
    name = {};
    annotation = {};
    const std::size_t n = text.size();
    if (i >= n) return n;
    const char first = text[i];
    if (first == '/' || is_ascii_digit(first)) {
        // End tag or timestamp tag: everything up to '>' or the end.
        const std::size_t gt = text.find('>', i);
        return gt == std::string_view::npos ? n : gt + 1;
    }
    // Start tag state: the name runs to whitespace, '.', '>' or the end.
    const std::size_t name_begin = i;
    while (i < n && text[i] != '>' && text[i] != '.' && !is_tag_space(text[i])) ++i;
    name = text.substr(name_begin, i - name_begin);
    if (i < n && text[i] == '.') {
        // Start tag class state: classes run to whitespace, '>' or the end.
        while (i < n && text[i] != '>' && !is_tag_space(text[i])) ++i;
    }
    if (i < n && is_tag_space(text[i])) {
        // Start tag annotation state: everything up to '>' or the end.
        const std::size_t annotation_begin = i + 1;
        const std::size_t gt = text.find('>', annotation_begin);
        const std::size_t annotation_end = gt == std::string_view::npos ? n : gt;
        annotation = text.substr(annotation_begin, annotation_end - annotation_begin);
        return gt == std::string_view::npos ? n : gt + 1;
    }
    return i < n ? i + 1 : n;  // at '>' or at the end
}

// The end of an ASS override block (`{\an8}`, `{\i1}`) that starts at
// `text[i]`, one past its '}'; `i` when there is none on this line.
std::size_t skip_ass_override(std::string_view text, std::size_t i) {
    if (i + 1 >= text.size() || text[i + 1] != '\\') return i;
    for (std::size_t k = i + 2; k < text.size(); ++k) {
        if (text[k] == '}') return k + 1;
        if (text[k] == '\n') break;
    }
    return i;
}

bool is_special(char c) { return c == '<' || c == '&' || c == '{'; }

// True when one of the eight bytes of `word` is zero.
constexpr bool has_zero_byte(std::uint64_t word) {
    return ((word - 0x0101010101010101ULL) & ~word & 0x8080808080808080ULL) != 0;
}

// The position of the next '<', '&' or '{' at or after `i`, or the size.
// Most cue text has none, so it skips eight bytes at a time (and avoids
// string_view::find_first_of, which calls memchr once per byte).
std::size_t next_special(std::string_view text, std::size_t i) {
    constexpr std::uint64_t kLt = 0x3C3C3C3C3C3C3C3CULL;     // '<'
    constexpr std::uint64_t kAmp = 0x2626262626262626ULL;    // '&'
    constexpr std::uint64_t kBrace = 0x7B7B7B7B7B7B7B7BULL;  // '{'
    const std::size_t n = text.size();
    while (i + 8 <= n) {
        std::uint64_t word;
        std::memcpy(&word, text.data() + i, sizeof word);
        if (has_zero_byte(word ^ kLt) || has_zero_byte(word ^ kAmp) ||
            has_zero_byte(word ^ kBrace)) {
            break;
        }
        i += 8;
    }
    while (i < n && !is_special(text[i])) ++i;
    return i;
}

}  // namespace

CueText parse_cue_text(std::string_view payload) {
    CueText result;
    const std::size_t n = payload.size();
    std::size_t i = next_special(payload, 0);
    if (i == n) {
        result.text.assign(payload);
        return result;
    }
    result.text.reserve(n);
    result.text.append(payload.substr(0, i));
    bool have_speaker = false;
    while (i < n) {
        const char c = payload[i];
        if (c == '<') {
            std::string_view name;
            std::string_view annotation;
            i = scan_tag(payload, i + 1, name, annotation);
            if (!have_speaker && name == "v" && !annotation.empty()) {
                result.speaker = collapse_whitespace(decode_html_entities(annotation));
                have_speaker = !result.speaker.empty();
            }
            continue;
        }
        if (c == '&') {
            // Named references need their ';', as in vtt.js: "&lt " stays as written.
            const std::size_t used = decode_one_entity(payload.substr(i), result.text);
            if (used > 0) {
                i += used;
            } else {
                result.text += '&';
                ++i;
            }
            continue;
        }
        if (c == '{') {
            const std::size_t end = skip_ass_override(payload, i);
            if (end != i) {
                i = end;
                continue;
            }
            result.text += '{';
            ++i;
            continue;
        }
        const std::size_t stop = next_special(payload, i);
        result.text.append(payload.substr(i, stop - i));
        i = stop;
    }
    return result;
}

}  // namespace talksearch

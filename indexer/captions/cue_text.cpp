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
#include "indexer/captions/cue_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.h"

namespace talksearch {

namespace {

// The tokenizer's whitespace (the spec's tab, LF, FF, space; CR as well, for
// SRT payloads that reach us with CRLF still in them).
bool is_tag_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

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

// Reads the digits at s[i] into `value` (at most 9 of them, so it cannot
// overflow); returns how many there were.
std::size_t read_digits(std::string_view s, std::size_t& i, std::int64_t& value) {
    const std::size_t begin = i;
    value = 0;
    while (i < s.size() && is_ascii_digit(s[i])) {
        if (i - begin < 9) value = value * 10 + (s[i] - '0');
        ++i;
    }
    return i - begin;
}

// A WebVTT timestamp, `[h+:]mm:ss.ttt`, as the whole of `s`; nullopt when
// `s` is not one (the spec ignores such a tag).
std::optional<std::int64_t> parse_timestamp(std::string_view s) {
    std::size_t i = 0;
    std::int64_t first = 0;
    std::int64_t second = 0;
    std::int64_t third = 0;
    std::int64_t millis = 0;
    const std::size_t first_digits = read_digits(s, i, first);
    if (first_digits == 0 || first_digits > 9 || i >= s.size() || s[i++] != ':') {
        return std::nullopt;
    }
    if (read_digits(s, i, second) != 2) return std::nullopt;
    std::int64_t hours = 0;
    std::int64_t minutes = first;
    std::int64_t seconds = second;
    if (i < s.size() && s[i] == ':') {
        ++i;
        if (read_digits(s, i, third) != 2) return std::nullopt;
        hours = first;
        minutes = second;
        seconds = third;
    } else if (first_digits != 2) {
        return std::nullopt;
    }
    if (i >= s.size() || s[i++] != '.') return std::nullopt;
    if (read_digits(s, i, millis) != 3 || i != s.size()) return std::nullopt;
    if (minutes > 59 || seconds > 59) return std::nullopt;
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
}

bool is_text_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Records `text[begin, end)`, less its whitespace, as a word said at `ms`.
void add_word(std::vector<WordTime>& words, std::string_view text, std::size_t begin,
              std::size_t end, std::int64_t ms) {
    end = std::min(end, text.size());
    while (begin < end && is_text_space(text[begin])) ++begin;
    while (end > begin && is_text_space(text[end - 1])) --end;
    if (begin >= end) return;
    words.push_back(
        {ms, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end - begin)});
}

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

// True when `text` is valid UTF-8 with no NUL. Runs of ASCII (most of a
// caption file) are checked eight bytes at a time; each maximal run of
// non-ASCII bytes is handed to is_valid_utf8 (a valid sequence never holds an
// ASCII byte, so the runs can be checked on their own).
bool is_clean_utf8(std::string_view text) {
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, sizeof word);
            // Any byte with its high bit set, or any zero byte, stops the word.
            if (((word | ((word - kOnes) & ~word)) & kHigh) != 0) break;
            i += 8;
        }
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0) return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t run_end = i + 1;
        while (run_end < n && static_cast<unsigned char>(text[run_end]) >= 0x80) ++run_end;
        if (!is_valid_utf8(text.substr(i, run_end - i))) return false;
        i = run_end;
    }
    return true;
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
            const std::size_t tag = i + 1;
            i = scan_tag(payload, tag, name, annotation);
            if (tag < n && is_ascii_digit(payload[tag])) {
                const std::size_t close = payload[i - 1] == '>' ? i - 1 : i;
                if (auto ms = parse_timestamp(payload.substr(tag, close - tag))) {
                    result.times.push_back({result.text.size(), *ms});
                }
            }
            if (!have_speaker && name == "v" && !annotation.empty()) {
                result.speaker = collapse_whitespace(decode_html_entities(annotation));
                have_speaker = !result.speaker.empty();
            }
            continue;
        }
        if (c == '&') {
            // HTML's rules, as the WebVTT specification says: legacy names
            // need no ';' ("&lt " is "<"), an unknown name stays as written.
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

std::vector<WordTime> inline_word_times(std::string_view text, std::int64_t cue_start_ms,
                                        const std::vector<InlineTime>& times) {
    std::vector<WordTime> words;
    if (times.empty()) return words;
    words.reserve(times.size() + 1);
    add_word(words, text, 0, times.front().offset, cue_start_ms);
    for (std::size_t k = 0; k < times.size(); ++k) {
        const std::size_t end = k + 1 < times.size() ? times[k + 1].offset : text.size();
        add_word(words, text, times[k].offset, end, times[k].ms);
    }
    return words;
}

std::string_view normalize_caption_input(std::string_view text, std::string& storage) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
    const bool has_cr = text.find('\r') != std::string_view::npos;
    if (!has_cr && is_clean_utf8(text)) return text;
    storage = sanitize_utf8(text);
    std::size_t out = 0;
    for (std::size_t i = 0; i < storage.size(); ++i) {
        if (storage[i] == '\r') {
            storage[out++] = '\n';
            if (i + 1 < storage.size() && storage[i + 1] == '\n') ++i;
        } else {
            storage[out++] = storage[i];
        }
    }
    storage.resize(out);
    return storage;
}

std::string_view truncate_utf8(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut);
}

bool append_timed_text(Cue& cue, std::string_view piece, std::optional<std::int64_t> start_ms,
                       std::size_t max_bytes) {
    const std::size_t room = max_bytes > cue.text.size() ? max_bytes - cue.text.size() : 0;
    const std::string_view kept = truncate_utf8(piece, room);
    const std::size_t begin = cue.text.size();
    cue.text.append(kept);
    if (start_ms) add_word(cue.words, cue.text, begin, cue.text.size(), *start_ms);
    return kept.size() == piece.size();
}

}  // namespace talksearch

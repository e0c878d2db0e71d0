// SubRip (.srt) parser, tolerant of what real caption files hold.
//
// There is no SubRip specification; files in the wild come from many tools.
// The parser reads blocks of "index line, timing line, payload lines" and
// accepts: a UTF-8 BOM; UTF-16 (LE/BE, with a BOM or recognisably ASCII
// without one) transcoded to UTF-8; invalid UTF-8 and NUL as U+FFFD; CRLF, LF
// or lone CR line ends; a missing or non-numeric index line; ',' or '.'
// before 1 to 3 fraction digits; 1-digit hours (and MM:SS without hours);
// optional spaces around "-->"; anything after the end time (the `X1:... Y2:`
// coordinates); any number of blank lines between cues, or none at all (a
// new cue starts at a timing line, or at an all-digits line directly followed
// by a timing line).
//
// It works on string_view lines of one buffer; the only per-cue allocations
// are the cue's strings.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {
namespace {

constexpr std::string_view kTimingArrow = "-->";

bool is_blank_char(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

bool is_blank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), is_blank_char);
}

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && is_blank_char(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank_char(s.back())) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) { return all_ascii_digits(trim_blanks(s)); }

/// A line for a warning message: quoted, cut at 60 bytes.
std::string quote(std::string_view line) { return quote_line(trim_blanks(line)); }

// ---------------------------------------------------------------------------
// Input decoding.

/// Returns the text as valid UTF-8 without a BOM, using `storage` when it has
/// to be rewritten.
std::string_view decode_input(std::string_view in, std::string& storage) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
    if (in.size() >= 3 && byte(0) == 0xEF && byte(1) == 0xBB && byte(2) == 0xBF) {
        in.remove_prefix(3);
    } else if (const auto utf16 = detect_utf16(in)) {
        // Without a BOM: ASCII-led UTF-16 ("1\0\r\0..."), as UTF-8 text never starts.
        storage = utf16_to_utf8(in.substr(utf16->bom_bytes), utf16->little_endian);
        return storage;
    }
    if (is_valid_utf8(in)) return in;
    storage = sanitize_utf8(in);
    return storage;
}

// ---------------------------------------------------------------------------
// Lines.

/// Reads lines ended by CRLF, LF or a lone CR, with one line of look-ahead.
/// Each byte is scanned once: the next CR and LF positions are cached.
class LineReader {
  public:
    explicit LineReader(std::string_view text)
        : text_(text), lf_(find(text, '\n', 0)), cr_(find(text, '\r', 0)) {
        read(current_);
        read(next_);
    }

    bool done() const { return !current_.valid; }
    std::string_view line() const { return current_.text; }
    std::uint32_t number() const { return current_.number; }
    bool has_next() const { return next_.valid; }
    std::string_view next() const { return next_.text; }

    void advance() {
        current_ = next_;
        read(next_);
    }

  private:
    struct Line {
        std::string_view text;
        std::uint32_t number = 0;
        bool valid = false;
    };

    static std::size_t find(std::string_view text, char c, std::size_t from) {
        std::size_t at = text.find(c, from);
        return at == std::string_view::npos ? text.size() : at;
    }

    void read(Line& out) {
        if (pos_ >= text_.size()) {
            out = Line{};
            return;
        }
        if (lf_ < pos_) lf_ = find(text_, '\n', pos_);
        if (cr_ < pos_) cr_ = find(text_, '\r', pos_);
        std::size_t end = std::min(lf_, cr_);
        out.text = text_.substr(pos_, end - pos_);
        out.valid = true;
        if (number_ < std::numeric_limits<std::uint32_t>::max()) ++number_;
        out.number = number_;
        pos_ = end + 1;
        if (end == cr_ && end + 1 < text_.size() && text_[end + 1] == '\n') ++pos_;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t lf_;  ///< the first LF at or after pos_ (or the end)
    std::size_t cr_;  ///< the first CR at or after pos_ (or the end)
    std::uint32_t number_ = 0;
    Line current_;
    Line next_;
};

// ---------------------------------------------------------------------------
// Timing lines.

/// Reads 1 to `max_digits` digits; false when there is none.
bool read_number(std::string_view& s, std::size_t max_digits, std::int64_t& value) {
    std::size_t n = 0;
    value = 0;
    while (n < s.size() && n < max_digits && is_ascii_digit(s[n])) {
        value = value * 10 + (s[n] - '0');
        ++n;
    }
    if (n == 0) return false;
    s.remove_prefix(n);
    return true;
}

/// Parses `H:MM:SS,mmm` at the start of `s` and consumes it. Accepts any
/// number of hour digits (up to 9), 1-3 digit minutes and seconds below 60
/// (some tools zero-pad the seconds to three: `00:00:015,567` is 15.567 s),
/// `,` or `.` before 1 to 3 fraction digits (more are read and ignored), no
/// fraction at all, and `MM:SS,mmm` without hours.
std::optional<std::int64_t> read_timestamp(std::string_view& s) {
    std::int64_t first = 0;
    std::int64_t second = 0;
    std::int64_t third = 0;
    if (!read_number(s, 9, first) || s.empty() || s.front() != ':') return std::nullopt;
    s.remove_prefix(1);
    if (!read_number(s, 3, second)) return std::nullopt;
    std::int64_t hours = 0;
    std::int64_t minutes = first;
    std::int64_t seconds = second;
    if (!s.empty() && s.front() == ':') {
        s.remove_prefix(1);
        if (!read_number(s, 3, third)) return std::nullopt;
        hours = first;
        minutes = second;
        seconds = third;
    } else if (first > 99) {
        return std::nullopt;
    }
    if (minutes > 59 || seconds > 59) return std::nullopt;
    std::int64_t ms = 0;
    if (!s.empty() && (s.front() == ',' || s.front() == '.')) {
        s.remove_prefix(1);
        std::size_t n = 0;
        std::int64_t scale = 100;
        while (n < s.size() && is_ascii_digit(s[n])) {
            if (n < 3) {
                ms += (s[n] - '0') * scale;
                scale /= 10;
            }
            ++n;
        }
        if (n == 0) return std::nullopt;
        s.remove_prefix(n);
    }
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

struct Timing {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
};

/// Parses `start --> end [anything]`; nullopt when it is not one.
std::optional<Timing> parse_timing(std::string_view line) {
    std::string_view s = trim_blanks(line);
    auto start = read_timestamp(s);
    if (!start) return std::nullopt;
    s = trim_blanks(s);
    if (s.substr(0, kTimingArrow.size()) != kTimingArrow) return std::nullopt;
    s.remove_prefix(kTimingArrow.size());
    s = trim_blanks(s);
    auto end = read_timestamp(s);
    // After the end time only whitespace may follow, then anything (X1:...).
    if (!end || (!s.empty() && !is_blank_char(s.front()))) return std::nullopt;
    return Timing{*start, *end};
}

bool has_timing_arrow(std::string_view line) {
    return line.find(kTimingArrow) != std::string_view::npos;
}

/// A line that starts a new cue inside a payload: it begins with a digit and
/// holds "-->" (a timing line, or a broken one that gets reported).
bool looks_like_timing(std::string_view line) {
    std::string_view s = trim_blanks(line);
    return !s.empty() && is_ascii_digit(s.front()) && has_timing_arrow(s);
}

/// True when the reader's current line ends the payload of a cue: a blank
/// line, a timing line, or an all-digits line followed by a timing line.
bool ends_payload(const LineReader& reader) {
    std::string_view line = reader.line();
    if (is_blank(line)) return true;
    std::string_view s = trim_blanks(line);
    if (!is_ascii_digit(s.front())) return false;
    if (looks_like_timing(s)) return true;
    return all_digits(s) && reader.has_next() && looks_like_timing(reader.next());
}

// Counts the ASCII digits at s[i], stepping over them.
std::size_t skip_digits(std::string_view s, std::size_t& i) {
    const std::size_t begin = i;
    while (i < s.size() && is_ascii_digit(s[i])) ++i;
    return i - begin;
}

}  // namespace

bool is_srt_timing_line(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (skip_digits(line, i) == 0) return false;
    if (i >= line.size() || line[i++] != ':') return false;
    if (const std::size_t n = skip_digits(line, i); n < 2 || n > 3) return false;
    if (i >= line.size() || line[i++] != ':') return false;
    if (const std::size_t n = skip_digits(line, i); n < 2 || n > 3) return false;
    if (i >= line.size() || (line[i] != ',' && line[i] != '.')) return false;
    ++i;
    if (skip_digits(line, i) == 0) return false;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return line.substr(i, 3) == "-->";
}

Captions parse_srt(std::string_view input, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kSrt;
    std::string storage;
    LineReader reader(decode_input(input, storage));

    bool saw_timing = false;
    bool in_stray = false;
    std::uint32_t first_bad_line = 0;

    while (!reader.done()) {
        std::string_view line = reader.line();
        if (is_blank(line)) {
            in_stray = false;
            reader.advance();
            continue;
        }
        std::string_view id;
        if (!has_timing_arrow(line)) {
            if (!reader.has_next() || !has_timing_arrow(reader.next())) {
                // Text outside any cue (e.g. a cue whose timing line is missing).
                if (!in_stray) {
                    out.warnings.push_back(
                        {reader.number(),
                         "text outside a cue ignored (no timing line): " + quote(line)});
                }
                in_stray = true;
                reader.advance();
                continue;
            }
            id = trim_blanks(line);
            reader.advance();
            line = reader.line();
        }
        in_stray = false;

        const std::uint32_t timing_line = reader.number();
        std::optional<Timing> timing = parse_timing(line);
        reader.advance();
        if (!timing) {
            if (first_bad_line == 0) first_bad_line = timing_line;
            out.warnings.push_back(
                {timing_line, "malformed timing line, cue dropped: " + quote(line)});
            while (!reader.done() && !ends_payload(reader)) reader.advance();
            continue;
        }
        saw_timing = true;
        if (cue_limit_reached(out, limits, timing_line)) break;

        Cue cue;
        cue.start_ms = timing->start_ms;
        cue.end_ms = timing->end_ms;
        cue.id = std::string(id);
        cue.line = timing_line;
        bool truncated = false;
        bool first = true;
        for (; !reader.done() && !ends_payload(reader); reader.advance()) {
            if (truncated) continue;  // read on to the end of the cue
            std::string_view payload = reader.line();
            std::size_t room = limits.max_cue_text_bytes - cue.raw.size();
            if (!first) {
                if (room == 0) {
                    truncated = true;
                    continue;
                }
                cue.raw += '\n';
                --room;
            }
            first = false;
            if (payload.size() > room) {
                cue.raw.append(truncate_utf8(payload, room));
                truncated = true;
            } else {
                cue.raw.append(payload);
            }
        }
        if (truncated && !cue.raw.empty() && cue.raw.back() == '\n') cue.raw.pop_back();
        CueText plain = parse_cue_text(cue.raw);
        cue.text = std::move(plain.text);
        cue.speaker = std::move(plain.speaker);
        if (cue.text.size() > limits.max_cue_text_bytes) {
            cue.text.resize(truncate_utf8(cue.text, limits.max_cue_text_bytes).size());
            truncated = true;
        }
        if (truncated) warn_truncated(out, limits, timing_line);
        out.cues.push_back(std::move(cue));
    }

    if (!saw_timing) throw ParseError(first_bad_line, "not a SubRip file: no timing line");
    return out;
}

}  // namespace talksearch

// WebVTT parser: the W3C "WebVTT parser algorithm"
// (https://www.w3.org/TR/webvtt1/#file-parsing) over string_view lines.
//
// The input is normalised once (BOM, CR, invalid UTF-8, NUL) and only when it
// needs to be; after that every line, cue id and payload is a view into it,
// so a cue costs its own strings and nothing else. The block loop mirrors the
// spec's "collect a WebVTT block" step by step; resetting "position" to
// "previous position" always un-reads exactly the current line.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

constexpr std::string_view kSignature = "WEBVTT";
constexpr std::string_view kArrow = "-->";

// Hours above this are rejected, so that the milliseconds of any timestamp we
// accept fit an int64 with room to spare (9,999,999 h is about 1,141 years).
constexpr std::int64_t kMaxHours = 9'999'999;

// The spec's ASCII whitespace, as it can occur inside one line.
bool is_line_space(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::uint32_t to_line_number(std::size_t n) {
    constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max();
    return static_cast<std::uint32_t>(n < kMax ? n : kMax);
}

// True when `line` contains "-->". Looks for the '>' with memchr: it is far
// rarer in caption text than '-'.
bool has_arrow(std::string_view line) {
    const char* const begin = line.data();
    const char* p = begin;
    const char* const end = begin + line.size();
    while (p < end) {
        const void* gt = std::memchr(p, '>', static_cast<std::size_t>(end - p));
        if (gt == nullptr) return false;
        const char* q = static_cast<const char*>(gt);
        if (q - begin >= 2 && q[-1] == '-' && q[-2] == '-') return true;
        p = q + 1;
    }
    return false;
}

// A run of ASCII digits. `value` stops growing once it passes kMaxHours, so
// that any number of digits can be read without overflow.
struct Digits {
    std::size_t count = 0;
    std::int64_t value = 0;
};

Digits collect_digits(std::string_view s, std::size_t& i) {
    Digits d;
    while (i < s.size() && is_ascii_digit(s[i])) {
        if (d.value <= kMaxHours) d.value = d.value * 10 + (s[i] - '0');
        ++d.count;
        ++i;
    }
    return d;
}

// The spec's "collect a WebVTT timestamp" at s[i]: `[h+:]mm:ss.ttt` where the
// first field is hours when it does not have exactly two digits or is over 59.
// Returns nullptr and sets `ms` on success, else the reason it failed.
const char* collect_timestamp(std::string_view s, std::size_t& i, std::int64_t& ms) {
    if (i >= s.size() || !is_ascii_digit(s[i])) return "a timestamp must start with a digit";
    const Digits first = collect_digits(s, i);
    const bool first_is_hours = first.count != 2 || first.value > 59;
    if (first.value > kMaxHours) return "hours out of range";
    if (i >= s.size() || s[i] != ':') return "expected ':' after the first field";
    ++i;
    const Digits second = collect_digits(s, i);
    if (second.count != 2) return "minutes and seconds must have exactly 2 digits";
    std::int64_t hours = 0;
    std::int64_t minutes = 0;
    std::int64_t seconds = 0;
    if (first_is_hours || (i < s.size() && s[i] == ':')) {
        if (i >= s.size() || s[i] != ':') {
            return "expected ':' before the seconds (a first field that is not 2 digits or "
                   "is over 59 is hours)";
        }
        ++i;
        const Digits third = collect_digits(s, i);
        if (third.count != 2) return "minutes and seconds must have exactly 2 digits";
        hours = first.value;
        minutes = second.value;
        seconds = third.value;
    } else {
        minutes = first.value;
        seconds = second.value;
    }
    if (i >= s.size() || s[i] != '.') {
        if (i < s.size() && s[i] == ',') return "',' before the milliseconds (WebVTT needs '.')";
        return "expected '.' before the milliseconds";
    }
    ++i;
    const Digits millis = collect_digits(s, i);
    if (millis.count != 3) return "milliseconds must have exactly 3 digits";
    if (minutes > 59 || seconds > 59) return "minutes and seconds must be 59 or less";
    ms = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis.value;
    return nullptr;
}

void skip_line_space(std::string_view s, std::size_t& i) {
    while (i < s.size() && is_line_space(s[i])) ++i;
}

// The spec's "collect WebVTT cue timings and settings", minus the settings
// (they only place the cue on screen). Returns an empty string and sets the
// times on success, else why the cue is dropped.
std::string parse_timing_line(std::string_view line, std::int64_t& start_ms, std::int64_t& end_ms) {
    std::size_t i = 0;
    skip_line_space(line, i);
    if (const char* why = collect_timestamp(line, i, start_ms)) {
        return std::string("bad start time: ") + why;
    }
    skip_line_space(line, i);
    if (line.substr(i, kArrow.size()) != kArrow) return "expected '-->' after the start time";
    i += kArrow.size();
    skip_line_space(line, i);
    if (const char* why = collect_timestamp(line, i, end_ms)) {
        return std::string("bad end time: ") + why;
    }
    return {};
}

// True for the first line of a block that the spec ignores on purpose:
// a comment (`NOTE`), a style sheet (`STYLE`) or a region (`REGION`).
bool is_non_cue_block(std::string_view first_line) {
    constexpr std::string_view kNote = "NOTE";
    if (first_line.substr(0, kNote.size()) == kNote) {
        return first_line.size() == kNote.size() || is_line_space(first_line[kNote.size()]);
    }
    const std::string_view t = trim(first_line);
    return t == "STYLE" || t == "REGION";
}

class WebVttParser {
  public:
    WebVttParser(std::string_view input, const CaptionLimits& limits, Captions& out)
        : in_(input), limits_(limits), out_(out) {}

    void run() {
        if (!has_webvtt_signature(in_))
            throw ParseError(1, "not a WebVTT file: missing WEBVTT signature");
        next_line();  // the signature line
        if (seen_eof_) return;
        if (pos_ < in_.size() && in_[pos_] != '\n') collect_block(/*in_header=*/true);
        skip_newlines();
        while (pos_ < in_.size() && !stopped_) {
            collect_block(/*in_header=*/false);
            skip_newlines();
        }
    }

  private:
    // Collects the characters up to the next LF and steps over it; sets
    // seen_eof_ when there is none.
    std::string_view next_line() {
        ++line_;
        const std::size_t begin = pos_;
        const void* lf =
            pos_ < in_.size() ? std::memchr(in_.data() + pos_, '\n', in_.size() - pos_) : nullptr;
        if (lf == nullptr) {
            pos_ = in_.size();
            seen_eof_ = true;
            return in_.substr(begin);
        }
        const auto end = static_cast<std::size_t>(static_cast<const char*>(lf) - in_.data());
        pos_ = end + 1;
        return in_.substr(begin, end - begin);
    }

    void skip_newlines() {
        while (pos_ < in_.size() && in_[pos_] == '\n') {
            ++pos_;
            ++line_;
        }
    }

    void warn(std::size_t line, std::string message) {
        out_.warnings.push_back(Warning{to_line_number(line), std::move(message)});
    }

    // The spec's "collect a WebVTT block"; adds the cue it finds, if any.
    void collect_block(bool in_header) {
        std::size_t line_count = 0;
        bool seen_arrow = false;
        bool have_cue = false;
        // The spec's buffer. Once a timing line has been read, the lines that
        // follow it are consecutive in the input, so the buffer is a view.
        std::size_t buffer_begin = 0;
        std::size_t buffer_end = 0;
        bool buffer_empty = true;
        std::string_view first_line;
        std::size_t first_line_number = line_ + 1;
        std::string_view id;
        std::size_t timing_line = 0;
        std::int64_t start_ms = 0;
        std::int64_t end_ms = 0;
        seen_eof_ = false;
        while (true) {
            const std::size_t line_begin = pos_;
            const std::string_view line = next_line();
            ++line_count;
            if (line_count == 1) first_line = line;
            if (has_arrow(line)) {
                if (in_header || !(line_count == 1 || (line_count == 2 && !seen_arrow))) {
                    // This line starts the next block: un-read it.
                    pos_ = line_begin;
                    --line_;
                    break;
                }
                seen_arrow = true;
                const std::string why = parse_timing_line(line, start_ms, end_ms);
                if (why.empty()) {
                    have_cue = true;
                    id = buffer_empty ? std::string_view{}
                                      : in_.substr(buffer_begin, buffer_end - buffer_begin);
                    buffer_empty = true;
                    timing_line = line_;
                } else {
                    have_cue = false;
                    warn(line_, "cue dropped: " + why);
                }
            } else if (line.empty()) {
                break;
            } else {
                if (buffer_empty) buffer_begin = line_begin;
                buffer_empty = false;
                buffer_end = line_begin + line.size();
            }
            if (seen_eof_) break;
        }
        if (have_cue) {
            const std::string_view payload =
                buffer_empty ? std::string_view{}
                             : in_.substr(buffer_begin, buffer_end - buffer_begin);
            add_cue(id, payload, timing_line, start_ms, end_ms);
        } else if (!in_header && !seen_arrow && !first_line.empty() &&
                   !is_non_cue_block(first_line)) {
            warn(first_line_number, "text block without a timing line ignored");
        }
    }

    void add_cue(std::string_view id, std::string_view payload, std::size_t timing_line,
                 std::int64_t start_ms, std::int64_t end_ms) {
        if (cue_limit_reached(out_, limits_, to_line_number(timing_line))) {
            stopped_ = true;
            return;
        }
        Cue cue;
        cue.start_ms = start_ms;
        cue.end_ms = end_ms;
        cue.line = to_line_number(timing_line);
        cue.id.assign(id);
        const std::string_view kept = truncate_utf8(payload, limits_.max_cue_text_bytes);
        bool truncated = kept.size() < payload.size();
        cue.raw.assign(kept);
        CueText text = parse_cue_text(kept);
        if (text.text.size() > limits_.max_cue_text_bytes) {
            text.text.resize(truncate_utf8(text.text, limits_.max_cue_text_bytes).size());
            truncated = true;
        }
        cue.words = inline_word_times(text.text, start_ms, text.times);
        cue.text = std::move(text.text);
        cue.speaker = std::move(text.speaker);
        if (truncated) {
            warn(timing_line,
                 "cue text truncated to " + std::to_string(limits_.max_cue_text_bytes) + " bytes");
        }
        out_.cues.push_back(std::move(cue));
    }

    std::string_view in_;
    const CaptionLimits& limits_;
    Captions& out_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;  // lines read so far: the 1-based number of the last one
    bool seen_eof_ = false;
    bool stopped_ = false;
};

}  // namespace

bool has_webvtt_signature(std::string_view text) {
    const std::size_t n = kSignature.size();
    return text.substr(0, n) == kSignature &&
           (text.size() == n || text[n] == ' ' || text[n] == '\t' || text[n] == '\n' ||
            text[n] == '\r');
}

Captions parse_webvtt(std::string_view text, const CaptionLimits& limits) {
    // The spec decodes WebVTT as UTF-8 only: a UTF-16 file has no signature.
    if (detect_utf16(text)) {
        throw ParseError(1, "not a WebVTT file: the text is UTF-16 (WebVTT files are UTF-8)");
    }
    std::string storage;
    const std::string_view input = normalize_caption_input(text, storage);
    Captions captions;
    captions.format = CaptionFormat::kWebVtt;
    WebVttParser(input, limits, captions).run();
    return captions;
}

}  // namespace talksearch

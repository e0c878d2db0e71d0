// YouTube's SubViewer format (.sbv), as YouTube Studio writes it:
//
//     0:00:00.378,0:00:11.378
//     Caption text #1
//
//     0:00:11.378,0:00:12.305
//     Caption text #2 (line 1)
//     Caption text #2 (line 2)
//
// A cue is a timing line and the text lines up to the next blank line. The
// text is plain (no tags, no entities). A bad timing line drops its cue and
// text outside a cue is ignored, each with a warning; a file without a single
// timing line is not SBV.
#include <cstdint>
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

bool is_blank_sbv_line(std::string_view line) { return trim(line).empty(); }

/// Reads `H:MM:SS.mmm` at the start of `s` and consumes it.
std::optional<std::int64_t> read_time(std::string_view& s) {
    std::size_t i = 0;
    std::int64_t hours = 0;
    while (i < s.size() && is_ascii_digit(s[i])) {
        if (i >= 9) return std::nullopt;
        hours = hours * 10 + (s[i] - '0');
        ++i;
    }
    if (i == 0 || i >= s.size() || s[i] != ':') return std::nullopt;
    auto two = [&](std::size_t at) -> std::optional<std::int64_t> {
        if (at + 2 > s.size() || !is_ascii_digit(s[at]) || !is_ascii_digit(s[at + 1]))
            return std::nullopt;
        return (s[at] - '0') * 10 + (s[at + 1] - '0');
    };
    const auto minutes = two(i + 1);
    if (!minutes || i + 3 >= s.size() || s[i + 3] != ':') return std::nullopt;
    const auto seconds = two(i + 4);
    if (!seconds || *minutes > 59 || *seconds > 59) return std::nullopt;
    i += 6;
    if (i >= s.size() || s[i] != '.') return std::nullopt;
    ++i;
    std::int64_t ms = 0;
    std::int64_t scale = 100;
    std::size_t digits = 0;
    while (i < s.size() && is_ascii_digit(s[i])) {
        if (digits >= 3) return std::nullopt;
        ms += (s[i] - '0') * scale;
        scale /= 10;
        ++digits;
        ++i;
    }
    if (digits == 0) return std::nullopt;
    s.remove_prefix(i);
    return ((hours * 60 + *minutes) * 60 + *seconds) * 1000 + ms;
}

struct SbvTiming {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
};

std::optional<SbvTiming> parse_sbv_timing(std::string_view line) {
    std::string_view s = trim(line);
    const auto start = read_time(s);
    if (!start || s.empty() || s.front() != ',') return std::nullopt;
    s.remove_prefix(1);
    const auto end = read_time(s);
    if (!end || !s.empty()) return std::nullopt;
    return SbvTiming{*start, *end};
}

/// A line meant as a timing line, even a broken one: it starts with a digit
/// and has a ':' before a ',' ("0:00:13.f89,0:00:15.489").
bool looks_like_sbv_timing(std::string_view line) {
    const std::string_view s = trim(line);
    const std::size_t colon = s.find(':');
    const std::size_t comma = s.find(',');
    return !s.empty() && is_ascii_digit(s.front()) && colon != std::string_view::npos &&
           comma != std::string_view::npos && colon < comma &&
           s.find(' ') == std::string_view::npos;
}

std::string quote_sbv_line(std::string_view line) { return quote_line(trim(line)); }

/// Lines of LF-normalised text, with their 1-based numbers.
class Lines {
  public:
    explicit Lines(std::string_view text) : text_(text) {}
    std::string_view line() const { return current_; }
    std::uint32_t number() const { return number_; }
    /// Reads the next line; false at the end.
    bool next() {
        if (pos_ >= text_.size()) return false;
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        current_ = text_.substr(pos_, end - pos_);
        pos_ = end + 1;
        if (number_ < 0xFFFFFFFFu) ++number_;
        return true;
    }

  private:
    std::string_view text_;
    std::string_view current_;
    std::size_t pos_ = 0;
    std::uint32_t number_ = 0;
};

}  // namespace

bool is_sbv_timing_line(std::string_view line) { return parse_sbv_timing(line).has_value(); }

Captions parse_sbv(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kSbv;
    std::string storage;
    Lines lines(normalize_caption_input(text, storage));
    bool saw_timing = false;
    std::uint32_t first_bad_line = 0;
    bool have_line = lines.next();
    while (have_line) {
        const std::string_view line = lines.line();
        if (is_blank_sbv_line(line)) {
            have_line = lines.next();
            continue;
        }
        const std::uint32_t number = lines.number();
        const std::optional<SbvTiming> timing = parse_sbv_timing(line);
        if (!timing) {
            if (first_bad_line == 0) first_bad_line = number;
            out.warnings.push_back(
                {number,
                 looks_like_sbv_timing(line)
                     ? "malformed timing line, cue dropped: " + quote_sbv_line(line)
                     : "text outside a cue ignored (no timing line): " + quote_sbv_line(line)});
            // Skip the rest of the block.
            while ((have_line = lines.next()) && !is_blank_sbv_line(lines.line())) {
            }
            continue;
        }
        saw_timing = true;
        if (cue_limit_reached(out, limits, number)) break;
        Cue cue;
        cue.start_ms = timing->start_ms;
        cue.end_ms = timing->end_ms;
        cue.line = number;
        bool complete = true;
        while ((have_line = lines.next()) && !is_blank_sbv_line(lines.line())) {
            // A timing line right after the text starts the next cue.
            if (is_sbv_timing_line(lines.line())) break;
            if (!cue.text.empty()) {
                complete = append_timed_text(cue, "\n", std::nullopt, limits.max_cue_text_bytes) &&
                           complete;
            }
            complete =
                append_timed_text(cue, lines.line(), std::nullopt, limits.max_cue_text_bytes) &&
                complete;
        }
        if (!cue.text.empty() && cue.text.back() == '\n') cue.text.pop_back();
        cue.raw = cue.text;
        if (!complete) warn_truncated(out, limits, number);
        out.cues.push_back(std::move(cue));
    }
    if (!saw_timing) throw ParseError(first_bad_line, "not an SBV file: no timing line");
    return out;
}

}  // namespace talksearch

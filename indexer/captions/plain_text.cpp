// Plain-text transcripts (.txt): words without times, or lines that start
// with their time.
//
// Each non-blank line is a cue, so that a snippet shows the line a match is
// on. Transcripts often hold a whole paragraph, or the whole talk, on one
// line: a line over kMaxPieceBytes is cut into pieces, at the last sentence
// end that fits, else at the last space, else at a character boundary.
//
// Untimed: every cue's time is 0, the track is untimed
// (caption_format_is_timed), and the query side never shows these zeros.
//
// Timestamped (`00:01:02 text`, `1:02 text`, `[00:01:02] text`; podcast
// archives publish transcripts so): when at least half of the non-blank
// lines start with a time, each such line is a cue from its time to the next
// line's time (the last one to its start plus a speaking-rate estimate), a
// line without a time continues the cue before it (lines before the first
// time start at 0), and the pieces of a long line share its span in
// proportion to their length.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

/// The longest piece of a line that becomes one cue.
constexpr std::size_t kMaxPieceBytes = 240;

/// How long the last line of a timestamped transcript is taken to last, per
/// byte of its text (about 15 characters a second, a speaking rate), and at
/// least.
constexpr std::int64_t kMsPerByte = 66;
constexpr std::int64_t kMinLastCueMs = 1000;

/// Reads 1 to `most` digits at s[i].
std::optional<int> read_digits(std::string_view s, std::size_t& i, std::size_t most) {
    if (i >= s.size() || !is_ascii_digit(s[i])) return std::nullopt;
    int v = 0;
    for (std::size_t n = 0; n < most && i < s.size() && is_ascii_digit(s[i]); ++n)
        v = v * 10 + (s[i++] - '0');
    return v;
}

/// A line's leading time: `[H]H:MM:SS` or `M:SS` (M up to 999), optionally with `.mmm`
/// and in `[...]` or `(...)`, then a blank or the end of the line. Returns
/// the time and sets `text` to the rest of the line; nullopt when the line
/// does not start so.
std::optional<std::int64_t> leading_time(std::string_view line, std::string_view& text) {
    std::size_t i = 0;
    const char open = !line.empty() && (line[0] == '[' || line[0] == '(') ? line[0] : 0;
    if (open) ++i;
    int fields[3] = {0, 0, 0};
    int n = 0;
    for (; n < 3; ++n) {
        if (n > 0) {
            if (i >= line.size() || line[i] != ':') break;
            ++i;
        }
        const std::size_t at = i;
        // The first field may run past 59 minutes ("75:30" in a long talk).
        const std::optional<int> v = read_digits(line, i, n == 0 ? 3 : 2);
        if (!v || (n > 0 && i - at != 2)) return std::nullopt;
        fields[n] = *v;
    }
    if (n < 2) return std::nullopt;
    const int hours = n == 3 ? fields[0] : 0;
    const int minutes = n == 3 ? fields[1] : fields[0];
    const int seconds = n == 3 ? fields[2] : fields[1];
    if ((n == 3 && minutes > 59) || seconds > 59) return std::nullopt;
    std::int64_t ms = 0;
    if (i + 1 < line.size() && (line[i] == '.' || line[i] == ',') && is_ascii_digit(line[i + 1])) {
        ++i;
        for (std::int64_t scale = 100; i < line.size() && is_ascii_digit(line[i]);
             scale /= 10, ++i) {
            ms += (line[i] - '0') * scale;
        }
    }
    if (open) {
        if (i >= line.size() || line[i] != (open == '[' ? ']' : ')')) return std::nullopt;
        ++i;
    }
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') return std::nullopt;
    text = trim(line.substr(i));
    return ((hours * 60 + minutes) * 60 + seconds) * std::int64_t{1000} + ms;
}

/// Calls `each(line, number)` for each line of `text` (LF-ended, trimmed),
/// numbered from 1, until it returns false.
template <class Each>
void for_each_line(std::string_view text, Each each) {
    std::uint32_t number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (number < 0xFFFFFFFFu) ++number;
        if (!each(line, number)) return;
    }
}

/// True when at least half of the non-blank lines (and two or more) start
/// with a time.
bool is_timestamped(std::string_view text) {
    std::size_t lines = 0;
    std::size_t timed = 0;
    for_each_line(text, [&](std::string_view line, std::uint32_t) {
        std::string_view rest;
        lines += line.empty() ? 0 : 1;
        timed += !line.empty() && leading_time(line, rest) ? 1 : 0;
        return true;
    });
    return timed >= 2 && 2 * timed >= lines;
}

/// One line of a timestamped transcript (with the lines that continue it).
struct TimedLine {
    std::int64_t start_ms = 0;
    std::string text;
    std::uint32_t line = 0;
    bool truncated = false;  ///< continuation lines were dropped at the cue text limit
};

/// Where to cut `line` (longer than `max`): just after the last sentence end
/// (". ", "? ", "! ") within `max` bytes, else at the last space, else at the
/// last character boundary.
std::size_t cut_point(std::string_view line, std::size_t max) {
    const std::string_view head = truncate_utf8(line, max);
    for (std::size_t i = head.size(); i-- > 1;) {
        if (head[i] == ' ' && (head[i - 1] == '.' || head[i - 1] == '?' || head[i - 1] == '!')) {
            return i + 1;
        }
    }
    const std::size_t space = head.rfind(' ');
    if (space != std::string_view::npos && space > 0) return space + 1;
    return head.empty() ? line.size() : head.size();
}

/// Appends the cues of one line (cut into pieces when long) to `out`, the
/// pieces sharing [start_ms, end_ms) in proportion to their length. False
/// when the cue limit was reached.
bool add_line(Captions& out, std::string_view line, std::uint32_t number, std::int64_t start_ms,
              std::int64_t end_ms, const CaptionLimits& limits, std::size_t max_piece) {
    const std::size_t total = std::max<std::size_t>(1, line.size());
    std::size_t done = 0;
    const std::string_view whole = line;
    while (!line.empty()) {
        if (cue_limit_reached(out, limits, number)) return false;
        const std::size_t cut = line.size() <= max_piece ? line.size() : cut_point(line, max_piece);
        const auto at = [&](std::size_t bytes) {
            return start_ms + (end_ms - start_ms) * static_cast<std::int64_t>(bytes) /
                                  static_cast<std::int64_t>(total);
        };
        Cue cue;
        cue.line = number;
        cue.text = std::string(trim(line.substr(0, cut)));
        cue.raw = cue.text;
        done = static_cast<std::size_t>(line.data() - whole.data());
        cue.start_ms = at(done);
        cue.end_ms = at(done + cut);
        out.cues.push_back(std::move(cue));
        line = trim(line.substr(cut));
    }
    return true;
}

/// Reads a transcript whose lines start with their times.
Captions parse_timestamped(std::string_view rest, const CaptionLimits& limits,
                           std::size_t max_piece) {
    Captions out;
    out.format = CaptionFormat::kTimestampedText;
    std::vector<TimedLine> lines;
    for_each_line(rest, [&](std::string_view line, std::uint32_t number) {
        if (line.empty()) return true;
        std::string_view text;
        if (const std::optional<std::int64_t> ms = leading_time(line, text)) {
            lines.push_back({*ms, std::string(text), number});
        } else if (lines.empty()) {
            lines.push_back({0, std::string(line), number});
        } else if (lines.back().text.size() + 1 + line.size() <= limits.max_cue_text_bytes) {
            lines.back().text += (lines.back().text.empty() ? "" : " ") + std::string(line);
        } else if (!lines.back().truncated) {
            lines.back().truncated = true;  // one warning a cue
            warn_truncated(out, limits, number);
        }
        return true;
    });
    for (std::size_t k = 0; k < lines.size(); ++k) {
        const TimedLine& l = lines[k];
        std::int64_t end_ms =
            l.start_ms + std::max<std::int64_t>(kMinLastCueMs, kMsPerByte * std::ssize(l.text));
        if (k + 1 < lines.size() && lines[k + 1].start_ms >= l.start_ms) {
            end_ms = lines[k + 1].start_ms;
        }
        if (!add_line(out, l.text, l.line, l.start_ms, end_ms, limits, max_piece)) break;
    }
    return out;
}

}  // namespace

Captions parse_plain_text(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kPlainText;
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        std::uint32_t line = 1;
        for (std::size_t i = 0; i < nul; ++i) line += text[i] == '\n' ? 1 : 0;
        throw ParseError(line, "not a text transcript: it holds NUL bytes (binary data)");
    }
    std::string storage;
    const std::string_view rest = normalize_caption_input(text, storage);
    const std::size_t max_piece =
        std::max<std::size_t>(1, std::min(kMaxPieceBytes, limits.max_cue_text_bytes));
    if (is_timestamped(rest)) return parse_timestamped(rest, limits, max_piece);
    for_each_line(rest, [&](std::string_view line, std::uint32_t number) {
        return add_line(out, line, number, 0, 0, limits, max_piece);
    });
    return out;
}

}  // namespace talksearch

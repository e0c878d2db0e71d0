// Plain-text transcripts (.txt): words without times.
//
// Each non-blank line is a cue, so that a snippet shows the line a match is
// on. Transcripts often hold a whole paragraph, or the whole talk, on one
// line: a line over kMaxPieceBytes is cut into pieces, at the last sentence
// end that fits, else at the last space, else at a character boundary. Every
// cue's time is 0: the track is untimed (caption_format_is_timed), and the
// query side never shows these zeros as a time.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

/// The longest piece of a line that becomes one cue.
constexpr std::size_t kMaxPieceBytes = 240;

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

}  // namespace

Captions parse_plain_text(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kPlainText;
    if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
        std::uint32_t line = 1;
        for (std::size_t i = 0; i < nul; ++i) line += text[i] == '\n' ? 1 : 0;
        throw ParseError(line,
                         "not a text transcript: it holds NUL bytes (binary data, or UTF-16 "
                         "text: save it as UTF-8)");
    }
    std::string storage;
    std::string_view rest = normalize_caption_input(text, storage);
    const std::size_t max_piece =
        std::max<std::size_t>(1, std::min(kMaxPieceBytes, limits.max_cue_text_bytes));
    std::uint32_t number = 0;
    while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        std::string_view line = trim(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (number < 0xFFFFFFFFu) ++number;
        while (!line.empty()) {
            if (cue_limit_reached(out, limits, number)) return out;
            const std::size_t cut =
                line.size() <= max_piece ? line.size() : cut_point(line, max_piece);
            Cue cue;
            cue.line = number;
            cue.text = std::string(trim(line.substr(0, cut)));
            cue.raw = cue.text;
            out.cues.push_back(std::move(cue));
            line = trim(line.substr(cut));
        }
    }
    return out;
}

}  // namespace talksearch

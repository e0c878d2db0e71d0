#include "indexer/captions/parser_warnings.h"

#include <utility>

#include "indexer/captions/cue_text.h"

namespace talksearch {

namespace {

/// How much of a bad line a warning quotes.
constexpr std::size_t kQuoteBytes = 60;

void warn(Captions& out, std::uint32_t line, std::string_view where, std::string message) {
    if (!where.empty()) message = std::string(where) + ": " + message;
    out.warnings.push_back({line, std::move(message)});
}

}  // namespace

bool cue_limit_reached(Captions& out, const CaptionLimits& limits, std::uint32_t line,
                       std::string_view where) {
    if (out.cues.size() < limits.max_cues) return false;
    warn(out, line, where, "too many cues: stopped after " + std::to_string(limits.max_cues));
    return true;
}

void warn_truncated(Captions& out, const CaptionLimits& limits, std::uint32_t line,
                    std::string_view where) {
    warn(out, line, where,
         "cue text longer than " + std::to_string(limits.max_cue_text_bytes) + " bytes, truncated");
}

std::string quote_line(std::string_view line) {
    const std::string_view cut = truncate_utf8(line, kQuoteBytes);
    return "\"" + std::string(cut) + (cut.size() < line.size() ? "...\"" : "\"");
}

}  // namespace talksearch

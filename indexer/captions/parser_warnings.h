// The warnings that every caption parser words alike: one place for the
// cue-count cap, truncated cue text and a bad line quoted in a message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"

namespace talksearch {

/// True when `out` already holds `limits.max_cues` cues: the parser must stop
/// reading, and one warning has been added at `line`: "too many cues: stopped
/// after N", prefixed with `where` and ": " when it is given (the JSON
/// formats name the element, e.g. `events[12]`, for their line 0).
bool cue_limit_reached(Captions& out, const CaptionLimits& limits, std::uint32_t line,
                       std::string_view where = {});

/// Adds the warning for cue text cut at `limits.max_cue_text_bytes`, at
/// `line`: "cue text longer than N bytes, truncated", prefixed like
/// cue_limit_reached's.
void warn_truncated(Captions& out, const CaptionLimits& limits, std::uint32_t line,
                    std::string_view where = {});

/// A line (already trimmed) for a warning message: in double quotes, cut at a
/// character boundary after 60 bytes with "..." added.
std::string quote_line(std::string_view line);

}  // namespace talksearch

// Caption cues: what every caption parser produces and the cleaner consumes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace talksearch {

/// One caption cue after parsing. Times are milliseconds from the start of
/// the media; `end_ms < start_ms` is kept as the file says (WebVTT allows it).
struct Cue {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string id;          ///< the cue identifier line, if any (WebVTT ids, SRT index)
    std::string raw;         ///< the cue payload as written, lines joined by '\n'
    std::string text;        ///< plain text: tags and settings removed, entities decoded
    std::string speaker;     ///< from a WebVTT `<v Name>` span; empty when none
    std::uint32_t line = 0;  ///< 1-based line of the cue's timing line
};

/// The caption formats talksearch reads.
enum class CaptionFormat { kWebVtt, kSrt };

/// The result of parsing one caption file: its cues in file order and the
/// recoverable problems found on the way (dropped cues, truncated text).
struct Captions {
    CaptionFormat format = CaptionFormat::kWebVtt;
    std::vector<Cue> cues;
    std::vector<Warning> warnings;
};

/// A stretch of cues that the cleaner found suspicious (a Whisper repetition
/// loop) and collapsed to one occurrence.
struct SuspectStretch {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::uint32_t repeats = 0;  ///< how many times the block occurred
    std::uint32_t period = 0;   ///< how many cues the repeated block holds
};

/// Cues after cleaning, ready to be indexed.
struct CleanCaptions {
    std::vector<Cue> cues;
    std::vector<SuspectStretch> suspect;
    std::uint32_t rolling_lines_removed = 0;  ///< YouTube rolling lines dropped
    std::uint32_t empty_cues_removed = 0;
};

}  // namespace talksearch

// Caption cues: what every caption parser produces and the cleaner consumes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace talksearch {

/// When one word (or one timed piece of text) of a cue is said, as formats
/// with per-word timing give it (YouTube json3 and srv3 segments, Whisper
/// `words`, WebVTT inline `<00:01.000>` timestamps). `offset` and `length`
/// are a byte range of Cue::text; the range never starts with whitespace.
struct WordTime {
    std::int64_t start_ms = 0;  ///< from the start of the media
    std::uint32_t offset = 0;   ///< byte offset of the word in Cue::text
    std::uint32_t length = 0;   ///< bytes of the word (or piece) in Cue::text
};

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
    /// Per-word start times, in text order (offsets strictly increasing);
    /// empty when the format gives none. A word between two entries is said
    /// between their times.
    std::vector<WordTime> words;
};

/// The caption formats talksearch reads.
enum class CaptionFormat {
    kWebVtt,       ///< WebVTT (.vtt)
    kSrt,          ///< SubRip (.srt)
    kJson3,        ///< YouTube json3: {"events":[{"tStartMs","dDurationMs","segs"}]}
    kSrv3,         ///< YouTube srv3: <timedtext format="3"><body><p t d><s t>
    kTimedText,    ///< YouTube's legacy timedtext XML: <transcript><text start dur>
    kSbv,          ///< YouTube SubViewer (.sbv): "0:00:01.000,0:00:04.000" then text
    kWhisperJson,  ///< OpenAI Whisper JSON: {"segments":[{"start","end","text","words"}]}
    kPlainText,    ///< a transcript without times (.txt)
};

/// The name of a format as used in output and in the index's document data:
/// "vtt", "srt", "json3", "srv3", "timedtext", "sbv", "whisper", "txt".
std::string_view caption_format_name(CaptionFormat format);

/// False for formats whose cues carry no times (plain text): their words
/// are searchable but have no moment in the recording.
constexpr bool caption_format_is_timed(CaptionFormat format) {
    return format != CaptionFormat::kPlainText;
}

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

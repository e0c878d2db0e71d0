// Caption cues: what every caption parser produces and the cleaner consumes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace talksearch {

/// The latest caption time read, in milliseconds (about 31,700 years): the
/// parsers refuse later ones, which cannot be real and would overflow in
/// later arithmetic (nested TTML times that add up past it too).
inline constexpr std::int64_t kMaxCaptionMs = 1'000'000'000'000'000;

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
    kTtml,         ///< W3C TTML / DFXP: <tt><body><div><p begin end>
    /// whisper.cpp's JSON (`whisper-cli -oj`): {"transcription":[{"offsets":
    /// {"from","to"},"text","tokens"}]}, a machine transcript like Whisper's.
    kWhisperCppJson,
    kPlainText,  ///< a transcript without times (.txt)
    /// A .txt transcript whose lines start with their time (`00:01:02 text`):
    /// read by the plain-text parser, which tells the two apart.
    kTimestampedText,
};

/// The name of a format as used in output and in the index's document data:
/// "vtt", "srt", "json3", "srv3", "timedtext", "sbv", "whisper", "ttml",
/// "whisper.cpp", "txt".
std::string_view caption_format_name(CaptionFormat format);

/// False for formats whose cues carry no times (plain text): their words
/// are searchable but have no moment in the recording.
constexpr bool caption_format_is_timed(CaptionFormat format) {
    return format != CaptionFormat::kPlainText;
}

/// True for the formats that only a speech recogniser writes (Whisper's and
/// whisper.cpp's JSON): their tracks are machine captions whatever folder
/// they sit in.
constexpr bool caption_format_is_machine_transcript(CaptionFormat format) {
    return format == CaptionFormat::kWhisperJson || format == CaptionFormat::kWhisperCppJson;
}

/// The result of parsing one caption file: its cues in file order and the
/// recoverable problems found on the way (dropped cues, truncated text).
struct Captions {
    CaptionFormat format = CaptionFormat::kWebVtt;
    std::vector<Cue> cues;
    std::vector<Warning> warnings;
};

/// A time as caption files write it: `HH:MM:SS.mmm` (`-` before a negative one).
std::string format_cue_time(std::int64_t ms);

/// A stretch of cues that the cleaner found suspicious (a Whisper repetition
/// loop) and collapsed to one occurrence.
struct SuspectStretch {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::uint32_t repeats = 0;  ///< how many times the block occurred
    std::uint32_t period = 0;   ///< how many cues the repeated block holds
};

/// What the cleaner did with a loop, for reports: "repetition loop collapsed:
/// a block of 1 cue(s) said 5 times from 00:00:02.000 to 00:00:07.000".
std::string describe_loop(const SuspectStretch& loop);

/// Cues after cleaning, ready to be indexed.
struct CleanCaptions {
    std::vector<Cue> cues;
    std::vector<SuspectStretch> suspect;
    std::uint32_t rolling_lines_removed = 0;  ///< YouTube rolling lines dropped
    std::uint32_t empty_cues_removed = 0;
};

}  // namespace talksearch

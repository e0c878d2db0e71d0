// Caption parsers: text in, cues out. Pure functions, no I/O.
//
// Every parser returns the cues in file order with `text` already reduced to
// plain text (see cue_text.h). Recoverable problems (a dropped cue, an over-
// long line) become warnings with a line number; a file that is not of the
// format at all throws ParseError.
#pragma once

#include <optional>
#include <string_view>

#include "core/cue.h"

namespace talksearch {

/// Limits that keep one hostile file from exhausting memory.
struct CaptionLimits {
    std::size_t max_cue_text_bytes = 64 * 1024;  ///< longer cue text is truncated (warning)
    std::size_t max_cues = 2'000'000;            ///< further cues are dropped (warning)
};

/// Parses WebVTT following the W3C WebVTT parser algorithm: BOM stripped,
/// CRLF/CR normalised, invalid UTF-8 and NUL become U+FFFD, cue settings,
/// NOTE/STYLE/REGION blocks ignored, a cue with a bad timing line dropped.
/// Throws ParseError (line 1) when the signature is not `WEBVTT`.
Captions parse_webvtt(std::string_view text, const CaptionLimits& limits = {});

/// Parses SubRip as real files hold it: BOM (UTF-8, and UTF-16 transcoded),
/// CRLF or lone CR, a missing or non-numeric index line (cue kept), `.` or `,`
/// before the milliseconds, 1-digit hours, trailing `X1:` coordinates, extra
/// or missing blank lines, seconds zero-padded to three digits, multi-line cues, `<i>`/`<font>`
/// tags and `{\an8}`. Throws ParseError when the file holds no timing line at all.
Captions parse_srt(std::string_view text, const CaptionLimits& limits = {});

/// Parses YouTube's json3 captions (`{"events":[{"tStartMs":0,"dDurationMs":
/// 2000,"segs":[{"utf8":"hello"},{"utf8":" world","tOffsetMs":400}]}]}`).
/// An event becomes a cue when its segments hold text (window events and
/// "\n" appends are not cues); segments with `tOffsetMs` give word times.
/// Text is plain, not markup; complete character references in it
/// (`&amp;`, `&#39;`, with their ';') are decoded, a bare '&' kept. Throws
/// ParseError when the input is not JSON or has no `events` array.
Captions parse_json3(std::string_view text, const CaptionLimits& limits = {});

/// Parses YouTube's srv3 captions (`<timedtext format="3"><body><p t="160"
/// d="4080"><s>hello</s><s t="400"> world</s></p>...`): times in ms, `<s t>`
/// offsets give word times, `<br/>` is a line break, entities decoded. Also
/// reads srv2's `<timedtext><text t d>`, and `start`/`dur` in seconds on an
/// element without `t` (`<text start="18.64" dur="3.24">`). YouTube escapes
/// the text twice (`&amp;amp;`): complete references are decoded twice, the
/// text is not markup. Throws ParseError when the root element is not
/// `<timedtext>`.
Captions parse_srv3(std::string_view text, const CaptionLimits& limits = {});

/// Parses YouTube's legacy timedtext XML (`<transcript><text start="1.54"
/// dur="4.16">this is &amp;lt;i&gt;not...</text>`): times in seconds; the
/// text is escaped HTML, sometimes escaped twice (`&amp;#39;`), so entities
/// are decoded twice and tags removed. Empty `<text>` elements are not cues.
/// Throws ParseError when the root element is not `<transcript>`.
Captions parse_timedtext(std::string_view text, const CaptionLimits& limits = {});

/// Parses W3C TTML (also DFXP, the drafts' namespaces and a prefixed root
/// `<tt:tt>`): each `<p>` of the `<body>` with a time is a cue. Times are
/// clock times (`00:01:02.5`, `00:01:02:15` frames) or offsets (`62.5s`,
/// `1.5m`, `90f`, `5000000t`) with `ttp:frameRate`, `subFrameRate`,
/// `frameRateMultiplier` and `tickRate`; `begin` on `<body>` and `<div>`
/// offsets the times inside them, a `<p>` without `end` or `dur` ends with
/// its container. `<br/>` is a line break, `<span>` text is kept (a timed
/// span gives a word time), entities are decoded once, white space is
/// collapsed unless `xml:space="preserve"`. A `<p>` with text but without a
/// time, or with a bad one, is dropped (warning). Throws ParseError when the
/// root element is not `<tt>`.
Captions parse_ttml(std::string_view text, const CaptionLimits& limits = {});

/// Parses YouTube's SubViewer format (.sbv): a timing line
/// `0:00:01.000,0:00:04.000`, the text lines, a blank line between cues.
/// A cue with a bad timing line is dropped (warning). Throws ParseError when
/// no line is a timing line.
Captions parse_sbv(std::string_view text, const CaptionLimits& limits = {});

/// Parses OpenAI Whisper's JSON output (`{"text":..,"segments":[{"start":0.0,
/// "end":2.5,"text":" Hello there.","words":[{"word":" Hello","start":0.0,
/// "end":0.4},...]}]}`): times in seconds; `words`, when present, give word
/// times. A segment without valid times is dropped (warning). Throws
/// ParseError when the input is not JSON or has no `segments` array.
Captions parse_whisper_json(std::string_view text, const CaptionLimits& limits = {});

/// Parses whisper.cpp's JSON (`whisper-cli -oj`: `{"transcription":[{
/// "timestamps":{"from":"00:00:00,000","to":"00:00:03,000"},"offsets":{
/// "from":0,"to":3000},"text":" And so"}]}`): `offsets` in ms, else the
/// `timestamps` strings; the text's leading space trimmed. With `-ojf`, each
/// segment's `tokens` (`{"text":" so","offsets":{"from":800,"to":1000}}`)
/// give word times; special tokens (`[_BEG_]`, `[_TT_150]`) are skipped. A
/// segment without valid times is dropped (warning). Throws ParseError when
/// the input is not JSON or has no `transcription` array.
Captions parse_whisper_cpp_json(std::string_view text, const CaptionLimits& limits = {});

/// Reads a plain-text transcript without times: each non-blank line is a
/// cue (a line over 240 bytes is cut at sentence ends, else between words,
/// so that a snippet stays short); every time is 0. Throws ParseError when
/// the text holds a NUL byte (binary data).
Captions parse_plain_text(std::string_view text, const CaptionLimits& limits = {});

/// Guesses the format from the content: a `WEBVTT` signature; a JSON object
/// with an `events` array (json3), a `segments` array (Whisper) or a
/// `transcription` array (whisper.cpp); an XML root `<timedtext>` (srv3),
/// `<transcript>` (legacy timedtext) or `<tt>` (TTML); an SRT or SBV timing
/// line in the first lines. Otherwise falls back to the file name's
/// extension when the format table (formats.h) says it names a format
/// (`.vtt`, `.srt`, `.sbv`, `.json3`, `.srv3`, `.ttml`, `.dfxp`, and `.txt`
/// for text that is not JSON or XML). Returns nullopt when neither tells:
/// a yt-dlp `.info.json`, a manifest or any other JSON or XML that is not
/// captions.
std::optional<CaptionFormat> detect_caption_format(std::string_view text,
                                                   std::string_view file_name = {});

/// Detects the format and parses. Throws ParseError for a file that is empty
/// or only whitespace (after a byte order mark), when the format is not
/// recognised (naming what the content is when it can: JSON or XML that is
/// not captions, yt-dlp metadata) or the parser rejects the file.
Captions parse_captions(std::string_view text, std::string_view file_name = {},
                        const CaptionLimits& limits = {});

}  // namespace talksearch

// Running yt-dlp for one video (`talksearch-index fetch`): the command line,
// the child process with a time limit, and what its exit and messages mean.
// The classification is pure (classify_ytdlp, read_fetched_tracks); only
// run_ytdlp starts a process.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/sources/caption_store.h"

namespace talksearch {

/// How yt-dlp is run.
struct YtdlpSettings {
    std::string program = "yt-dlp";  ///< a path, or a name looked up on PATH
    /// Caption languages asked for, best first: the talk's language, then these.
    std::vector<std::string> fallback_languages = {"en"};
    std::chrono::seconds timeout{300};  ///< per video
    std::chrono::seconds socket_timeout{30};
};

/// What one run of yt-dlp came to, before its files are looked at.
enum class YtdlpOutcome {
    kOk,           ///< exit 0
    kUnavailable,  ///< private, removed, not found, not a video (yt-dlp said so)
    kRateLimited,  ///< HTTP 429 or "sign in to confirm you're not a bot"
    kFailed,       ///< anything else: a crash, a network error, a timeout, garbage
};

/// Classifies a finished run from its exit status and stderr. `reason` gets
/// the line that says why (yt-dlp's last "ERROR:" line, else the last line).
YtdlpOutcome classify_ytdlp(int exit_code, bool timed_out, std::string_view stderr_text,
                            std::string& reason);

/// The caption languages to ask for a talk in `language` (BCP 47, may be
/// empty): that language and its regional forms, then the fallbacks; as a
/// yt-dlp `--sub-langs` value ("es.*,es,en.*,en").
std::string subtitle_languages(std::string_view language,
                               const std::vector<std::string>& fallbacks);

/// yt-dlp's arguments (without the program) to fetch `url`'s captions and
/// info.json into `work`: no media download, human and automatic captions,
/// formats with word times first (json3, srv3), else VTT.
std::vector<std::string> ytdlp_arguments(const YtdlpSettings& s, std::string_view url,
                                         std::string_view language,
                                         const std::filesystem::path& work);

/// What yt-dlp wrote into a work folder: its info.json and the caption
/// tracks beside it, each marked human when info.json lists its language
/// under `subtitles`, machine under `automatic_captions`. Throws ParseError
/// when the info.json is not JSON (yt-dlp printed garbage); no info.json at
/// all leaves `info_json` empty.
struct FetchedFiles {
    std::string info_json;
    std::vector<StoredTrack> tracks;
};
FetchedFiles read_fetched_tracks(const std::filesystem::path& work);

/// The result of one run.
struct YtdlpRun {
    int exit_code = -1;
    bool timed_out = false;
    std::string stdout_text;  ///< at most 64 KB: the end of it
    std::string stderr_text;  ///< at most 64 KB: the end of it
};

/// Runs `program` (a path, or a name looked up on PATH) with `args`, stdin
/// from /dev/null, in a
/// process group of its own that is killed when `timeout` passes. Throws
/// Error when the program cannot be started.
YtdlpRun run_program(const std::string& program, const std::vector<std::string>& args,
                     std::chrono::seconds timeout);

/// The version yt-dlp reports (`--version`), or an Error naming the program
/// when it cannot be run.
std::string ytdlp_version(const std::string& program);

}  // namespace talksearch

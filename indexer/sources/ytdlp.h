// yt-dlp's output as a source: `<name>.info.json` files (what
// `yt-dlp --write-info-json --write-subs --write-auto-subs --skip-download`
// writes for each video of a channel or playlist) with their caption files
// beside them (`<name>.<lang>.vtt`, or any format captions.h reads).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/talk.h"

namespace talksearch {

/// A caption file written beside an info.json.
struct YtdlpCaption {
    std::filesystem::path path;
    std::string language;                      ///< from the name: `<name>.<lang>.<ext>`
    CaptionKind kind = CaptionKind::kMachine;  ///< human when info.json lists it under `subtitles`
};

/// One video.
struct YtdlpVideo {
    Talk talk;
    std::vector<YtdlpCaption> captions;
    /// In a caption store (`talksearch-index fetch`): the catalogue talk its
    /// record names ("event/slug"), whose metadata the video's captions join.
    std::string catalogue_talk;
};

/// What a folder of yt-dlp output holds.
struct YtdlpLoad {
    std::vector<YtdlpVideo> videos;
    std::size_t files_seen = 0;  ///< info.json files
    /// Files that could not be read as a video's info: (path, message).
    std::vector<std::pair<std::string, std::string>> problems;
};

/// Makes a talk of one info.json: title, uploader (as the event when there is
/// no playlist), upload_date, description, tags, duration, chapters,
/// webpage_url, thumbnail, language. The talk's id is `<event>/<video id>`,
/// where the event is the slug of the playlist's title, else the channel's,
/// else "yt-dlp". Throws ParseError naming the field when the file is not a
/// video's info (a playlist's info.json has no `id` of a video: refused).
Talk parse_ytdlp_info(std::string_view json, const std::filesystem::path& path);

/// The kind of a caption file yt-dlp wrote (`<name>.<lang>.<ext>`) that a
/// caption folder holds beside its `<name>.info.json`: human when info.json
/// lists the language under `subtitles`, machine when only under
/// `automatic_captions`; nullopt when there is no such info.json or it lists
/// neither. Throws nothing: an unreadable info.json tells nothing.
std::optional<CaptionKind> ytdlp_caption_kind(const std::filesystem::path& caption_file);

/// Finds every `*.info.json` below the roots and the caption files beside
/// each (same name up to the language); hidden folders (a caption store's
/// `.tmp/`, where a fetch is at work) are not read. In a caption store's
/// video folder the record names the talk and the tracks (caption_store.h):
/// only the tracks it names are taken, with the kinds it gives. Throws Error
/// when a root does not exist; a bad file is a problem, and the walk goes on.
YtdlpLoad load_ytdlp(const std::vector<std::filesystem::path>& roots);

}  // namespace talksearch

// Matching caption files to talks: manifests, YouTube ids in file names,
// slugs. The name parsing is pure; attach_captions() works on values.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/talk.h"

namespace talksearch {

/// What a caption file's name tells about it.
struct CaptionFileName {
    std::optional<std::string> youtube_id;  ///< an 11-character YouTube id, when the name has one
    std::string language;  ///< BCP 47 tag from `.en.`/`.pt-BR.` or a language folder; may be empty
    std::string title;     ///< a readable title made from the rest of the name
    std::string stem;      ///< the name without extension and language suffix
    std::optional<CaptionKind> kind;  ///< machine when the path says so (whisper/, .auto.)
};

/// Parses a caption file's path (any caption extension: `.vtt`, `.json3`,
/// `.sbv`, ...). Recognises the forms yt-dlp and people produce:
/// `<id>.<lang>.<ext>`, `Title [<id>].<lang>.<ext>`,
/// `Title - <id>.<ext>`, `Title <id>.srt` (in the last form the id must look
/// generated: a digit, `-`, `_` or an inner capital), and a parent folder
/// named after a language (`es/Title - <id>.srt`).
CaptionFileName parse_caption_file_name(const std::filesystem::path& path);

/// Extracts a YouTube id from a video URL (watch?v=, youtu.be/, /embed/, /v/,
/// /shorts/, /live/); nullopt for any other URL.
std::optional<std::string> youtube_id_from_url(std::string_view url);

/// One row of a caption manifest (see ../shared/corpus/pycon-captions).
struct ManifestEntry {
    std::filesystem::path caption;  ///< resolved against the manifest's folder
    std::string talk;               ///< the talk file below a catalogue root: `event/videos/x.json`
    std::optional<std::string> youtube_id;
    std::optional<CaptionKind> kind;  ///< "whisper"/"machine"/"auto" or "human"
};

/// Parses a manifest: a JSON array of {caption, talk, youtube_id?, kind?}.
/// Throws ParseError (`[index].field: problem`) when it is not one.
std::vector<ManifestEntry> parse_manifest(std::string_view json,
                                          const std::filesystem::path& manifest_dir);

/// A caption file found in a caption folder, before it is parsed.
struct CaptionFile {
    std::filesystem::path path;
    std::filesystem::path root;  ///< the --captions folder it was found under
    CaptionFileName name;
};

/// True when a file found in a caption folder is to be read as captions, by
/// its name: `.vtt .srt .sbv .json3 .srv1 .srv2 .srv3 .ttml .dfxp` always; `.json .xml
/// .txt` unless the name says the file is something else: yt-dlp's
/// `*.info.json` and `*.live_chat.json`, a `manifest.json`, a hidden or
/// `_`-prefixed file (`_index.json`), or a project file (`README`,
/// `LICENSE`, `SOURCE`, `NOTES`, `CHANGELOG`, `requirements`, ...).
bool is_caption_file_name(const std::filesystem::path& path);

/// Where one caption file goes.
struct CaptionAssignment {
    std::size_t file = 0;  ///< index into the caption file list
    std::size_t talk = 0;  ///< index into the talk list (talks made for orphans included)
    std::string language;
    CaptionKind kind = CaptionKind::kHuman;
    std::string matched_by;  ///< "manifest", "youtube-id", "slug" or "own-talk"
};

/// The outcome of matching.
struct MatchResult {
    std::vector<CaptionAssignment> assignments;
    std::vector<Talk> new_talks;        ///< talks made for captions that matched none (appended)
    std::vector<std::string> warnings;  ///< "path: problem"
};

/// Matches caption files to `talks`, in order: (a) manifest rows, (b) a
/// YouTube id in the file name against the talks' video URLs, (c) the file
/// stem against a talk's slug (when exactly one talk has it). A file matched
/// by none becomes (part of) a talk of its own: files that share a YouTube
/// id, or a stem, under one root are one talk with several tracks. New talks
/// are returned in `new_talks`, indexed from talks.size() in assignments.
/// A manifest row whose caption file does not exist is a warning (its talk
/// is indexed without it).
MatchResult match_captions(const std::vector<Talk>& talks, const std::vector<CaptionFile>& files,
                           const std::vector<ManifestEntry>& manifest,
                           std::string_view default_language);

}  // namespace talksearch

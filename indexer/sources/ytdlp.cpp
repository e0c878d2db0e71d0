#include "indexer/sources/ytdlp.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/error.h"
#include "core/text.h"
#include "indexer/io/files.h"
#include "indexer/sources/caption_store.h"
#include "indexer/sources/json_object.h"

namespace fs = std::filesystem;
namespace dom = simdjson::dom;

namespace talksearch {

namespace {

constexpr std::string_view kInfoSuffix = ".info.json";

std::string str(dom::object obj, const char* key) {
    std::string_view v;
    if (obj[key].get_string().get(v)) return {};
    return sanitize_utf8(v);
}

// Times past this (115 days) are no video's: left out rather than overflowing
// the conversion to milliseconds (found by tests/fuzz).
constexpr double kMaxSeconds = 1e7;

std::int64_t ms_of(double seconds) { return static_cast<std::int64_t>(seconds * 1000.0 + 0.5); }

bool is_video_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

}  // namespace

Talk parse_ytdlp_info(std::string_view json, const fs::path& path) {
    const JsonObjectDocument document(json);
    const dom::object obj = document.root();
    const std::string type = str(obj, "_type");
    if (!type.empty() && type != "video") {
        throw ParseError(0, "_type: \"" + type + "\" is not a video (a playlist's info.json?)");
    }
    const std::string id = str(obj, "id");
    if (!is_video_id(id)) throw ParseError(0, "id: expected a video id");
    Talk t;
    t.origin = TalkOrigin::kYtdlp;
    t.source_path = path.string();
    t.title = to_nfc(str(obj, "title"));
    if (t.title.empty()) throw ParseError(0, "title: expected a string");
    std::string collection = str(obj, "playlist_title");
    if (collection.empty()) collection = str(obj, "channel");
    if (collection.empty()) collection = str(obj, "uploader");
    t.event = collection.empty() ? std::string("yt-dlp") : slugify(collection);
    t.event_title = collection.empty() ? "yt-dlp" : to_nfc(collection);
    t.slug = id;
    t.description = str(obj, "description");
    std::string date = str(obj, "upload_date");
    if (date.empty()) date = str(obj, "release_date");
    if (date.size() == 8 &&
        std::all_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        t.recorded = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
    }
    double duration = 0;
    if (!obj["duration"].get_double().get(duration) && duration > 0 && duration < kMaxSeconds) {
        t.duration_s = static_cast<std::int64_t>(duration + 0.5);
    }
    dom::array tags;
    if (!obj["tags"].get_array().get(tags)) {
        for (dom::element e : tags) {
            std::string_view v;
            if (!e.get_string().get(v) && !v.empty()) t.tags.push_back(sanitize_utf8(v));
        }
    }
    std::string language = str(obj, "language");
    t.language = language.substr(0, language.find_first_of("-_"));
    std::string url = str(obj, "webpage_url");
    if (url.empty() && str(obj, "extractor_key") == "Youtube") {
        url = "https://www.youtube.com/watch?v=" + id;
    }
    if (!url.empty()) {
        const std::string extractor = ascii_lower(str(obj, "extractor_key"));
        t.videos.push_back({extractor.empty() ? "video" : extractor, url, std::nullopt});
    }
    t.thumbnail_url = str(obj, "thumbnail");
    dom::array chapters;
    if (!obj["chapters"].get_array().get(chapters)) {
        for (dom::element e : chapters) {
            double start = 0, end = 0;
            dom::object c;
            if (e.get_object().get(c) || c["start_time"].get_double().get(start) || start < 0 ||
                start > kMaxSeconds) {
                continue;
            }
            Chapter ch;
            ch.start_ms = ms_of(start);
            ch.end_ms = !c["end_time"].get_double().get(end) && end >= start && end <= kMaxSeconds
                            ? ms_of(end)
                            : ch.start_ms;
            ch.title = to_nfc(str(c, "title"));
            if (!ch.title.empty()) t.chapters.push_back(std::move(ch));
        }
    }
    return t;
}

namespace {

// The caption files yt-dlp wrote beside `info` (named `<stem>.<lang>.<ext>`),
// human when info.json lists their language under `subtitles`.
std::vector<YtdlpCaption> captions_beside(const fs::path& info, const std::string& text,
                                          const std::vector<fs::path>& files) {
    const std::string name = info.filename().string();
    std::set<std::string> human;
    dom::parser parser;
    dom::object subs;
    if (!parser.parse(text)["subtitles"].get_object().get(subs)) {
        for (auto [lang, v] : subs) human.insert(std::string(lang));
    }
    // The subtitle formats yt-dlp writes (its own list, not every extension a
    // caption folder may hold: never .json or .txt).
    static const std::set<std::string> kExts = {"vtt",  "srt",  "sbv", "json3", "srv1",
                                                "srv2", "srv3", "xml", "ttml",  "dfxp"};
    const std::string stem = name.substr(0, name.size() - kInfoSuffix.size());
    std::vector<YtdlpCaption> out;
    for (const fs::path& f : files) {
        const std::string fname = f.filename().string();
        if (f == info || !fname.starts_with(stem + ".")) continue;
        // <stem>.<lang>.<ext>: exactly one dot-separated part between.
        const std::string rest = fname.substr(stem.size() + 1);
        const auto dot = rest.find('.');
        if (dot == std::string::npos || dot == 0 || rest.find('.', dot + 1) != std::string::npos) {
            continue;
        }
        const std::string lang = rest.substr(0, dot);
        const std::string ext = ascii_lower(rest.substr(dot + 1));
        if (!kExts.contains(ext) || lang == "live_chat") continue;
        out.push_back({f, lang.substr(0, lang.find("-orig")),
                       human.contains(lang) ? CaptionKind::kHuman : CaptionKind::kMachine});
    }
    return out;
}

// A caption store's video folder: its record, when it names `info` (a video
// fetched, and not a folder a killed run left half written).
std::optional<VideoRecord> store_record(const fs::path& info) {
    const fs::path file = info.parent_path() / "record.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    VideoRecord r = parse_video_record(read_file(file, 1u << 20));
    if (r.info_json != info.filename().string()) return std::nullopt;
    return r;
}

// One info.json: its video, or nullopt for a playlist's own info.json and, in
// a caption store (`in_store`), for a video folder without its record.
std::optional<YtdlpVideo> load_video(const fs::path& info, const std::vector<fs::path>& files,
                                     bool in_store) {
    const std::string text = read_file(info, 64u << 20);
    {
        // A playlist's or channel's own info.json is not a video: not a problem.
        dom::parser probe;
        std::string_view type;
        if (!probe.parse(text)["_type"].get_string().get(type) &&
            (type == "playlist" || type == "multi_video")) {
            return std::nullopt;
        }
    }
    YtdlpVideo video;
    video.talk = parse_ytdlp_info(text, info);
    if (const std::optional<VideoRecord> record = store_record(info)) {
        video.catalogue_talk = record->talk_id;
        for (const StoredTrack& t : record->tracks) {
            video.captions.push_back({info.parent_path() / t.file,
                                      t.language.substr(0, t.language.find("-orig")),
                                      t.human ? CaptionKind::kHuman : CaptionKind::kMachine});
        }
    } else if (in_store) {
        return std::nullopt;  // a fetch was killed before it wrote the record
    } else {
        video.captions = captions_beside(info, text, files);
    }
    return video;
}

}  // namespace

YtdlpLoad load_ytdlp(const std::vector<fs::path>& roots) {
    YtdlpLoad out;
    for (const fs::path& root : roots) {
        std::error_code ec;
        if (!fs::is_directory(root, ec)) throw Error(root.string() + ": not a folder");
        // Every file of the tree, by folder, so the captions beside an
        // info.json are found without another walk.
        std::map<fs::path, std::vector<fs::path>> by_folder;
        const bool in_store =
            fs::is_directory(root / "videos", ec) && fs::is_directory(root / ".tmp", ec);
        for (auto it = fs::recursive_directory_iterator(
                 root, fs::directory_options::skip_permission_denied, ec);
             it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) break;
            if (it->is_directory(ec) && it->path().filename().string().starts_with(".")) {
                it.disable_recursion_pending();  // a caption store's work folders
                continue;
            }
            if (it->is_regular_file(ec)) by_folder[it->path().parent_path()].push_back(it->path());
        }
        for (auto& [folder, files] : by_folder) {
            std::sort(files.begin(), files.end());
            for (const fs::path& info : files) {
                if (!info.filename().string().ends_with(kInfoSuffix)) continue;
                ++out.files_seen;
                try {
                    if (auto video = load_video(info, files, in_store))
                        out.videos.push_back(std::move(*video));
                } catch (const Error& e) {  // ParseError too
                    out.problems.emplace_back(info.string(), e.what());
                }
            }
        }
    }
    return out;
}

std::optional<CaptionKind> ytdlp_caption_kind(const fs::path& caption_file) {
    const std::string name = caption_file.filename().string();
    const auto ext_dot = name.rfind('.');
    if (ext_dot == std::string::npos || ext_dot == 0) return std::nullopt;
    const auto lang_dot = name.rfind('.', ext_dot - 1);
    if (lang_dot == std::string::npos || lang_dot == 0) return std::nullopt;
    const std::string lang = name.substr(lang_dot + 1, ext_dot - lang_dot - 1);
    const fs::path info =
        caption_file.parent_path() / (name.substr(0, lang_dot) + std::string(kInfoSuffix));
    std::error_code ec;
    if (!fs::is_regular_file(info, ec)) return std::nullopt;
    try {
        const std::string text = read_file(info, 64u << 20);
        dom::parser parser;
        dom::element doc;
        if (parser.parse(text).get(doc)) return std::nullopt;
        dom::object langs;
        if (!doc["subtitles"].get_object().get(langs) && !langs[lang].error()) {
            return CaptionKind::kHuman;
        }
        if (!doc["automatic_captions"].get_object().get(langs) && !langs[lang].error()) {
            return CaptionKind::kMachine;
        }
    } catch (const Error&) {
    }
    return std::nullopt;
}

}  // namespace talksearch

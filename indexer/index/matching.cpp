#include "indexer/index/matching.h"

#include <simdjson.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/language.h"
#include "core/text.h"
#include "core/video_url.h"
#include "indexer/captions/formats.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool is_id(std::string_view s) {
    return s.size() == 11 && std::all_of(s.begin(), s.end(), is_id_char);
}

// A bare trailing word is taken for an id only when it looks generated:
// "Programming" is a word, "fvhNadKjE8g" is not.
bool looks_generated(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if ((c >= '0' && c <= '9') || c == '-' || c == '_') return true;
        if (i > 0 && c >= 'A' && c <= 'Z') return true;
    }
    return false;
}

// "en", "es", "pt-BR", "zh-Hans": a language tag as file names carry it.
bool looks_like_language_tag(std::string_view s) {
    if (s.size() < 2 || s.size() > 10) return false;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i < 2 || i > 3) return false;
    if (i == s.size()) return true;
    if (s[i] != '-' && s[i] != '_') return false;
    const std::string_view region = s.substr(i + 1);
    return region.size() >= 2 && region.size() <= 4 &&
           std::all_of(region.begin(), region.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

std::string title_from_stem(std::string_view stem) {
    std::string t(trim(stem));
    while (!t.empty() && (t.back() == '-' || t.back() == '_' || t.back() == ' ')) t.pop_back();
    if (t.find(' ') == std::string::npos) {
        for (char& c : t) {
            if (c == '-' || c == '_') c = ' ';
        }
    }
    return collapse_whitespace(t);
}

std::string lower_path_string(const fs::path& p) { return ascii_lower(p.generic_string()); }

std::optional<CaptionKind> kind_from_path(const fs::path& path) {
    for (const auto& part : path) {
        const std::string s = ascii_lower(part.string());
        if (s == "whisper" || s == "machine" || s == "auto" || s == "asr" || s == "auto-subs") {
            return CaptionKind::kMachine;
        }
        if (s == "human") return CaptionKind::kHuman;
    }
    const std::string name = lower_path_string(path.filename());
    if (name.find(".auto.") != std::string::npos) return CaptionKind::kMachine;
    return std::nullopt;
}

std::optional<CaptionKind> kind_from_word(std::string_view word) {
    const std::string w = ascii_lower(word);
    if (w == "human" || w == "manual") return CaptionKind::kHuman;
    if (w == "whisper" || w == "machine" || w == "auto" || w == "asr") return CaptionKind::kMachine;
    return std::nullopt;
}

// "event/videos/slug.json" from a talk's source path, for manifest lookups.
std::string catalogue_key(const std::string& source_path) {
    const fs::path p(source_path);
    const fs::path videos = p.parent_path();
    const fs::path event = videos.parent_path();
    return (event.filename() / videos.filename() / p.filename()).generic_string();
}

}  // namespace

std::optional<std::string> youtube_id_from_url(std::string_view url) {
    return youtube_id(url);  // core/video_url.h: the one reading of video URLs
}

CaptionFileName parse_caption_file_name(const fs::path& path) {
    CaptionFileName out;
    std::string stem = path.stem().string();  // drops ".srt"
    // A language suffix: "Title [id].en", "id.pt-BR".
    if (auto dot = stem.rfind('.'); dot != std::string::npos) {
        const std::string_view tag = std::string_view(stem).substr(dot + 1);
        if (looks_like_language_tag(tag)) {
            out.language = normalize_language(tag);
            if (!out.language.empty()) stem.resize(dot);
        }
    }
    // yt-dlp writes automatic captions as "<name>.<lang>.vtt" too; an extra
    // ".auto" component is how some tools mark them.
    if (stem.size() > 5 && stem.ends_with(".auto")) stem.resize(stem.size() - 5);
    out.stem = stem;
    std::string_view rest = stem;
    if (is_id(rest)) {
        out.youtube_id = std::string(rest);
        rest = {};
    } else if (rest.size() >= 13 && rest.back() == ']' && rest[rest.size() - 13] == '[' &&
               is_id(rest.substr(rest.size() - 12, 11))) {
        out.youtube_id = std::string(rest.substr(rest.size() - 12, 11));
        rest.remove_suffix(13);
    } else if (rest.size() >= 14 && rest.substr(rest.size() - 14, 3) == " - " &&
               is_id(rest.substr(rest.size() - 11))) {
        out.youtube_id = std::string(rest.substr(rest.size() - 11));
        rest.remove_suffix(14);
    } else if (rest.size() >= 12 && rest[rest.size() - 12] == ' ' &&
               is_id(rest.substr(rest.size() - 11)) &&
               looks_generated(rest.substr(rest.size() - 11))) {
        out.youtube_id = std::string(rest.substr(rest.size() - 11));
        rest.remove_suffix(12);
    }
    out.title = title_from_stem(rest.empty() ? std::string_view(stem) : rest);
    if (out.youtube_id && rest.empty()) out.title.clear();
    if (out.language.empty()) {
        const std::string parent = path.parent_path().filename().string();
        if (looks_like_language_tag(parent)) out.language = normalize_language(parent);
    }
    out.kind = kind_from_path(path);
    return out;
}

std::vector<ManifestEntry> parse_manifest(std::string_view json, const fs::path& manifest_dir) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser.parse(padded).get(root)) {
        throw ParseError(0, std::string("manifest: invalid JSON: ") + simdjson::error_message(err));
    }
    simdjson::dom::array rows;
    if (root.get_array().get(rows)) throw ParseError(0, "manifest: expected an array of rows");
    std::vector<ManifestEntry> out;
    std::size_t i = 0;
    for (simdjson::dom::element row : rows) {
        const std::string where = "[" + std::to_string(i++) + "]";
        simdjson::dom::object obj;
        if (row.get_object().get(obj)) throw ParseError(0, where + ": expected an object");
        std::string_view caption, talk, youtube, kind;
        if (obj["caption"].get_string().get(caption) || caption.empty()) {
            throw ParseError(0, where + ".caption: expected a string");
        }
        if (obj["talk"].get_string().get(talk) || talk.empty()) {
            throw ParseError(0, where + ".talk: expected a string");
        }
        ManifestEntry e;
        e.caption = manifest_dir / fs::path(std::string(caption));
        e.talk = std::string(talk);
        if (!obj["youtube_id"].get_string().get(youtube) && is_id(youtube)) {
            e.youtube_id = std::string(youtube);
        }
        if (!obj["kind"].get_string().get(kind)) e.kind = kind_from_word(kind);
        out.push_back(std::move(e));
    }
    return out;
}

bool is_caption_file_name(const fs::path& path) {
    const std::string name = ascii_lower(path.filename().string());
    const CaptionExtension* ext = find_caption_extension(path.extension().string());
    if (ext == nullptr) return false;
    if (!ext->shared) return true;
    // These extensions hold much besides captions: the name must not say
    // what else the file is.
    if (name.starts_with('.') || name.starts_with('_')) return false;
    if (name.ends_with(".info.json") || name.ends_with(".live_chat.json")) return false;
    const std::string stem = ascii_lower(path.stem().string());
    static constexpr std::string_view kNotCaptions[] = {
        "manifest",     "readme", "license",      "licence",      "copying",   "notice",
        "authors",      "source", "sources",      "notes",        "changelog", "changes",
        "history",      "todo",   "contributing", "requirements", "index",     "package",
        "package-lock", "robots", "metadata",     "info",
    };
    for (std::string_view word : kNotCaptions) {
        if (stem == word) return false;
    }
    return true;
}

namespace {

// The talk of its own that a caption file matching no talk becomes: its event
// is the caption folder's name, its title from the file name, a YouTube link
// when the name holds an id.
Talk own_talk(const CaptionFile& f, const std::string& root_name, const std::string& language) {
    Talk t;
    t.origin = TalkOrigin::kCaptions;
    t.source_path = f.path.string();
    t.event = root_name.empty() ? std::string("captions") : root_name;
    t.event_title = t.event;
    t.title = f.name.title.empty() ? (f.name.youtube_id ? *f.name.youtube_id : f.name.stem)
                                   : f.name.title;
    t.title = to_nfc(t.title);
    t.language = language;
    t.slug = f.name.youtube_id ? slugify(t.title) + "-" + *f.name.youtube_id : slugify(f.name.stem);
    if (f.name.youtube_id) {
        t.videos.push_back(
            {"youtube", "https://www.youtube.com/watch?v=" + *f.name.youtube_id, std::nullopt});
    }
    return t;
}

// The warnings for manifest rows whose caption file no scanned folder held
// and that is not on disk at all, sorted.
std::vector<std::string> missing_manifest_files(
    const std::unordered_map<std::string, std::vector<const ManifestEntry*>>& manifest_rows,
    const std::unordered_set<std::string>& found_rows) {
    std::vector<std::string> missing;
    for (const auto& [path, rows] : manifest_rows) {
        if (found_rows.count(path) != 0) continue;
        std::error_code ec;
        if (fs::exists(rows.front()->caption, ec)) continue;  // outside this run's folders
        const std::string what =
            ec ? "caption file cannot be looked up (" + ec.message() + ")" : "caption file missing";
        for (const ManifestEntry* e : rows) {
            missing.push_back(e->caption.string() + ": " + what +
                              " (the manifest lists it for talk " + e->talk + ")");
        }
    }
    std::sort(missing.begin(), missing.end());
    return missing;
}

}  // namespace

MatchResult match_captions(const std::vector<Talk>& talks, const std::vector<CaptionFile>& files,
                           const std::vector<ManifestEntry>& manifest,
                           std::string_view default_language) {
    MatchResult result;

    std::unordered_map<std::string, std::size_t> by_catalogue_path;
    std::unordered_map<std::string, std::vector<std::size_t>> by_youtube;
    std::unordered_map<std::string, std::vector<std::size_t>> by_slug;
    for (std::size_t i = 0; i < talks.size(); ++i) {
        by_catalogue_path.emplace(catalogue_key(talks[i].source_path), i);
        by_slug[talks[i].slug].push_back(i);
        for (const VideoSource& v : talks[i].videos) {
            if (auto id = youtube_id_from_url(v.url)) {
                auto& list = by_youtube[*id];
                if (list.empty() || list.back() != i) list.push_back(i);
            }
        }
    }

    std::unordered_map<std::string, std::vector<const ManifestEntry*>> manifest_rows;
    for (const ManifestEntry& e : manifest) {
        manifest_rows[fs::weakly_canonical(e.caption).generic_string()].push_back(&e);
    }

    auto language_for = [&](const CaptionFile& f, const Talk* talk) {
        if (!f.name.language.empty()) return f.name.language;
        if (talk != nullptr && !talk->language.empty()) return talk->language;
        return std::string(default_language);
    };

    // Orphans are grouped into talks of their own by (root, id or stem).
    std::map<std::string, std::size_t> orphan_talks;
    std::unordered_set<std::string> found_rows;  // manifest paths that a scanned file matched

    for (std::size_t fi = 0; fi < files.size(); ++fi) {
        const CaptionFile& f = files[fi];
        std::vector<std::pair<std::size_t, std::string>> targets;  // talk, matched_by
        std::optional<CaptionKind> kind = f.name.kind;

        if (!manifest_rows.empty()) {
            auto it = manifest_rows.find(fs::weakly_canonical(f.path).generic_string());
            if (it != manifest_rows.end()) {
                found_rows.insert(it->first);
                for (const ManifestEntry* e : it->second) {
                    if (e->kind) kind = e->kind;
                    auto t = by_catalogue_path.find(e->talk);
                    if (t != by_catalogue_path.end()) {
                        targets.emplace_back(t->second, "manifest");
                    } else {
                        result.warnings.push_back(f.path.string() + ": manifest names talk " +
                                                  e->talk + ", which is not in the catalogue");
                    }
                }
            }
        }
        if (targets.empty() && f.name.youtube_id) {
            auto it = by_youtube.find(*f.name.youtube_id);
            if (it != by_youtube.end()) {
                for (std::size_t t : it->second) targets.emplace_back(t, "youtube-id");
            }
        }
        if (targets.empty()) {
            auto it = by_slug.find(f.name.stem);
            if (it != by_slug.end() && it->second.size() == 1) {
                targets.emplace_back(it->second.front(), "slug");
            }
        }
        if (targets.empty()) {
            const std::string root_name = f.root.filename().empty()
                                              ? f.root.parent_path().filename().string()
                                              : f.root.filename().string();
            const std::string group = f.root.generic_string() + "\n" +
                                      (f.name.youtube_id ? *f.name.youtube_id : f.name.stem);
            auto [it, inserted] =
                orphan_talks.emplace(group, talks.size() + result.new_talks.size());
            if (inserted) {
                result.new_talks.push_back(own_talk(f, root_name, language_for(f, nullptr)));
            } else if (!f.name.title.empty() && f.name.language == default_language) {
                // Prefer the language-neutral (English) name when a group has several.
                Talk& t = result.new_talks[it->second - talks.size()];
                t.title = to_nfc(f.name.title);
                t.language = f.name.language;
            }
            targets.emplace_back(it->second, "own-talk");
        }

        for (const auto& [talk_index, how] : targets) {
            const Talk* talk = talk_index < talks.size() ? &talks[talk_index] : nullptr;
            CaptionAssignment a;
            a.file = fi;
            a.talk = talk_index;
            a.language = language_for(f, talk);
            a.kind = kind.value_or(CaptionKind::kHuman);
            a.matched_by = how;
            result.assignments.push_back(std::move(a));
        }
    }
    // A manifest row whose caption file is gone: its talk is indexed without it, and said so.
    const std::vector<std::string> missing = missing_manifest_files(manifest_rows, found_rows);
    result.warnings.insert(result.warnings.end(), missing.begin(), missing.end());
    return result;
}

}  // namespace talksearch

#include "indexer/index/build_inputs.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <unordered_map>

#include "core/error.h"
#include "core/text.h"
#include "core/video_url.h"
#include "indexer/index/caption_walk.h"
#include "indexer/index/talk_groups.h"
#include "indexer/sources/pyvideo.h"
#include "indexer/sources/remote.h"
#include "indexer/sources/ytdlp.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// "speakers[2]: expected a string" -> "speakers"; "invalid JSON: ..." -> "invalid JSON".
std::string reason_of(std::string_view message) {
    std::string_view head = message.substr(0, message.find(':'));
    if (const auto bracket = head.find('['); bracket != std::string_view::npos) {
        head = head.substr(0, bracket);
    }
    if (head.size() > 40) head = head.substr(0, 40);
    return std::string(head);
}

// For each yt-dlp video, the catalogue talks it is a recording of: the talk a
// caption store's record names, and every talk listing its YouTube id (the
// catalogue lists some recordings twice). Empty: a talk of its own.
std::vector<std::vector<std::size_t>> catalogue_talks_of(const std::vector<Talk>& talks,
                                                         const std::vector<YtdlpVideo>& videos) {
    std::unordered_map<std::string, std::size_t> by_id;
    std::unordered_map<std::string, std::vector<std::size_t>> by_youtube;
    for (std::size_t t = 0; t < talks.size(); ++t) {
        by_id.emplace(talk_id(talks[t]), t);
        for (const VideoSource& v : talks[t].videos) {
            if (auto id = youtube_id(v.url)) by_youtube[*id].push_back(t);
        }
    }
    std::vector<std::vector<std::size_t>> out(videos.size());
    for (std::size_t v = 0; v < videos.size(); ++v) {
        std::vector<std::size_t>& joins = out[v];
        if (auto it = by_id.find(videos[v].catalogue_talk); it != by_id.end()) {
            joins.push_back(it->second);
        }
        for (const VideoSource& source : videos[v].talk.videos) {
            const auto id = youtube_id(source.url);
            if (!id) continue;
            if (auto it = by_youtube.find(*id); it != by_youtube.end()) {
                joins.insert(joins.end(), it->second.begin(), it->second.end());
            }
        }
        std::sort(joins.begin(), joins.end());
        joins.erase(std::unique(joins.begin(), joins.end()), joins.end());
    }
    return out;
}

// What a catalogue talk takes from yt-dlp's info.json of its video: the
// chapters and the duration, where the catalogue has none.
void take_video_metadata(Talk& talk, const Talk& video) {
    if (talk.chapters.empty()) talk.chapters = video.chapters;
    if (!talk.duration_s) talk.duration_s = video.duration_s;
}

// Orders each talk's videos so that the first, the one results link, is one a
// viewer can open at a second: a host with time links, then a media file,
// then another page; a signed URL that has expired last. The rest stay listed.
void order_videos_for_links(std::vector<Talk>& talks) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    for (Talk& t : talks) {
        std::stable_sort(t.videos.begin(), t.videos.end(),
                         [now](const VideoSource& a, const VideoSource& b) {
                             return video_link_rank(a.url, now) < video_link_rank(b.url, now);
                         });
    }
}

// "javascript:" or "no scheme": what a URL that is not http(s) is, without
// repeating its text (which may be a payload) in the report.
std::string what_url_is(std::string_view url) {
    const std::size_t colon = url.find(':');
    const bool scheme =
        colon != std::string_view::npos && colon > 0 && colon <= 32 &&
        std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' ||
                   c == '.';
        });
    return scheme ? ascii_lower(url.substr(0, colon + 1)) : "no scheme";
}

// Every source's talks pass here: a video, thumbnail or related URL that is
// not http(s) (`javascript:`, `data:`, a typo) is dropped with a warning
// naming the file and the field, so no output can ever link to it.
void drop_non_http_urls(std::vector<Talk>& talks, BuildReport& report) {
    for (Talk& t : talks) {
        const auto warn = [&](const std::string& field, std::string_view url) {
            report.problems.push_back(
                {t.source_path, 0,
                 field + ": not an http(s) URL (" + what_url_is(url) + "); dropped",
                 "URL not http(s)", false});
        };
        std::size_t i = 0;
        std::erase_if(t.videos, [&](const VideoSource& v) {
            const bool drop = !is_http_url(v.url);
            if (drop) warn("videos[" + std::to_string(i) + "].url", v.url);
            ++i;
            return drop;
        });
        i = 0;
        std::erase_if(t.related_urls, [&](const RelatedUrl& r) {
            const bool drop = !is_http_url(r.url);
            if (drop) warn("related_urls[" + std::to_string(i) + "]", r.url);
            ++i;
            return drop;
        });
        if (!t.thumbnail_url.empty() && !is_http_url(t.thumbnail_url)) {
            warn("thumbnail_url", t.thumbnail_url);
            t.thumbnail_url.clear();
        }
    }
}

}  // namespace

// Problems in a mirrored remote file are reported under the URL it came from.
void name_urls(BuildReport& report, const Inputs& in) {
    for (InputProblem& p : report.problems) {
        if (const auto it = in.url_of.find(p.path); it != in.url_of.end()) p.path = it->second;
    }
}

Inputs gather_inputs(const BuildOptions& given, BuildReport& report) {
    Inputs in;
    // Remote sources first: fetched into a local mirror, then read like any folder.
    BuildOptions options = given;
    if (!given.urls.empty()) {
        RemoteSources remote = fetch_remote_sources(given.urls, given.fetch, given.index_dir);
        options.talk_roots.insert(options.talk_roots.end(), remote.talk_roots.begin(),
                                  remote.talk_roots.end());
        options.caption_roots.insert(options.caption_roots.end(), remote.caption_roots.begin(),
                                     remote.caption_roots.end());
        options.manifests.insert(options.manifests.end(), remote.manifests.begin(),
                                 remote.manifests.end());
        for (const RemoteSources::Failure& f : remote.failures) {
            report.problems.push_back(
                {f.url, 0,
                 f.used_cached_copy ? f.error + " (the last good copy was used)" : f.error, "fetch",
                 !f.used_cached_copy});
        }
        in.url_of = std::move(remote.url_of);
    }
    Catalogue catalogue = load_catalogue(options.talk_roots);
    report.talk_files = catalogue.files_seen;
    for (const LoadProblem& p : catalogue.problems) {
        report.problems.push_back({p.path, 0, p.message, reason_of(p.message), p.skipped});
    }
    in.talks = std::move(catalogue.talks);

    std::vector<ManifestEntry> manifest;
    for (const fs::path& m : options.manifests) {
        try {
            auto rows = parse_manifest(read_file(m, 64ull * 1024 * 1024), m.parent_path());
            manifest.insert(manifest.end(), rows.begin(), rows.end());
        } catch (const Error& e) {
            report.problems.push_back({m.string(), 0, e.what(), "manifest", true});
        }
    }

    // yt-dlp output: talks with their own caption files beside them.
    YtdlpLoad ytdlp = load_ytdlp(options.ytdlp_roots);
    report.talk_files += ytdlp.files_seen;
    for (const auto& [path, message] : ytdlp.problems) {
        report.problems.push_back({path, 0, message, "yt-dlp info", true});
    }
    // One talk per video: a video of a catalogue talk joins it; any other is a talk of its own.
    std::vector<std::vector<std::size_t>> owners = catalogue_talks_of(in.talks, ytdlp.videos);
    for (std::size_t v = 0; v < ytdlp.videos.size(); ++v) {
        for (std::size_t t : owners[v]) take_video_metadata(in.talks[t], ytdlp.videos[v].talk);
        if (owners[v].empty()) {
            owners[v].push_back(in.talks.size());
            in.talks.push_back(std::move(ytdlp.videos[v].talk));
        }
    }

    CaptionScan scan = find_caption_files(options.caption_roots);
    in.files = std::move(scan.files);
    for (const CaptionWalkProblem& p : scan.problems) {
        report.problems.push_back({p.path.string(), 0, p.message, p.reason, true});
    }
    // A folder given both as yt-dlp output and as captions: its files are the videos'.
    std::erase_if(in.files, [&](const CaptionFile& f) {
        return std::any_of(options.ytdlp_roots.begin(), options.ytdlp_roots.end(),
                           [&](const fs::path& root) {
                               const auto rel = f.path.lexically_relative(root);
                               return !rel.empty() && *rel.begin() != "..";
                           });
    });
    in.match = match_captions(in.talks, in.files, manifest, options.default_language);
    // yt-dlp output read as a caption folder: its info.json says which tracks are automatic.
    for (CaptionAssignment& a : in.match.assignments) {
        if (a.matched_by == "manifest" || in.files[a.file].name.kind) continue;
        if (const auto kind = ytdlp_caption_kind(in.files[a.file].path)) a.kind = *kind;
    }
    for (std::size_t v = 0; v < ytdlp.videos.size(); ++v) {
        for (const YtdlpCaption& c : ytdlp.videos[v].captions) {
            in.files.push_back({c.path, c.path.parent_path(), parse_caption_file_name(c.path)});
            for (std::size_t t : owners[v]) {
                in.match.assignments.push_back(
                    {in.files.size() - 1, t, c.language, c.kind, "yt-dlp"});
            }
        }
    }
    report.caption_files = in.files.size();
    for (const std::string& w : in.match.warnings) {
        report.problems.push_back(
            {w.substr(0, w.find(": ")), 0, w.substr(w.find(": ") + 2), "manifest", false});
    }
    report.caption_only_talks = in.match.new_talks.size();
    for (Talk& t : in.match.new_talks) in.talks.push_back(std::move(t));

    drop_non_http_urls(in.talks, report);
    order_videos_for_links(in.talks);
    const std::vector<TalkGroup> groups = group_recordings(in.talks);
    for (std::size_t i = 0; i < in.talks.size(); ++i) {
        in.talks[i].recording_group = groups[i].key;
        in.talks[i].recordings = groups[i].recordings;
        if (groups[i].recordings > 1 && groups[i].key == talk_id(in.talks[i]))
            ++report.repeated_talks;
    }

    in.by_talk.resize(in.talks.size());
    in.used.assign(in.files.size(), false);
    for (const CaptionAssignment& a : in.match.assignments) in.by_talk[a.talk].push_back(&a);
    return in;
}

}  // namespace talksearch

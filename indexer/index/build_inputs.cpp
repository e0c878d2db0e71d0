#include "indexer/index/build_inputs.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
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
    const std::size_t first_ytdlp = in.talks.size();
    for (YtdlpVideo& v : ytdlp.videos) in.talks.push_back(std::move(v.talk));

    in.files = find_caption_files(options.caption_roots);
    // A folder given both as yt-dlp output and as captions: its files are the videos'.
    std::erase_if(in.files, [&](const CaptionFile& f) {
        return std::any_of(options.ytdlp_roots.begin(), options.ytdlp_roots.end(),
                           [&](const fs::path& root) {
                               const auto rel = f.path.lexically_relative(root);
                               return !rel.empty() && *rel.begin() != "..";
                           });
    });
    in.match = match_captions(in.talks, in.files, manifest, options.default_language);
    for (std::size_t v = 0; v < ytdlp.videos.size(); ++v) {
        for (const YtdlpCaption& c : ytdlp.videos[v].captions) {
            in.files.push_back({c.path, c.path.parent_path(), parse_caption_file_name(c.path)});
            in.match.assignments.push_back(
                {in.files.size() - 1, first_ytdlp + v, c.language, c.kind, "yt-dlp"});
        }
    }
    report.caption_files = in.files.size();
    for (const std::string& w : in.match.warnings) {
        report.problems.push_back(
            {w.substr(0, w.find(": ")), 0, w.substr(w.find(": ") + 2), "manifest", false});
    }
    report.caption_only_talks = in.match.new_talks.size();
    for (Talk& t : in.match.new_talks) in.talks.push_back(std::move(t));

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

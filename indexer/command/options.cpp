#include "indexer/command/options.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "core/error.h"
#include "core/index_stub.h"
#include "indexer/sources/caption_store.h"
#include "indexer/sources/config.h"

namespace talksearch {

namespace {

// The fetch a sources file's fetch.captions asks for, over `catalogues`.
CaptionFetchOptions caption_fetch_options(const CaptionFetchSettings& s,
                                          const std::vector<std::filesystem::path>& catalogues) {
    CaptionFetchOptions o;
    o.catalogues = catalogues;
    o.store = s.store;
    if (s.yt_dlp) o.ytdlp.program = *s.yt_dlp;
    if (!s.languages.empty()) o.ytdlp.fallback_languages = s.languages;
    if (s.jobs) o.jobs = static_cast<unsigned>(std::min<std::uint64_t>(*s.jobs, 16));
    if (s.sleep_seconds) o.sleep = std::chrono::milliseconds(std::llround(*s.sleep_seconds * 1000));
    if (s.timeout_seconds) o.ytdlp.timeout = std::chrono::seconds(*s.timeout_seconds);
    if (s.refresh_older_than) o.refresh_older_than = parse_age(*s.refresh_older_than);
    if (s.since) o.since_year = static_cast<int>(*s.since);
    return o;
}

}  // namespace

BuildOptions indexing_options(const IndexingFlags& flags, bool update,
                              const std::string& default_index,
                              std::optional<CaptionFetchOptions>* fetch_first) {
    BuildOptions build = flags.build;
    std::optional<CaptionFetchSettings> captions_fetch;
    std::string index_dir = flags.index_dir;
    double grace_s = flags.grace_seconds;
    if (!flags.config_path.empty()) {
        try {
            const Config config = load_config(flags.config_path);
            if (config.index && index_dir.empty()) index_dir = config.index->string();
            if (config.default_language) build.default_language = *config.default_language;
            if (config.allow_shrink && *config.allow_shrink) build.allow_shrink = true;
            if (config.grace_seconds) grace_s = static_cast<double>(*config.grace_seconds);
            build.talk_roots = config.talk_roots;
            build.caption_roots = config.caption_roots;
            build.manifests = config.manifests;
            build.ytdlp_roots = config.ytdlp_roots;
            build.urls = config.urls;
            build.fetch = config.fetch;
            captions_fetch = config.fetch_captions;
        } catch (const Error& e) {
            throw Error(std::string("talksearch-index: ") + e.what());
        }
    }
    for (const auto& r : flags.talk_roots) build.talk_roots.emplace_back(r);
    for (const auto& r : flags.caption_roots) build.caption_roots.emplace_back(r);
    for (const auto& m : flags.manifests) build.manifests.emplace_back(m);
    for (const auto& y : flags.ytdlp_roots) build.ytdlp_roots.emplace_back(y);
    if (build.talk_roots.empty() && build.caption_roots.empty() && build.ytdlp_roots.empty() &&
        build.urls.empty()) {
        throw Error(std::string("talksearch-index ") + (update ? "update" : "build") +
                    ": no sources: give --config, --talks, --captions or --ytdlp");
    }
    if (captions_fetch) {
        try {
            if (fetch_first)
                *fetch_first = caption_fetch_options(*captions_fetch, build.talk_roots);
        } catch (const Error& e) {
            throw Error(std::string("talksearch-index: ") + flags.config_path +
                        ": fetch.captions: " + e.what());
        }
        build.ytdlp_roots.push_back(captions_fetch->store);
    }
    build.index_dir = index_dir.empty() ? default_index : index_dir;
    if (!flags.shard_part.empty()) {
        try {
            build.part = parse_shard_part(flags.shard_part);
        } catch (const Error& e) {
            throw Error(std::string("talksearch-index build: --shard: ") + e.what());
        }
    }
    build.grace = std::chrono::seconds(static_cast<std::int64_t>(grace_s));
    build.list_changes = flags.verbose || !flags.report_path.empty();
    return build;
}

}  // namespace talksearch

// Remote sources (config `url` entries): fetched with indexer/sources/fetch.h and laid
// out as local files in pyvideo.org's layout, so the rest of the pipeline
// reads them like any folder.
//
//   <index>/.remote/talks/<event>/videos/<slug>.json    a talk URL
//   <index>/.remote/talks/<event>/category.json         a category URL
//   <index>/.remote/captions/<name>                     a caption URL
//   <index>/.remote/captions/manifest.json              which talk each caption belongs to
//   <index>/.fetch-cache/                               bodies and validators (conditional GET)
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "indexer/sources/config.h"

namespace talksearch {

/// What fetching the remote sources gave.
struct RemoteSources {
    std::vector<std::filesystem::path> talk_roots;
    std::vector<std::filesystem::path> caption_roots;
    std::vector<std::filesystem::path> manifests;
    /// A URL that failed: (url, error, whether a cached copy was used instead).
    struct Failure {
        std::string url;
        std::string error;
        bool used_cached_copy = false;
    };
    std::vector<Failure> failures;
    std::map<std::string, std::string> url_of;  ///< mirrored file path -> the URL it came from
};

/// Where a talk or category URL goes: the event and slug from the URL's path
/// (`.../<event>/videos/<slug>.json`, `.../<event>/category.json`), else the
/// source's `event` and the last path segment. Empty when neither tells, or
/// when a part is not a safe file name.
struct RemotePlace {
    std::string event;
    std::string slug;  ///< empty for a category
};
RemotePlace place_of(const UrlSource& source);

/// Fetches every URL source (a manifest's URLs in a second round), writes the
/// mirror under `index_dir`, and returns the folders to read. Never throws
/// for a failed fetch (it is in `failures`); throws Error when the mirror
/// cannot be written. Call with the index lock held.
RemoteSources fetch_remote_sources(const std::vector<UrlSource>& urls, const FetchSettings& fetch,
                                   const std::filesystem::path& index_dir);

}  // namespace talksearch

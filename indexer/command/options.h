// The flags of `talksearch-index build` and `update` merged with the sources
// file (--config) into the options of one run: the one place where flags
// become a BuildOptions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "indexer/index/build.h"
#include "indexer/sources/caption_fetch.h"

namespace talksearch {

/// The values of the `build` and `update` flags, as the command line parser
/// sets them.
struct IndexingFlags {
    /// The flags that set an option directly (--default-language,
    /// --allow-shrink, --jobs, --shard-talks, --shards, ...).
    BuildOptions build;
    std::vector<std::string> talk_roots;     ///< --talks
    std::vector<std::string> caption_roots;  ///< --captions
    std::vector<std::string> manifests;      ///< --manifest
    std::vector<std::string> ytdlp_roots;    ///< --ytdlp
    std::string index_dir;                   ///< --index ("": the config's, else the default)
    std::string config_path;                 ///< --config ("": none)
    std::string report_path;                 ///< --report ("": none)
    std::string shard_part;                  ///< --shard K/N ("": unset)
    double grace_seconds = 600;              ///< --grace
    bool verbose = false;                    ///< --verbose
};

/// The options of one `build` (update false) or `update` run: the sources
/// file's, if given, with the flags' sources added to them; the file's index
/// folder unless --index is given, else `default_index`. Throws Error, whose
/// what() is the whole line to print ("talksearch-index build: no sources:
/// ..."), for a sources file that cannot be read, no sources at all, or a
/// malformed --shard. A sources file with `fetch.captions` sets `fetch_first`:
/// the captions of the run's catalogues to fetch before it, into the store
/// that the options then read as yt-dlp output.
BuildOptions indexing_options(const IndexingFlags& flags, bool update,
                              const std::string& default_index,
                              std::optional<CaptionFetchOptions>* fetch_first = nullptr);

}  // namespace talksearch

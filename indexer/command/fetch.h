// `talksearch-index fetch`: the flags, and the run with its progress bar,
// report and exit code (indexer/sources/caption_fetch.h does the work).
#pragma once

#include <string>
#include <vector>

#include "indexer/sources/caption_fetch.h"

namespace talksearch {

/// The flags of `fetch` as given.
struct FetchFlags {
    CaptionFetchOptions options;
    std::vector<std::string> fallback_languages = {"en"};
    double sleep_seconds = 1.0;
    unsigned timeout_seconds = 300;
    double rate_limit_wait_seconds = 60;
    std::string refresh_older_than;  ///< "30d"; empty: never
    std::string report_path;
    bool quiet = false;
};

/// Runs a fetch: a progress bar on a terminal (unless quiet), a line per
/// video that failed, a summary, the --report JSON. Returns kExitOk (every
/// video done or up to date), kExitSkipped (some videos failed),
/// kExitRateLimited, kExitFailed (the run could not start) or kExitLocked.
int run_fetch(FetchFlags flags);

}  // namespace talksearch

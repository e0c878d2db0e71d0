// A run's first step: every source read and matched, before anything is written.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/talk.h"
#include "indexer/captions/caption_file.h"
#include "indexer/index/build.h"
#include "indexer/index/matching.h"

namespace talksearch {

/// Everything the sources hold, matched: the talks and, per talk, its caption files.
struct Inputs {
    std::vector<Talk> talks;
    std::vector<CaptionFile> files;
    MatchResult match;
    std::vector<std::vector<const CaptionAssignment*>> by_talk;
    std::map<std::string, std::string> url_of;  ///< mirrored file -> the URL it came from
    /// Caption files attached to a talk so far (by every shard of a run).
    std::vector<bool> used;
};

/// Reads every source of `options` (remote ones fetched into a local mirror
/// first), matches caption files with talks and groups the recordings of a
/// talk. Problems with an input go into `report` (the run goes on); sets the
/// report's talk_files, caption_files, caption_only_talks and repeated_talks.
Inputs gather_inputs(const BuildOptions& options, BuildReport& report);

/// Names the problems in a mirrored remote file by the URL it came from.
void name_urls(BuildReport& report, const Inputs& in);

}  // namespace talksearch

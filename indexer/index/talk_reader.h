// A run's second step, talk by talk: a talk's caption files read (their bytes
// make its source hash), then parsed, cleaned and attached as tracks.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/talk.h"
#include "indexer/index/build.h"
#include "indexer/index/build_inputs.h"

namespace talksearch {

/// Reads a talk's caption files once: their bytes make the talk's source
/// hash, and are parsed only when the talk must be (re)indexed. A file that
/// cannot be read or parsed is reported in the BuildReport once and skipped.
class TalkReader {
  public:
    TalkReader(Inputs& in, const BuildOptions& options, BuildReport& report);

    /// Reads the caption files of talk `ti` and sets its source_hash.
    void read(std::size_t ti, Talk& talk);

    /// Parses the files read() kept and attaches them to the talk as tracks.
    /// Returns false for a talk made from captions alone none of which parsed.
    bool attach(std::size_t ti, Talk& talk);

    /// Marks the files of an unchanged talk as used (they are in the index).
    void keep(std::size_t ti);

    /// Caption files attached to a talk so far (by every shard of the run).
    std::size_t files_used() const;

  private:
    Inputs& in_;
    const BuildOptions& options_;
    BuildReport& report_;
    std::vector<bool>& used_;  // shared by the shards of a run: a file used by two counts once
    std::vector<bool> unreadable_, unparsable_;
    std::vector<std::optional<std::string>> bytes_;
};

/// Counts an attached talk in the report: talks_with_captions, suspect_tracks.
void count_talk(const Talk& talk, BuildReport& report);

}  // namespace talksearch

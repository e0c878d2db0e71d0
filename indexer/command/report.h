// What `talksearch-index build` and `update` say about a run: the --report
// JSON, the summary line, and the note on a failure that a full disk explains.
#pragma once

#include <string>

#include "indexer/index/build.h"

namespace talksearch {

/// The --report file's text: what the run did, as one JSON object and a
/// newline. `error` is "" for a run that finished; `exit_code` the command's.
std::string report_json(const BuildReport& report, const std::string& error, int exit_code);

/// The line printed on stdout after a run that finished, with its newline:
/// "indexed N talks (...), ..." for a build, "updated: ..." or "no change:
/// ..." for an update. `warnings`: the warnings among the problems.
std::string summary_line(const BuildReport& report, bool update, bool verbose,
                         std::size_t warnings);

/// A note for a run that failed on a storage error (a Xapian database error,
/// which is how a write that ran out of space can show: as a corrupt block)
/// when the disk holding `dir` is low on space (under 64 MiB or 1% free),
/// else "". Appended to `error`, the failure's message.
std::string full_disk_note(const std::string& dir, const std::string& error);

}  // namespace talksearch

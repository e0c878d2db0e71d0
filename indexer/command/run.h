// The subcommands of `talksearch-index`, each one unit of work with its one
// catch point: a failure becomes a message on stderr and an exit code. The
// command's part of the library, and the only part that prints.
#pragma once

#include <string>
#include <vector>

#include "indexer/command/options.h"

namespace talksearch {

/// Exit codes (documented in --help and README).
inline constexpr int kExitOk = 0;
inline constexpr int kExitSkipped = 1;      ///< some inputs were skipped, the rest indexed
inline constexpr int kExitFailed = 2;       ///< the run failed; the live index is as it was
inline constexpr int kExitRateLimited = 4;  ///< fetch: a host rate-limited the run; run again later
inline constexpr int kExitLocked = 75;      ///< EX_TEMPFAIL: another writer is running

/// `build` (update false) or `update`: merges the flags with the sources file
/// (indexing_options), runs build_index or update_index with a progress bar
/// on a terminal, writes the --report file, and prints the problems and a
/// summary line. Returns kExitOk, kExitSkipped, kExitFailed or kExitLocked.
int run_indexing(const IndexingFlags& flags, bool update, const std::string& default_index);

/// `captions FILE`: prints the cues read from a caption file (`format`
/// "text" or "json", one object a line), cleaned unless `raw`; warnings and
/// collapsed repetition loops go to stderr.
int run_captions(const std::string& file, const std::string& format, bool raw);

/// `stats`: prints the summary of an index or stub (`format` "text" or "json").
int run_stats(const std::string& index, const std::string& format);

/// `stub`: writes a stub file listing `shards` (remote HOST:PORT or local
/// folders), replacing `output` atomically; with `check`, only once every
/// shard opens and their parts make one whole index.
int run_stub(const std::string& output, const std::vector<std::string>& shards, bool check);

/// The std::terminate handler of talksearch-index. Xapian 1.4 can throw from
/// a destructor while unwinding from a failed write inside commit() (seen
/// with a full disk), which ends the process through std::terminate. Says
/// what happened, removes the half-written generation, and exits like any
/// failed run (kExitFailed): the live index is untouched (a generation is
/// published only after its commit; an in-place commit that does not finish
/// leaves the previous revision).
[[noreturn]] void on_terminate();

}  // namespace talksearch

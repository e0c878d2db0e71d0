// The shard set: the databases an index's stub lists (one for an index that
// is not sharded), opened, combined into one Xapian database, recovered after
// a network error and refreshed when writers change them (docs/SCALING.md).
#pragma once

#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/index_stub.h"
#include "query/searcher.h"

namespace talksearch {

/// One database a stub lists, and its state.
struct Shard {
    StubEntry entry;
    Xapian::Database db;  ///< open when `up`
    bool up = false;
    std::string error;      ///< why it is not up
    std::string live_stub;  ///< a local index folder's XAPIANDB text when opened
    std::chrono::steady_clock::time_point opened{}, tried{};

    std::string label() const { return entry.label(); }
};

/// Owns the open shards of one index and the database they make together.
/// Not thread-safe.
class ShardSet {
  public:
    /// Reads the stub of `index` (a folder or a stub file) and opens every
    /// shard it lists. Shards that cannot be opened are left out. Throws
    /// Error naming the path when there is no stub, when the shards overlap,
    /// or when none opens.
    ShardSet(const std::filesystem::path& index, const SearcherOptions& options);

    /// The shards that are up, as one database.
    Xapian::Database& db() { return db_; }
    const Xapian::Database& db() const { return db_; }

    /// True when the index has the order and facet values (slots 14-16).
    bool ordered() const { return ordered_; }

    /// The index as given, for messages.
    std::string where() const { return index_.string(); }

    /// Shards listed.
    std::size_t size() const { return shards_.size(); }

    /// Shards left out ("label: reason"), and parts of the catalogue no
    /// listed shard holds.
    std::vector<std::string> missing() const;

    /// See Searcher::describe().
    std::string describe() const;

    /// See Searcher::refresh(): a changed stub opens a fresh set (on Error
    /// the current one stays); shards down long enough are retried, remote
    /// ones reconnected, local ones reopened. Returns true when the database
    /// changed.
    bool refresh();

    /// After a network error in a search: shards whose connection failed are
    /// reconnected, or left out when they do not answer.
    void recover();

  private:
    /// Opens (or reopens afresh) one shard; records why when it cannot.
    void open_shard(Shard& s);
    /// Makes `db_` the shards that are up. Throws Error when none is.
    void combine();

    SearcherOptions options_;
    std::filesystem::path index_;      ///< as given
    std::filesystem::path stub_file_;  ///< the stub it names
    std::string stub_;                 ///< the stub's text when opened
    std::vector<Shard> shards_;
    Xapian::Database db_;                ///< the shards that are up, as one database
    std::vector<std::string> unlisted_;  ///< parts of the catalogue no listed shard holds
    /// Read once per combine(): on remote shards each read is a round trip.
    bool ordered_ = false;
};

}  // namespace talksearch

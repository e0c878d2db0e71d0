// The searcher: a query in, talks with their moments out.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "query/moments.h"
#include "query/result.h"
#include "query/talk_page.h"

namespace talksearch {

/// A query the user must rephrase (too long, too many terms): the message
/// says why. Never thrown for a query the parser merely dislikes.
class QueryRejected : public Error {
  public:
    using Error::Error;
};

/// Caps on what one query may cost.
inline constexpr std::size_t kMaxQueryBytes = 512;
inline constexpr std::size_t kMaxQueryTerms = 32;
inline constexpr std::size_t kMaxLimit = 100;
inline constexpr std::size_t kMaxOffset = 10000;

/// "Did you mean" looks further (spelling.h, kFewResultsSpelling) for a
/// query that finds at most this many talks, and offers what it finds when
/// the corrected query finds at least twice as many talks and 3 more.
inline constexpr std::uint64_t kFewResultsForSpelling = 3;

/// How results are ordered.
enum class SortOrder { kRelevance, kDate };

/// One search.
struct SearchRequest {
    std::string query;
    /// The query's language: its words are stemmed in it alone. Empty: in
    /// English and in every other language the index holds, each stem
    /// counting in talks of its language.
    std::string language;
    /// Only talks where the words were said: they match in the captions, not
    /// in the catalogue's metadata (`--spoken`).
    bool spoken = false;
    std::vector<std::string> events;     ///< event slugs (any of)
    std::vector<std::string> speakers;   ///< full names (any of)
    std::vector<std::string> languages;  ///< BCP 47 tags (any of)
    std::optional<int> year_from, year_to;
    SortOrder sort = SortOrder::kRelevance;
    std::uint32_t limit = 10;
    std::uint32_t offset = 0;
    bool facets = false;
    /// One result per talk: recordings of the same talk at several events are
    /// one hit (shown as the recording with the most moments, else the newest)
    /// listing the others. False lists every recording on its own.
    bool group_recordings = true;
    MomentOptions moments;
};

/// Parses "2014", "2014..2019", "..2019", "2014..": throws QueryRejected otherwise.
void parse_year_range(const std::string& text, std::optional<int>& from, std::optional<int>& to);

/// How a Searcher treats the shards of a sharded index (docs/SCALING.md).
struct SearcherOptions {
    /// A remote shard's connection and each of its replies may take at most
    /// this long; a shard that does not answer in time is left out.
    std::uint32_t shard_timeout_ms = 3000;
    /// A shard left out is tried again after this long (on refresh()).
    std::chrono::milliseconds retry_after{10000};
    /// Remote shards are reconnected this often (on refresh()): a connection
    /// keeps reading the generation it opened, so a rebuild on the shard's
    /// host is seen within this long. Updates in place are seen at once.
    std::chrono::milliseconds reconnect_after{60000};
};

/// Owns an open index: one Xapian database, or the shards a stub lists
/// searched as one. Not thread-safe: use one Searcher per thread.
class Searcher {
  public:
    /// Opens an index folder (its XAPIANDB stub, which names a generation or
    /// lists shards) or a stub file listing shards (local folders, or
    /// `remote HOST:PORT` for xapian-tcpsrv). Shards that cannot be opened are
    /// left out, and every result says so (SearchResult::missing_shards).
    /// Throws Error naming the path when no shard at all can be opened.
    explicit Searcher(const std::filesystem::path& index, SearcherOptions options = {});
    ~Searcher();
    Searcher(const Searcher&) = delete;
    Searcher& operator=(const Searcher&) = delete;

    /// Runs a search. Throws QueryRejected for a query over the caps (or an
    /// invalid filter), Error when the index cannot be read. A query the
    /// parser rejects falls back to its plain words.
    SearchResult search(const SearchRequest& request);

    /// The page of one talk (query/talk_page.h): its transcript with the
    /// words of `request.query` marked as a search marks them in snippets,
    /// its other recordings and related talks. nullopt when no talk has the
    /// id (or it is not a valid id). A query over the caps marks nothing.
    /// Throws Error when the index cannot be read.
    std::optional<TalkPage> talk(const TalkRequest& request);

    /// Talks in the index (in the shards that are up).
    std::uint64_t talk_count() const;

    /// What is open, for an operator: the generation ("gen-...") of a single
    /// index, else one "label=generation-or-state" per shard, comma-separated.
    std::string describe() const;

    /// Shards listed, and those left out (label: reason).
    std::size_t shard_count() const;
    std::vector<std::string> missing_shards() const;

    /// Picks up what writers did since the index was opened: a new
    /// generation (the stub changed) is opened afresh, commits made in place
    /// to the live one are picked up with Xapian's reopen(). Returns true when
    /// the index changed. Cheap when nothing did (one small file read). A
    /// long-running reader (the server) calls it before a search; search()
    /// itself reopens and retries once when an in-place update overwrote
    /// what it was reading (Xapian's DatabaseModifiedError).
    bool refresh();

  private:
    SearchResult search_once(const SearchRequest& request);
    std::optional<TalkPage> talk_once(const TalkRequest& request);
    /// Runs `once()`, again after a reopen when an in-place update overwrote
    /// what it read, or without a remote shard that failed; Xapian's errors
    /// become Error.
    template <typename Once>
    auto retried(Once&& once) -> decltype(once());

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace talksearch

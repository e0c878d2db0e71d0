// Writing talks into a Xapian database: one document per talk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/talk.h"

namespace talksearch {

/// Options for an IndexWriter.
struct WriterOptions {
    /// Commit after this many documents or this much transcript text,
    /// whichever comes first. Xapian's cost per document grows with its
    /// batch; on the benchmark corpus (1,000 talks of 27 KB, 2 shards) 1 MB
    /// batches built in 8.4 s, 2 MB in 7.9 s, 4 MB in 9.0 s, 16 MB in 9.2 s.
    /// A build is compacted at the end, so small batches cost no size.
    std::size_t batch_documents = 2000;
    std::size_t batch_text_bytes = 2 * 1024 * 1024;
    /// false for a work product that is published only through another
    /// copy (a build's shards, merged by compaction into the synced
    /// generation): commits then skip fsync (Xapian's DB_NO_SYNC). A crash
    /// loses nothing published, since the work folder is never published.
    bool durable = true;
};

/// Owns a writable Xapian database. Not thread-safe. The destructor does not
/// commit: call commit() explicitly (Xapian's destructor swallows errors).
class IndexWriter {
  public:
    /// Creates (or opens) the database in `dir`. Throws Error naming `dir`
    /// when it cannot, including "locked" when another writer holds it.
    explicit IndexWriter(const std::filesystem::path& dir, WriterOptions options = {});
    ~IndexWriter();
    IndexWriter(const IndexWriter&) = delete;
    IndexWriter& operator=(const IndexWriter&) = delete;

    /// Adds or replaces (by the talk's id term) one talk. Every term is
    /// validated before Xapian sees it, so one bad talk never loses the
    /// batch. Commits when the batch is full. Throws Error on a Xapian error:
    /// the uncommitted batch is then lost and the database must not be
    /// published.
    void add(const Talk& talk);

    /// Deletes the talk with this id, if present.
    void remove(const std::string& talk_id);

    /// Deletes the document holding this id term (schema::make_term(kId, ...)).
    void remove_term(const std::string& id_term);

    /// Starts a transaction: nothing added or removed until
    /// commit_transaction() is visible to readers, and it all becomes visible
    /// at once. add() does not commit in batches meanwhile.
    void begin_transaction();
    /// Makes the transaction durable and visible. Throws Error on failure
    /// (the database then stays at its previous commit).
    void commit_transaction();
    /// Drops the transaction's changes.
    void cancel_transaction();

    /// Adds to the spelling dictionary the words of talks added in this
    /// transaction that build_spelling() would have added.
    void add_spelling_for_new_words();

    /// Makes everything added so far durable. Throws Error on failure.
    void commit();

    /// Commits, then adds every unprefixed word of the database to its
    /// spelling dictionary (for "did you mean"), weighted by the number of
    /// talks holding it, and commits again. Call once, after the last add().
    void build_spelling();

    /// The same for a database written in shards: the words and their talk
    /// counts are those of all the shards together (this one among them),
    /// the dictionary entries go into this one (compaction merges them).
    void build_spelling(const std::vector<std::filesystem::path>& all_shards);

    /// Documents in the database (committed or not).
    std::uint64_t document_count() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace talksearch

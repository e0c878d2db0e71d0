// `update` of one folder in place: changed talks replaced, new ones added,
// vanished ones deleted, all in one Xapian transaction.
#include <xapian.h>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/schema.h"
#include "indexer/index/build_run.h"
#include "indexer/index/index_writer.h"
#include "indexer/index/space_guard.h"
#include "indexer/index/talk_reader.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// What the live index holds: id term -> source hash.
std::unordered_map<std::string, std::string> indexed_hashes(const fs::path& gen_dir) {
    std::unordered_map<std::string, std::string> indexed;
    Xapian::Database db(gen_dir.string());
    std::unordered_map<Xapian::docid, std::string> hashes;
    for (auto v = db.valuestream_begin(schema::kSlotContentHash);
         v != db.valuestream_end(schema::kSlotContentHash); ++v) {
        hashes.emplace(v.get_docid(), *v);
    }
    const std::string prefix(schema::kId);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        auto p = db.postlist_begin(*t);
        if (p == db.postlist_end(*t)) continue;
        const auto h = hashes.find(*p);
        indexed.emplace(*t, h == hashes.end() ? std::string() : h->second);
    }
    return indexed;
}

// Adds the talks of `part` that are new or changed; returns the id terms of
// every talk the sources still hold.
std::unordered_set<std::string> write_changed_talks(
    const BuildOptions& options, const ProgressFn& progress, const ShardPart& part,
    const std::unordered_map<std::string, std::string>& indexed, Inputs& in, TalkReader& reader,
    IndexWriter& writer, BuildReport& report) {
    std::unordered_set<std::string> seen;
    BuildProgress state{0, in.talks.size()};
    for (std::size_t ti = 0; ti < in.talks.size(); ++ti) {
        Talk& talk = in.talks[ti];
        state.done = ti + 1;
        // Another shard's talk is not seen here: if this shard holds it (its
        // recording group changed), it is deleted here and added there.
        if (!part.whole() && shard_of_talk(talk, part.count) != part.index) continue;
        const std::string term = schema::make_term(schema::kId, talk_id(talk));
        if (!seen.insert(term).second) continue;  // a repeated id: the first one wins
        reader.read(ti, talk);
        const auto it = indexed.find(term);
        if (it != indexed.end() && it->second == talk.source_hash) {
            reader.keep(ti);
            ++report.unchanged;
            if (progress) progress(state);
            continue;
        }
        if (!reader.attach(ti, talk)) {
            --report.caption_only_talks;
            seen.erase(term);  // not a talk any more: deleted below if indexed
            if (progress) progress(state);
            continue;
        }
        count_talk(talk, report);
        writer.add(talk);
        const bool replaced = it != indexed.end();
        ++(replaced ? report.replaced : report.added);
        if (options.list_changes)
            report.changes.push_back((replaced ? "replaced " : "added ") + talk_id(talk));
        talk.tracks.clear();
        talk.tracks.shrink_to_fit();
        if (progress) progress(state);
    }
    return seen;
}

// Deletes the indexed talks no source holds any more (`seen` lacks them),
// unless that trips the shrink guard.
void delete_vanished_talks(const BuildOptions& options,
                           const std::unordered_map<std::string, std::string>& indexed,
                           const std::unordered_set<std::string>& seen, IndexWriter& writer,
                           BuildReport& report) {
    std::vector<std::string> gone;
    for (const auto& [term, hash] : indexed) {
        if (!seen.contains(term)) gone.push_back(term);
    }
    std::sort(gone.begin(), gone.end());
    const std::uint64_t live_count = indexed.size();
    check_shrink(live_count, live_count - gone.size(), options.allow_shrink, "update the index");
    for (const std::string& term : gone) {
        writer.remove_term(term);
        ++report.deleted;
        if (options.list_changes)
            report.changes.push_back("deleted " + term.substr(schema::kId.size()));
    }
}

}  // namespace

BuildReport update_in_place(const BuildOptions& options, const ProgressFn& progress,
                            Inputs* given) {
    RunScope run(options.index_dir, "update");
    BuildReport& report = run.report();
    const auto live = live_generation(options.index_dir);
    if (!live) {
        throw Error(options.index_dir.string() +
                    ": no index to update (no XAPIANDB stub); run talksearch-index build first");
    }
    const fs::path gen_dir = options.index_dir / *live;
    remove_old_generations(options.index_dir, 1, options.grace);  // leftovers of dead runs
    const ShardPart part = part_to_write(options);
    Inputs& in = run.inputs(options, given);

    const auto indexed = indexed_hashes(gen_dir);
    TalkReader reader(in, options, report);
    // A failed update (a full disk) leaves the table files the size they
    // were: the guard outlives the writer, which is closed first. It is armed
    // only once the writer holds Xapian's lock (opening writes nothing): when
    // another writer holds it, the blocks past the committed ones are that
    // writer's, not ours to give back.
    std::optional<UpdateSpaceGuard> space;
    IndexWriter writer(gen_dir, options.writer);
    space.emplace(gen_dir);
    writer.begin_transaction();
    const auto seen =
        write_changed_talks(options, progress, part, indexed, in, reader, writer, report);
    delete_vanished_talks(options, indexed, seen, writer, report);
    report.caption_files_used = reader.files_used();
    if (report.added + report.replaced + report.deleted > 0) {
        writer.add_spelling_for_new_words();
        writer.commit_transaction();
    } else {
        writer.cancel_transaction();  // nothing changed: nothing is written
    }
    space->release();
    report.talks = static_cast<std::size_t>(writer.document_count());
    report.generation = *live;
    return run.finish();
}

}  // namespace talksearch

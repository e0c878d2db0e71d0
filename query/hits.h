// Hits: a page of matches made into results. The recordings of each talk on
// the page (a talk given at several events is one hit), the moments of each
// recording placed in time, and the recording each hit shows.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "query/moments.h"
#include "query/query_text.h"
#include "query/result.h"
#include "query/searcher.h"

namespace talksearch {

/// What a result shows of a recording: its display value, or the document
/// data of an index written before that value existed.
TalkInfo read_talk_info(const Xapian::Document& doc);

/// Segment k of a document's stored cue text (schema.h): inflated from
/// kSlotCueTextDeflated + k, or raw from kSlotCueTextSegments + k in an index
/// written before; empty past the last one.
std::string read_cue_text_segment(const Xapian::Document& doc, std::size_t k);

/// Places a query's matches in a recording's time: its term groups'
/// positions and its chapters' titles become moments with jump links.
class MomentPlacer {
  public:
    /// `groups` are the query's words and phrases (IndexTerms::term_groups).
    MomentPlacer(const Xapian::Database& db, std::vector<TermGroup> groups,
                 const Xapian::Stem& stemmer, const MomentOptions& options);

    /// True when the query has no word or phrase to look for.
    bool empty() const { return groups_.empty(); }

    /// The moments of one recording: its chapters whose titles hold a
    /// matched word, and its matched positions placed in time, each with its
    /// jump link. A recording with no more matches and chapters than
    /// `must_exceed` cannot have more moments than that: it gets none, and
    /// nothing more is read. `doc` is read here when it was not yet (another
    /// recording of a talk: from a remote shard, a document comes whole,
    /// transcript included).
    std::vector<Moment> moments_of(Xapian::docid did, std::optional<Xapian::Document>& doc,
                                   const TalkInfo& talk, std::size_t must_exceed);

    /// Whether a (case-folded) word of a snippet is a match: one of the
    /// groups' words, or a word with the stem of one (the talk page marks
    /// its transcript with it).
    bool is_match(std::string_view word);

  private:
    /// The recording's matches of each group at transcript positions.
    std::vector<Occurrence> occurrences(Xapian::docid did) const;

    const Xapian::Database& db_;
    std::vector<TermGroup> groups_;
    Xapian::Stem stemmer_;
    MomentOptions options_;
    std::unordered_set<std::string> surface_, stems_;
    /// Snippets repeat words: each distinct word is stemmed once.
    std::unordered_map<std::string, bool> matched_words_;
};

/// One recording of a talk on the page.
struct GroupMember {
    Xapian::docid did;
    std::string display;  ///< its display record (kSlotDisplay)
};

/// The recordings of the page's talks.
struct PageGroups {
    /// Each hit's collapse key, in page order (empty when it was recorded once).
    std::vector<std::string> keys;
    /// Every recording of each key.
    std::unordered_map<std::string, std::vector<GroupMember>> members;
    /// The recordings of each key that match the query.
    std::unordered_map<std::string, std::vector<Xapian::docid>> matching;
};

/// The recording groups of the page [mset.begin(), page_end): each hit's
/// collapse key (when `group_recordings`), every recording of each group in
/// one boolean match on the groups' terms that keeps each recording's group
/// (a remote shard answers it in one round trip), and those of them that
/// match `query` in one more. No document is read.
PageGroups page_groups(const Xapian::Database& db, const Xapian::MSet& mset,
                       const Xapian::MSetIterator& page_end, const Xapian::Query& query,
                       bool group_recordings);

/// The page's hits, ranked from `req.offset` + 1: each shows the recording
/// of its talk with the most moments, then the newest (sorted by date: the
/// newest matching one), and lists the others, newest first. Each says where
/// the words matched (Hit::matched_in): `metadata_terms` are the query's
/// kMetadata terms (metadata_terms_of).
std::vector<Hit> make_hits(const Xapian::Database& db, const Xapian::MSet& mset,
                           const Xapian::MSetIterator& page_end, const PageGroups& groups,
                           MomentPlacer& placer, const SearchRequest& req,
                           const std::vector<std::string>& metadata_terms);

}  // namespace talksearch

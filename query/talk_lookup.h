// A talk page read from the index: the talk's document found by its id, its
// transcript (time map and cue text), its other recordings, and related talks
// by relevance feedback (docs/DESIGN.md, "The talk page").
#pragma once

#include <xapian.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/talk_page.h"

namespace talksearch {

/// The page of the talk `request.id`, or nullopt when no talk has that id.
/// Cue words for which `is_match` (given the case-folded word) is true are
/// marked; an empty function marks none. Throws Xapian errors as they come
/// (the Searcher turns them into Error).
std::optional<TalkPage> read_talk_page(const Xapian::Database& db, const TalkRequest& request,
                                       const std::function<bool(std::string_view)>& is_match);

/// Up to `count` talks like the document `did`, best first: Xapian's
/// relevance feedback with `did` as the one relevant document (an RSet),
/// Enquire::get_eset over a pool of its terms (spoken and metadata words, no
/// prefixed field or boolean terms, no stopwords, numbers or words of under 3
/// letters: the rarest of those another talk holds, all counted by one
/// match), and a query of the best expand terms, each in speech and in the
/// metadata, weighted by its expand weight. The talk and its recording group `group` (empty: none)
/// are left out; a related talk given at several events is listed once. Works over shards and
/// remote shards (each step is Xapian's own: the remote protocol carries term lists and term
/// statistics).
std::vector<TalkInfo> related_talks(const Xapian::Database& db, Xapian::docid did,
                                    std::string_view id, std::string_view group, std::size_t count);

}  // namespace talksearch

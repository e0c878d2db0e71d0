// Recordings of one talk: the same talk given at several events (or listed
// twice) is one result at query time. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/talk.h"

namespace talksearch {

/// The talk a recording belongs to.
struct TalkGroup {
    std::string key;             ///< shared by every recording of the talk; empty when alone
    std::size_t recordings = 1;  ///< how many recordings the talk has (1 when alone)
};

/// The words of a title that identify a talk: case-folded words without the
/// speakers' names and bare numbers; empty when the title names a session
/// that recurs with different content (a keynote, lightning talks, a welcome,
/// a panel...) or has fewer than two distinctive words.
std::vector<std::string> identifying_title_words(const Talk& talk);

/// Groups recordings of the same talk: two recordings are one talk when their
/// identifying title words are the same and they share a speaker (chains
/// join: A~B and B~C puts A, B and C together). Returns one TalkGroup per
/// talk, in the order of `talks`; the key of a group is the smallest
/// talk_id() among its members, so it is stable while that recording stays.
std::vector<TalkGroup> group_recordings(const std::vector<Talk>& talks);

}  // namespace talksearch

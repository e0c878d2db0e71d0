// What a talk page request asks for, read from its path and query string
// (`/talk/<id>?q=...&t=...`, `/api/v1/talk/<id>`). Pure; the server calls it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "query/http_api.h"
#include "query/talk_page.h"

namespace talksearch {

/// A talk page request: the talk, the words to mark, where to start.
struct TalkQuery {
    TalkRequest request;
    /// `t=SECONDS` (digits, at most kMaxTalkSecond): where the player starts
    /// and which paragraph is in view; nullopt when absent or malformed (a
    /// page is still shown: a bad link should not cost the reader the talk).
    std::optional<std::int64_t> start_s;
};

/// A second past this (about 11 days) is not a time in a talk.
inline constexpr std::int64_t kMaxTalkSecond = 1'000'000;

/// Reads `q` and `t` (the first of each; unknown names ignored) for the talk
/// `id` (the path after `/talk/`, not yet validated: Searcher::talk finds no
/// talk for an invalid one). Example: id "pycon-2019/x", {{"t","95"}} ->
/// start_s 95.
TalkQuery talk_query_from_params(std::string_view id, const QueryParams& params);

}  // namespace talksearch

// The talk page (`/talk/<id>`) as a whole HTML document, and as JSON
// (`/api/v1/talk/<id>`, docs/JSON.md "The talk"). Pure functions; every
// string is escaped for its target and only http(s) URLs become links.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "query/talk_page.h"

namespace talksearch {

/// How the page is shown: where the player starts, where it lives.
struct TalkView {
    /// `?t=`: the second the player starts at; the paragraph holding it gets
    /// the id `t-<second>` and class `talk-current`, so `#t-<second>` lands on it.
    std::optional<std::int64_t> start_s;
    /// The server's public base URL (no trailing slash), for the canonical link.
    std::string base_url;
};

/// The permalink of second `second` of a talk: `/talk/<id>?t=S#t-S`, which
/// opens the page with the player there and the paragraph in view.
std::string talk_time_path(std::string_view id, std::int64_t second);

/// The URL of the embedded player of `embed` (a result's `embed_url`)
/// starting at `second`: YouTube (youtube-nocookie.com) `?start=S`, Vimeo
/// `#t=Ss`; without a second, `embed` itself. nullopt for anything that is
/// not a YouTube or Vimeo player URL (a page cannot frame it under the
/// server's Content-Security-Policy).
std::optional<std::string> player_url(std::string_view embed, std::optional<std::int64_t> second);

/// The talk's page: title (h1), speakers (links to `/?speaker=`), event
/// (`/?event=`), date, the player, chapters, the transcript in paragraphs
/// (transcript_paragraphs) each with its time as a permalink, the words of
/// the page's query in <mark>, the other recordings and related talks (links
/// to their pages). Scripts: /talk.js only; styles: /page.css only.
std::string render_talk_html(const TalkPage& page, const TalkView& view);

/// The page for an id no talk has (sent with 404): says so and links to the search. With
/// `index_partial` (a shard of the index could not be read: sent with 503), it says the talk
/// may be there and to try again later.
std::string render_talk_not_found_html(bool index_partial = false);

/// The talk as JSON (docs/JSON.md, "The talk"): the talk's fields as in a
/// search result, its `cues`, `chapters`, `recordings` and `related`.
std::string render_talk_json(const TalkPage& page);

}  // namespace talksearch

// A page per talk (issue 21): what `/talk/<id>` and `/api/v1/talk/<id>` show
// of one talk (its transcript, chapters, other recordings and related
// talks), and the transcript cut into readable paragraphs. Values and pure
// functions; Searcher::talk fills a TalkPage, query/render_talk.h renders it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "query/result.h"

namespace talksearch {

/// Talk ids longer than this have no page (a request for one is a 404).
inline constexpr std::size_t kMaxTalkIdBytes = 300;

/// How many related talks a page lists ("more like this").
inline constexpr std::size_t kRelatedTalks = 6;

/// True when `id` can name a talk page: 1 to kMaxTalkIdBytes bytes of valid
/// UTF-8 without control characters or backslashes, and no empty, `.` or `..`
/// segment between its slashes. Catalogue slugs hold Korean, Japanese and
/// spaces, so letters of any script are allowed; the page's path escapes
/// them (talk_path). Example: "lakeshore-pyconf-2017/decorators" and
/// "pycon-apac-2016/박현우" are valid; "../x", "a//b" and "a/" are not.
bool is_valid_talk_id(std::string_view id);

/// The page's path of a talk: "/talk/" + the id with each segment
/// percent-encoded (RFC 3986 unreserved characters kept), or "" when the id is
/// not valid. Example: "e/a b" -> "/talk/e/a%20b".
std::string talk_path(std::string_view id);

/// The talk id of a request path's part after `/talk/` (still
/// percent-encoded, as received): decoded, then judged by is_valid_talk_id.
/// nullopt for a malformed escape, an escaped slash (`%2F`: a talk has one
/// path) or an invalid id ("%2e%2e/x" decodes to "../x" and is refused). The
/// inverse of talk_path.
std::optional<std::string> talk_id_from_path(std::string_view raw);

/// One cue of the transcript, as the index stored it.
struct TranscriptCue {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string speaker;  ///< from `<v Name>`; empty when the captions name none
    /// The cue's text, the query's words marked (as in a search result's
    /// snippets); one unmarked part without a query.
    std::vector<SnippetPart> text;
};

/// The talk a page shows.
struct TalkPage {
    TalkInfo talk;
    std::string transcript_language;  ///< the shown track's language; empty without captions
    /// False for a transcript without times (plain text): every time is 0.
    bool timed = true;
    std::vector<TranscriptCue> cues;  ///< the first indexed track, in time order
    /// The talk's other recordings (its recording group), newest first.
    std::vector<TalkInfo> recordings;
    /// "More like this": talks found from this one's own terms (relevance
    /// feedback, docs/DESIGN.md "The talk page"), best first, none of the
    /// talk's own recordings, each talk once.
    std::vector<TalkInfo> related;
    /// The query whose words are marked (`?q=`), as given; empty for none.
    std::string query;
};

/// What a talk page is asked for.
struct TalkRequest {
    std::string id;     ///< "event/slug"
    std::string query;  ///< words to mark in the transcript (the search's words); may be empty
    std::size_t related = kRelatedTalks;
};

/// A run of cues read as one paragraph.
struct Paragraph {
    std::size_t first = 0;  ///< index of its first cue
    std::size_t count = 0;  ///< cues in it (at least 1)
    std::int64_t start_ms = 0;
    std::string speaker;  ///< its cues' speaker; empty when unnamed
};

/// Where a transcript breaks into paragraphs.
struct ParagraphOptions {
    std::int64_t pause_ms = 4000;  ///< a silence this long starts a paragraph
    std::int64_t min_ms = 30000;   ///< past this, a paragraph ends at the end of a sentence
    std::int64_t max_ms = 60000;   ///< ... and past this at the next cue, sentence or not
    std::size_t untimed_words =
        120;  ///< untimed: a paragraph ends at a sentence past this many words
};

/// Cuts cues (in time order) into paragraphs: a new one starts where the
/// speaker changes, after a pause of `pause_ms`, after a cue ending a
/// sentence (`.`, `?`, `!`, `…`) once the paragraph spans `min_ms`, and at
/// any cue once it spans `max_ms`. Untimed cues (`timed` false) are cut by
/// speaker and by word count alone. Every cue is in exactly one paragraph.
std::vector<Paragraph> transcript_paragraphs(const std::vector<TranscriptCue>& cues, bool timed,
                                             const ParagraphOptions& options = {});

/// The paragraph holding second `at_s`: the last one starting at or before
/// it (the first when it is earlier than all); nullopt when there are none.
std::optional<std::size_t> paragraph_at(const std::vector<Paragraph>& paragraphs,
                                        std::int64_t at_s);

}  // namespace talksearch

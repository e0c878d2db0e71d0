// Moments: matched positions -> cues -> times, grouped and ranked. Pure.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "query/result.h"

namespace talksearch {

/// One match of a query word or phrase in a transcript.
struct Occurrence {
    std::uint32_t position = 0;  ///< Xapian position of the first word
    std::uint32_t group = 0;     ///< which query word or phrase matched (distinct terms)
    std::uint32_t words = 1;     ///< how many words it spans (a phrase's length)
};

/// The text of a talk's cues: bytes of its cue text (schema.h) by offset,
/// wherever they are kept (in memory, or read from the index a segment at a
/// time).
class CueTextSource {
  public:
    virtual ~CueTextSource() = default;
    /// Bytes [offset, offset + length) of the cue text, cut at its end
    /// (empty past it); the view is valid as long as this source is.
    virtual std::string_view text(std::uint32_t offset, std::uint32_t length) const = 0;
};

/// A cue text held whole in memory (not owned).
class WholeCueText final : public CueTextSource {
  public:
    explicit WholeCueText(std::string_view all) : all_(all) {}
    std::string_view text(std::uint32_t offset, std::uint32_t length) const override;

  private:
    std::string_view all_;
};

/// In an untimed track, how far apart two words are taken to be when
/// grouping matches into moments (150 words a minute).
inline constexpr std::int64_t kUntimedMsPerWord = 400;

/// How moments are formed and shown.
struct MomentOptions {
    std::size_t max_moments = 3;
    std::int64_t preroll_ms = 2000;  ///< links start this much before the first word
    /// ... but never later than this after the start of the cue holding that
    /// word, so the player shows the caption line with the words at once.
    std::int64_t max_into_cue_ms = 3000;
    std::int64_t window_ms = 30000;  ///< a moment spans at most this long
    std::int64_t gap_ms = 15000;     ///< a match joins the moment if it follows within this
    std::size_t max_snippet_cues = 3;
    std::size_t min_snippet_bytes = 80;  ///< a shorter snippet takes the next cue as context
    /// ...but only a cue that starts at most this long after the previous one
    /// ends: a snippet is never joined to words said minutes later.
    std::int64_t max_context_gap_ms = 3000;
    /// A moment (its snippet's cues, and its clip) spans at most this long.
    std::int64_t max_moment_ms = 60000;
};

/// The time (ms) of the word at `position`, which lies in `cue`. When the
/// cue has word times: the time of the timed word at the word's offset (a
/// word inside a timed piece of several words is placed between that piece's
/// time and the next one's by its offset); a word before the first timed one
/// takes the cue's start. Otherwise estimated: the cue's start plus its
/// duration times the word's character offset over the cue text's length.
std::int64_t word_time_ms(const schema::TimedCue& cue, std::string_view cue_text,
                          std::uint32_t position);

/// Groups occurrences into moments (matches close in time form one), ranks
/// them by distinct query words, then matched words, keeps the best
/// `max_moments` and returns them in time order. In an untimed track
/// (TimedTrack::timed false) matches are grouped by their distance in words
/// (as if said at kUntimedMsPerWord each) and the moments are marked
/// `timed = false` with every time 0. `cue_text` is the talk's
/// cue text (only the cues of the moments kept are read); `is_match` says whether a (case-folded)
/// word of a snippet should be marked. Occurrences at metadata positions are ignored. Links are
/// left empty (the caller knows the video).
std::vector<Moment> find_moments(const schema::TimeMap& map, const CueTextSource& cue_text,
                                 std::vector<Occurrence> occurrences,
                                 const std::function<bool(std::string_view)>& is_match,
                                 const MomentOptions& options = {});
inline std::vector<Moment> find_moments(const schema::TimeMap& map, std::string_view cue_text,
                                        std::vector<Occurrence> occurrences,
                                        const std::function<bool(std::string_view)>& is_match,
                                        const MomentOptions& options = {}) {
    return find_moments(map, WholeCueText(cue_text), std::move(occurrences), is_match, options);
}

/// The chapters whose title holds a word for which `is_match` (given the
/// case-folded word) is true, as moments: start_ms and end_ms are the
/// chapter's, jump_ms is start_ms (a chapter start is already a clean start
/// point: no pre-roll), the snippet is the title with the matched words
/// marked, `chapter` is the title, `terms` and `matches` count the different
/// matched words and the matched words. When more than
/// `options.max_moments` chapters match, the ones with the most different
/// matched words, then the most matched words, then the earliest, are kept.
/// Returned in time order. Language and links are left empty (the caller
/// knows the talk).
///
/// Example: chapters {0-95 s "Introduction", 300.5-612.4 s "Memoization with
/// lru_cache"} and a query for `memoization` give one moment at 300500 ms,
/// snippet {"Memoization" marked, " with lru_cache"}.
std::vector<Moment> chapter_moments(const std::vector<ChapterInfo>& chapters,
                                    const std::function<bool(std::string_view)>& is_match,
                                    const MomentOptions& options = {});

/// A talk's moments, at most `options.max_moments` in all: its chapter
/// moments first (chapter_moments: the talk's own labels), then as many of
/// its best transcript moments (find_moments over `map`, `cue_text` and
/// `occurrences`) as there is room for. Returned in time order, untimed
/// transcript moments last; with no chapter moment, exactly what
/// find_moments returns. Links are left empty.
std::vector<Moment> talk_moments(const std::vector<ChapterInfo>& chapters,
                                 const schema::TimeMap& map, const CueTextSource& cue_text,
                                 std::vector<Occurrence> occurrences,
                                 const std::function<bool(std::string_view)>& is_match,
                                 const MomentOptions& options = {});
inline std::vector<Moment> talk_moments(const std::vector<ChapterInfo>& chapters,
                                        const schema::TimeMap& map, std::string_view cue_text,
                                        std::vector<Occurrence> occurrences,
                                        const std::function<bool(std::string_view)>& is_match,
                                        const MomentOptions& options = {}) {
    return talk_moments(chapters, map, WholeCueText(cue_text), std::move(occurrences), is_match,
                        options);
}

/// Splits `text` into snippet parts, marking the words for which `is_match`
/// (given the case-folded word) is true.
std::vector<SnippetPart> mark_words(std::string_view text,
                                    const std::function<bool(std::string_view)>& is_match);

}  // namespace talksearch

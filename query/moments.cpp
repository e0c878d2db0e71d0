#include "query/moments.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/words.h"

namespace talksearch {

namespace sc = schema;

namespace {

struct Located {
    Occurrence occ;
    sc::CueRef cue;
    std::int64_t time_ms = 0;
};

std::string_view cue_text_of(const sc::TimedCue& cue, const CueTextSource& all) {
    return all.text(cue.text_offset, cue.text_length);
}

void append_text(std::vector<SnippetPart>& parts, std::string_view text, bool marked) {
    if (text.empty()) return;
    if (!parts.empty() && parts.back().marked == marked) {
        parts.back().text += text;
    } else {
        parts.push_back({std::string(text), marked});
    }
}

// mark_words over the words of `text` already split.
std::vector<SnippetPart> mark_spans(std::string_view text, const std::vector<WordSpan>& words,
                                    const std::function<bool(std::string_view)>& is_match) {
    std::vector<SnippetPart> parts;
    std::size_t done = 0;
    for (const WordSpan& w : words) {
        const std::string_view word = text.substr(w.offset, w.length);
        if (!is_match(word_term(word))) continue;
        append_text(parts, text.substr(done, w.offset - done), false);
        append_text(parts, word, true);
        done = w.offset + w.length;
    }
    append_text(parts, text.substr(done), false);
    return parts;
}

}  // namespace

namespace {

// The time of the word at byte `offset` of a cue that has word times.
std::int64_t timed_word_time(const sc::TimedCue& cue, std::size_t text_size, std::size_t offset) {
    const auto next = std::upper_bound(cue.words.begin(), cue.words.end(), offset,
                                       [](std::size_t o, const sc::TimedWord& w) {
                                           return o < static_cast<std::size_t>(w.offset);
                                       });
    if (next == cue.words.begin()) return cue.start_ms;
    const sc::TimedWord& word = *(next - 1);
    if (word.offset == offset) return word.start_ms;
    // Inside a timed piece of several words ("hello world" as one json3
    // segment): between the piece's time and the next piece's (or the cue's
    // end), by offset.
    const std::size_t piece_end = next != cue.words.end() ? next->offset : text_size;
    const std::int64_t end_ms = next != cue.words.end() ? next->start_ms : cue.end_ms;
    if (piece_end <= word.offset || end_ms <= word.start_ms) return word.start_ms;
    return word.start_ms + (end_ms - word.start_ms) *
                               static_cast<std::int64_t>(offset - word.offset) /
                               static_cast<std::int64_t>(piece_end - word.offset);
}

// The time of word `k` of a cue whose words are `words`.
std::int64_t time_of_word(const sc::TimedCue& cue, std::size_t text_size,
                          const std::vector<WordSpan>& words, std::uint32_t k) {
    if (words.empty()) return cue.start_ms;
    const std::size_t offset = words[std::min<std::size_t>(k, words.size() - 1)].offset;
    if (!cue.words.empty()) return timed_word_time(cue, text_size, offset);
    const std::int64_t duration = std::max<std::int64_t>(0, cue.end_ms - cue.start_ms);
    if (duration == 0 || text_size == 0) return cue.start_ms;
    return cue.start_ms +
           duration * static_cast<std::int64_t>(offset) / static_cast<std::int64_t>(text_size);
}

// The start of the earliest time window within located[from..to] that holds
// `distinct` different query words and is no longer than the shortest such
// window or `slack_ms`, whichever is longer (a sliding window, run twice).
template <typename L>
std::size_t covering_start(const std::vector<L>& located, std::size_t from, std::size_t to,
                           std::size_t distinct, std::int64_t slack_ms = 5000) {
    if (distinct <= 1) return from;
    auto scan = [&](std::int64_t limit, std::int64_t& shortest) -> std::size_t {
        std::map<std::uint32_t, std::size_t> counts;
        std::size_t left = from;
        for (std::size_t right = from; right <= to; ++right) {
            ++counts[located[right].occ.group];
            while (counts.size() == distinct) {
                const std::int64_t span = located[right].time_ms - located[left].time_ms;
                if (shortest < 0 || span < shortest) shortest = span;
                if (limit >= 0 && span <= limit) return left;
                auto it = counts.find(located[left].occ.group);
                if (--it->second == 0) counts.erase(it);
                ++left;
            }
        }
        return from;
    };
    std::int64_t shortest = -1;
    scan(-1, shortest);
    if (shortest < 0) return from;
    std::int64_t unused = -1;
    return scan(std::max(shortest, slack_ms), unused);
}

}  // namespace

std::int64_t word_time_ms(const sc::TimedCue& cue, std::string_view cue_text,
                          std::uint32_t position) {
    if (position < cue.first_position) return cue.start_ms;
    return time_of_word(cue, cue_text.size(), split_words(cue_text), position - cue.first_position);
}

std::vector<SnippetPart> mark_words(std::string_view text,
                                    const std::function<bool(std::string_view)>& is_match) {
    return mark_spans(text, split_words(text), is_match);
}

std::string_view WholeCueText::text(std::uint32_t offset, std::uint32_t length) const {
    if (offset > all_.size()) return {};
    return all_.substr(offset, std::min<std::size_t>(length, all_.size() - offset));
}

namespace {

// A group of matches close in time: one moment.
struct MatchGroup {
    std::size_t first = 0, last = 0;  // indexes into the located matches
    std::set<std::uint32_t> groups;
    std::uint32_t words = 0;
};

// The occurrences in their cues, at a time estimated from the word's index
// in its cue (splitting a cue into words is most of the cost when a common
// word matches in hundreds of cues), sorted by track and time.
std::vector<Located> locate(const sc::TimeMap& map, const std::vector<Occurrence>& occurrences) {
    std::vector<Located> located;
    located.reserve(occurrences.size());
    for (const Occurrence& occ : occurrences) {
        const auto ref = sc::find_cue(map, occ.position);
        if (!ref) continue;
        const sc::TimedCue& cue = map.tracks[ref->track].cues[ref->cue];
        if (!map.tracks[ref->track].timed) {
            // No times: words apart in the text are apart in time.
            located.push_back(
                {occ, *ref, static_cast<std::int64_t>(occ.position) * kUntimedMsPerWord});
            continue;
        }
        const std::int64_t duration = std::max<std::int64_t>(0, cue.end_ms - cue.start_ms);
        const std::uint32_t k = occ.position - cue.first_position;
        const std::int64_t estimate =
            cue.start_ms + (cue.word_count > 0 ? duration * std::min(k, cue.word_count) /
                                                     static_cast<std::int64_t>(cue.word_count)
                                               : 0);
        located.push_back({occ, *ref, estimate});
    }
    std::sort(located.begin(), located.end(), [](const Located& a, const Located& b) {
        return std::tie(a.cue.track, a.time_ms, a.occ.position) <
               std::tie(b.cue.track, b.time_ms, b.occ.position);
    });
    return located;
}

// Groups the located matches: a match joins the current moment when it is in
// the same track, follows the previous match within gap_ms and the moment's
// first match within window_ms.
std::vector<MatchGroup> group_matches(const std::vector<Located>& located,
                                      const MomentOptions& options) {
    std::vector<MatchGroup> groups;
    for (std::size_t i = 0; i < located.size(); ++i) {
        const Located& l = located[i];
        if (!groups.empty()) {
            MatchGroup& g = groups.back();
            const Located& first = located[g.first];
            const Located& prev = located[g.last];
            if (first.cue.track == l.cue.track && l.time_ms - prev.time_ms <= options.gap_ms &&
                l.time_ms - first.time_ms <= options.window_ms) {
                g.last = i;
                g.groups.insert(l.occ.group);
                g.words += l.occ.words;
                continue;
            }
        }
        groups.push_back({i, i, {l.occ.group}, l.occ.words});
    }
    return groups;
}

// The best `max_moments` groups (distinct query words, then matched words,
// then earlier first), as indexes in time order.
std::vector<std::size_t> best_groups(const std::vector<MatchGroup>& groups,
                                     std::size_t max_moments) {
    std::vector<std::size_t> order(groups.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (groups[a].groups.size() != groups[b].groups.size()) {
            return groups[a].groups.size() > groups[b].groups.size();
        }
        return groups[a].words > groups[b].words;
    });
    if (order.size() > max_moments) order.resize(max_moments);
    std::sort(order.begin(), order.end());  // groups are already in time order
    return order;
}

// Places the matches of the kept groups exactly (timed tracks only). A
// common word matches many times in one cue: each cue is split once.
void place_exactly(const sc::TimeMap& map, const CueTextSource& cue_text,
                   const std::vector<MatchGroup>& groups, const std::vector<std::size_t>& kept,
                   std::vector<Located>& located) {
    std::map<std::pair<std::size_t, std::size_t>, std::vector<WordSpan>> cue_words;
    const auto exact_time = [&](const Located& l) {
        const sc::TimedCue& cue = map.tracks[l.cue.track].cues[l.cue.cue];
        const std::string_view text = cue_text_of(cue, cue_text);
        auto [it, inserted] = cue_words.try_emplace({l.cue.track, l.cue.cue});
        if (inserted) it->second = split_words(text);
        return time_of_word(cue, text.size(), it->second, l.occ.position - cue.first_position);
    };
    for (std::size_t gi : kept) {
        const MatchGroup& g = groups[gi];
        if (!map.tracks[located[g.first].cue.track].timed) continue;
        for (std::size_t i = g.first; i <= g.last; ++i) located[i].time_ms = exact_time(located[i]);
        std::sort(located.begin() + static_cast<std::ptrdiff_t>(g.first),
                  located.begin() + static_cast<std::ptrdiff_t>(g.last) + 1,
                  [](const Located& a, const Located& b) {
                      return std::tie(a.time_ms, a.occ.position) <
                             std::tie(b.time_ms, b.occ.position);
                  });
    }
}

// The snippet's text: the cues from the first match to the last (a phrase's
// last word may be in the next cue), at most max_snippet_cues, with the next
// cue as context when the text is short. Sets `to` to the last cue used.
std::string snippet_text(const sc::TimeMap& map, const CueTextSource& cue_text,
                         const std::vector<Located>& located, std::size_t start,
                         const MatchGroup& g, const MomentOptions& options, std::size_t& to) {
    const Located& first = located[start];
    const sc::TimedTrack& track = map.tracks[first.cue.track];
    // Overlapping cues can put a later cue's word before an earlier cue's in
    // time: take the cue range over every match of the moment.
    std::size_t from = first.cue.cue;
    to = first.cue.cue;
    for (std::size_t i = start; i <= g.last; ++i) {
        from = std::min(from, located[i].cue.cue);
        to = std::max(to, located[i].cue.cue);
        if (const auto end_ref =
                sc::find_cue(map, located[i].occ.position + located[i].occ.words - 1);
            end_ref && end_ref->track == first.cue.track) {
            to = std::max(to, end_ref->cue);
        }
    }
    from = std::min(from, first.cue.cue);
    to = std::min(to, first.cue.cue + options.max_snippet_cues - 1);
    if (to < from) to = from;
    // Within the moment's span: no cue that starts a minute after the first.
    const std::int64_t latest = track.cues[from].start_ms + options.max_moment_ms;
    while (to > from && track.cues[to].start_ms > latest) --to;
    std::size_t bytes = 0;
    for (std::size_t c = from; c <= to; ++c) bytes += track.cues[c].text_length;
    // Context: the next cue, when it follows on (a pause, not a cut to minutes later).
    while (bytes < options.min_snippet_bytes && to + 1 < track.cues.size() &&
           to - from + 1 < options.max_snippet_cues &&
           track.cues[to + 1].start_ms - track.cues[to].end_ms <= options.max_context_gap_ms &&
           track.cues[to + 1].start_ms <= latest) {
        ++to;
        bytes += track.cues[to].text_length;
    }
    std::string text;
    for (std::size_t c = from; c <= to; ++c) {
        std::string_view t = cue_text_of(track.cues[c], cue_text);
        if (t.empty()) continue;
        if (!text.empty()) text += ' ';
        for (char ch : t) text += ch == '\n' ? ' ' : ch;
    }
    return text;
}

// The moment of one kept group of matches.
Moment moment_of(const sc::TimeMap& map, const CueTextSource& cue_text,
                 const std::vector<Located>& located, const MatchGroup& g,
                 const std::function<bool(std::string_view)>& is_match,
                 const MomentOptions& options) {
    // Where several query words meet, the moment starts where they are said
    // together: the shortest run of matches that holds every word the moment
    // holds, not a lone early mention of one of them.
    const std::size_t start = covering_start(located, g.first, g.last, g.groups.size());
    const Located& first = located[start];
    const sc::TimedTrack& track = map.tracks[first.cue.track];
    Moment m;
    m.start_ms = first.time_ms;
    const std::int64_t cue_start = track.cues[first.cue.cue].start_ms;
    m.jump_ms = std::max<std::int64_t>(
        0, std::min(first.time_ms - options.preroll_ms, cue_start + options.max_into_cue_ms));
    m.language = track.language;
    m.distinct_terms = static_cast<std::uint32_t>(g.groups.size());
    m.occurrences = g.words;
    const sc::TimedCue& first_cue = track.cues[first.cue.cue];
    if (first_cue.speaker > 0 && first_cue.speaker <= track.speakers.size()) {
        m.speaker = track.speakers[first_cue.speaker - 1];
    }
    std::size_t to = 0;
    m.snippet = mark_words(snippet_text(map, cue_text, located, start, g, options, to), is_match);
    m.end_ms = std::clamp(track.cues[to].end_ms, m.start_ms, m.start_ms + options.max_moment_ms);
    if (!track.timed) {
        // A transcript without times: no time to show or to link to.
        m.timed = false;
        m.start_ms = m.end_ms = m.jump_ms = 0;
    }
    return m;
}

}  // namespace

std::vector<Moment> find_moments(const sc::TimeMap& map, const CueTextSource& cue_text,
                                 std::vector<Occurrence> occurrences,
                                 const std::function<bool(std::string_view)>& is_match,
                                 const MomentOptions& options) {
    // Matches are grouped and ranked by an estimated time; only the matches
    // of the moments kept are placed exactly.
    std::vector<Located> located = locate(map, occurrences);
    const std::vector<MatchGroup> groups = group_matches(located, options);
    const std::vector<std::size_t> kept = best_groups(groups, options.max_moments);
    place_exactly(map, cue_text, groups, kept, located);
    std::vector<Moment> moments;
    for (std::size_t gi : kept) {
        moments.push_back(moment_of(map, cue_text, located, groups[gi], is_match, options));
    }
    return moments;
}

std::vector<Moment> chapter_moments(const std::vector<ChapterInfo>& chapters,
                                    const std::function<bool(std::string_view)>& is_match,
                                    const MomentOptions& options) {
    std::vector<Moment> moments;
    for (const ChapterInfo& c : chapters) {
        std::set<std::string> distinct;
        std::uint32_t matched = 0;
        const std::vector<WordSpan> words = split_words(c.title);  // once: marked below
        for (const WordSpan& w : words) {
            const std::string term =
                word_term(std::string_view(c.title).substr(w.offset, w.length));
            if (!is_match(term)) continue;
            distinct.insert(term);
            ++matched;
        }
        if (matched == 0) continue;
        Moment m;
        m.start_ms = std::max<std::int64_t>(0, c.start_ms);
        m.end_ms = std::max(c.end_ms, m.start_ms);
        // A chapter starts where its author says the subject starts: a
        // pre-roll would only replay the end of the previous one.
        m.jump_ms = m.start_ms;
        m.snippet = mark_spans(c.title, words, is_match);
        m.distinct_terms = static_cast<std::uint32_t>(distinct.size());
        m.occurrences = matched;
        m.chapter = c.title;
        moments.push_back(std::move(m));
    }
    // Keep the best, then show them in time order.
    std::stable_sort(moments.begin(), moments.end(), [](const Moment& a, const Moment& b) {
        return std::tuple(b.distinct_terms, b.occurrences, a.start_ms) <
               std::tuple(a.distinct_terms, a.occurrences, b.start_ms);
    });
    if (moments.size() > options.max_moments) moments.resize(options.max_moments);
    std::stable_sort(moments.begin(), moments.end(),
                     [](const Moment& a, const Moment& b) { return a.start_ms < b.start_ms; });
    return moments;
}

std::vector<Moment> talk_moments(const std::vector<ChapterInfo>& chapters, const sc::TimeMap& map,
                                 const CueTextSource& cue_text, std::vector<Occurrence> occurrences,
                                 const std::function<bool(std::string_view)>& is_match,
                                 const MomentOptions& options) {
    std::vector<Moment> moments = chapter_moments(chapters, is_match, options);
    if (moments.size() >= options.max_moments || occurrences.empty()) return moments;
    MomentOptions rest = options;
    rest.max_moments = options.max_moments - moments.size();
    std::vector<Moment> spoken =
        find_moments(map, cue_text, std::move(occurrences), is_match, rest);
    if (moments.empty()) return spoken;  // as find_moments orders them
    moments.insert(moments.end(), std::make_move_iterator(spoken.begin()),
                   std::make_move_iterator(spoken.end()));
    // Time order; an untimed moment has no time to place it by: after the rest.
    std::stable_sort(moments.begin(), moments.end(), [](const Moment& a, const Moment& b) {
        return std::tuple(!a.timed, a.timed ? a.start_ms : 0) <
               std::tuple(!b.timed, b.timed ? b.start_ms : 0);
    });
    return moments;
}

}  // namespace talksearch

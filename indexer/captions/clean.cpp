// Cleaning parsed cues before they are indexed.
//
// The rules, applied in this order (docs/DESIGN.md describes them too):
//
// 1. Whitespace and empty cues. Each cue's text is trimmed of whitespace at
//    both ends (YouTube cues often hold a line with a single space); a cue
//    whose text is then empty is dropped (counted in `empty_cues_removed`).
//    This runs first so that an empty cue between two repeats does not hide a
//    repetition loop.
//
// 2. Repetition loops (Whisper hallucinations). Cues are compared by a
//    normalised key: the speaker, then the text with ASCII letters
//    lower-cased, every whitespace run (line breaks included) made one
//    space, the ends trimmed, and trailing punctuation (. , ! ? ; : and
//    U+2026) ignored. Scanning from the first cue, at each position the block
//    of P cues (P = 1..4), all of one speaker, that repeats back to back the
//    most (R >= 3 occurrences, largest R*P; on a tie the smaller P) is
//    collapsed to its first occurrence, which keeps its own times; the scan
//    goes on after the last repeat. Each collapsed loop is recorded as a
//    SuspectStretch: start_ms of the first cue of the first occurrence,
//    end_ms of the last cue of the last occurrence, repeats = R, period = P.
//    A line said twice is kept twice: a speaker does say "Right? Right?",
//    and two speakers agree with the same words ("Should be." "Should
//    be."). Only back-to-back blocks count, so a line said again later in
//    the talk, after other cues, is kept. The scan is linear: a position
//    with no repeat costs at most 10 key comparisons (hashes first), and a
//    found loop is skipped once counted.
//
// 3. Rolling lines (YouTube auto-captions). Auto-captions scroll: each cue
//    shows again, on top, the last line of the cue before it, and short
//    transition cues hold only that line. For each cue, the longest run of
//    its leading lines (at most 8) equal to the trailing lines of the previous
//    cue is removed (lines compared after trimming whitespace, blank lines
//    ignored), counting each removed line in `rolling_lines_removed`, when
//    the two cues have one speaker and the run is a roll: the previous cue
//    holds more lines than the run, or this cue does, or one of the two is a
//    transition cue (shown for more than 0 and under kTransitionMs while the
//    captions scroll: an untimed cue has no length and is none),
//    or one has word times and the other none (auto-captions show a line
//    word by word, then again whole).
//    Otherwise two cues that are the same lines, whole, are a line said
//    twice (rule 2's business), not a roll. The previous cue is compared as it was before its own
//    lines were removed; a cue left without text is dropped (it is not counted as an empty cue). So
//    each spoken line is kept once, in the cue that first showed it, with that cue's time. `raw`
//    keeps the payload as written.
//
// Word times (Cue::words) follow the text: when rules 1 and 3 cut text from a
// cue, the word times of the cut text go and the others move with the text,
// so every WordTime still names its word in `text`.
//
//    Loops are collapsed before rolling lines are removed: otherwise a
//    Whisper loop of one-line cues would be read as rolling lines (each cue
//    "repeats the previous cue's last line") and vanish without a trace in
//    `suspect`. After loop collapsing, identical neighbours are rare, so the
//    rolling rule mostly acts on cues that overlap partially.

#include "indexer/captions/clean.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"

namespace talksearch {
namespace {

/// The longest block of cues that the loop collapser looks for.
constexpr std::size_t kMaxPeriod = 4;

/// Occurrences of a block from which it is a loop: collapsed and recorded.
constexpr std::size_t kLoopRepeats = 3;

/// The most leading lines the rolling-line rule compares (YouTube shows 2).
constexpr std::size_t kMaxRollingLines = 8;

/// A cue shown for less than this is a transition between two rolling
/// cues (YouTube's last 10 ms), not a line said.
constexpr std::int64_t kTransitionMs = 100;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/// Makes `cue.text` its bytes [begin, begin + size) and keeps its word times
/// in step: the words outside that range go, the others move with the text.
void keep_text_range(Cue& cue, std::size_t begin, std::size_t size) {
    if (begin == 0 && size == cue.text.size()) return;
    cue.text = cue.text.substr(begin, size);
    std::erase_if(cue.words,
                  [&](const WordTime& w) { return w.offset < begin || w.offset >= begin + size; });
    for (WordTime& w : cue.words) {
        w.offset -= static_cast<std::uint32_t>(begin);
        w.length = std::min<std::uint32_t>(w.length, static_cast<std::uint32_t>(size - w.offset));
    }
}

/// Trims whitespace from both ends of `cue.text`, keeping word times in step.
void trim_cue(Cue& cue) {
    const std::string_view text = trim(cue.text);
    if (text.size() == cue.text.size()) return;
    keep_text_range(cue, static_cast<std::size_t>(text.data() - cue.text.data()), text.size());
}

/// Writes the key under which a cue of `speaker` saying `text` counts as a
/// repeat (see rule 2) at `out`, which has room for speaker.size() + 1 +
/// text.size() bytes; returns the key's size.
std::size_t write_loop_key(std::string_view speaker, std::string_view text, char* out) {
    std::size_t size = speaker.size();
    std::copy(speaker.begin(), speaker.end(), out);
    out[size++] = '\x1f';
    const std::size_t text_begin = size;
    bool pending_space = false;
    for (char c : text) {
        if (is_space(c)) {
            pending_space = size > text_begin;
            continue;
        }
        if (pending_space) {
            out[size++] = ' ';
            pending_space = false;
        }
        out[size++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    for (;;) {
        std::string_view key(out + text_begin, size - text_begin);
        if (!key.empty() && (key.back() == ' ' || std::string_view(".,!?;:").find(key.back()) !=
                                                      std::string_view::npos)) {
            --size;
        } else if (key.size() >= kEllipsis.size() &&
                   key.substr(key.size() - kEllipsis.size()) == kEllipsis) {
            size -= kEllipsis.size();
        } else {
            break;
        }
    }
    return size;
}

/// Rule 2: returns the positions in `cues` that survive loop collapsing,
/// recording suspect loops.
std::vector<std::size_t> collapse_loops(const std::vector<Cue>& cues,
                                        std::vector<SuspectStretch>& suspect) {
    const std::size_t n = cues.size();
    // All keys in one buffer (no allocation per cue), then views into it.
    std::size_t total = 0;
    for (const Cue& cue : cues) total += cue.speaker.size() + 1 + cue.text.size();
    std::string arena(total, '\0');
    std::vector<std::string_view> keys(n);
    std::vector<std::size_t> hashes(n);
    char* write = arena.data();
    for (std::size_t i = 0; i < n; ++i) {
        keys[i] = std::string_view(write, write_loop_key(cues[i].speaker, cues[i].text, write));
        write += keys[i].size();
        hashes[i] = std::hash<std::string_view>{}(keys[i]);
    }
    auto same = [&](std::size_t a, std::size_t b) {
        return hashes[a] == hashes[b] && keys[a] == keys[b];
    };
    auto block_equal = [&](std::size_t a, std::size_t b, std::size_t period) {
        for (std::size_t k = 0; k < period; ++k) {
            if (!same(a + k, b + k)) return false;
        }
        return true;
    };
    // A loop is one voice repeating itself: its block has one speaker.
    auto one_speaker = [&](std::size_t a, std::size_t period) {
        for (std::size_t k = 1; k < period; ++k) {
            if (cues[a + k].speaker != cues[a].speaker) return false;
        }
        return true;
    };

    std::vector<std::size_t> kept;
    kept.reserve(n);
    std::size_t i = 0;
    while (i < n) {
        std::size_t best_period = 0;
        std::size_t best_repeats = 1;
        for (std::size_t period = 1; period <= kMaxPeriod && i + kLoopRepeats * period <= n;
             ++period) {
            if (!one_speaker(i, period)) continue;
            std::size_t repeats = 1;
            while (i + (repeats + 1) * period <= n &&
                   block_equal(i, i + repeats * period, period)) {
                ++repeats;
            }
            if (repeats >= kLoopRepeats && repeats * period > best_repeats * best_period) {
                best_period = period;
                best_repeats = repeats;
            }
        }
        if (best_period == 0) {
            kept.push_back(i);
            ++i;
            continue;
        }
        const std::size_t span = best_repeats * best_period;
        suspect.push_back({cues[i].start_ms, cues[i + span - 1].end_ms,
                           static_cast<std::uint32_t>(best_repeats),
                           static_cast<std::uint32_t>(best_period)});
        for (std::size_t k = 0; k < best_period; ++k) kept.push_back(i + k);
        i += span;
    }
    return kept;
}

/// The trimmed, non-blank lines of `text`, as views into it.
void split_lines(std::string_view text, std::vector<std::string_view>& lines) {
    lines.clear();
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        if (!line.empty()) lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
}

/// How many leading lines of `current` equal the trailing lines of `previous`
/// (the longest such run, at most kMaxRollingLines), when that run is a roll:
/// one of the two cues holds more lines than it, or `transition`. 0 when
/// there is none.
std::size_t rolling_overlap(const std::vector<std::string_view>& previous,
                            const std::vector<std::string_view>& current, bool transition) {
    std::size_t most = std::min({previous.size(), current.size(), kMaxRollingLines});
    for (std::size_t k = most; k > 0; --k) {
        if (std::equal(current.begin(), current.begin() + static_cast<std::ptrdiff_t>(k),
                       previous.end() - static_cast<std::ptrdiff_t>(k))) {
            return transition || k < previous.size() || k < current.size() ? k : 0;
        }
    }
    return 0;
}

/// Rule 3: removes rolling lines from the cues at the positions `kept`, and
/// removes from `kept` the cues left without text. Returns the number of
/// lines removed.
std::uint32_t remove_rolling_lines(std::vector<Cue>& cues, std::vector<std::size_t>& kept) {
    std::uint32_t removed = 0;
    // The previous cue's lines as it was before removal: views into its text
    // or, when its text was changed, into the holder that keeps the original.
    std::vector<std::string_view> previous;
    std::vector<std::string_view> current;
    std::string originals[2];
    int holder = 0;
    std::size_t out = 0;
    // The previous cue as it was before its rolled lines went.
    struct Before {
        std::string speaker;
        bool transition = false;
        bool has_words = false;
    };
    std::optional<Before> before;
    // A cue shown briefly; not one without a length (untimed text, a time alone).
    auto is_transition = [](const Cue& c) {
        return c.end_ms > c.start_ms && c.end_ms - c.start_ms < kTransitionMs;
    };
    for (std::size_t index : kept) {
        Cue& cue = cues[index];
        split_lines(cue.text, current);
        // Another voice saying the same words is not a roll.
        const bool same_voice = before && before->speaker == cue.speaker;
        // YouTube shows a line word by word (inline times), then again whole.
        const bool transition = before && (before->transition || is_transition(cue) ||
                                           before->has_words != !cue.words.empty());
        before = Before{cue.speaker, is_transition(cue), !cue.words.empty()};
        const std::size_t overlap = same_voice ? rolling_overlap(previous, current, transition) : 0;
        if (overlap > 0) {
            removed += static_cast<std::uint32_t>(overlap);
            const std::size_t rest =
                overlap < current.size()
                    ? static_cast<std::size_t>(current[overlap].data() - cue.text.data())
                    : cue.text.size();
            std::string& original = originals[holder];
            holder ^= 1;  // `previous` may point into the other holder
            original = cue.text;
            keep_text_range(cue, rest, cue.text.size() - rest);
            trim_cue(cue);
            split_lines(original, current);
        }
        if (!cue.text.empty()) kept[out++] = index;
        std::swap(previous, current);
    }
    kept.resize(out);
    return removed;
}

}  // namespace

CleanCaptions clean_cues(std::vector<Cue> cues) {
    CleanCaptions out;

    // Rule 1: whitespace and empty cues.
    for (Cue& cue : cues) trim_cue(cue);
    const std::size_t before = cues.size();
    std::erase_if(cues, [](const Cue& cue) { return cue.text.empty(); });
    out.empty_cues_removed = static_cast<std::uint32_t>(before - cues.size());

    // Rules 2 and 3 select the cues to keep; they move out once, at the end.
    std::vector<std::size_t> kept = collapse_loops(cues, out.suspect);
    out.rolling_lines_removed = remove_rolling_lines(cues, kept);
    out.cues.reserve(kept.size());
    for (std::size_t index : kept) out.cues.push_back(std::move(cues[index]));
    return out;
}

}  // namespace talksearch

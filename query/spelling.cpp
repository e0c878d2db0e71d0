#include "query/spelling.h"

#include <algorithm>
#include <vector>

#include "query/field_query.h"

namespace talksearch {

namespace {

// How many talks hold the word, said or in their metadata (at least: a talk
// may hold it in both).
Xapian::doccount talks_with(const Xapian::Database& db, const std::string& word) {
    return std::max(db.get_termfreq(word), db.get_termfreq(metadata_term(word)));
}

}  // namespace

std::optional<std::string> suggest(const Xapian::Database& db, const QueryText& query,
                                   const SpellingLimits& limits) {
    const std::string& text = query.text;
    const Xapian::doccount total = db.get_doccount();
    const Xapian::doccount rare = limits.max_word_talks != 0
                                      ? limits.max_word_talks
                                      : std::max<Xapian::doccount>(1, total / 5000);
    std::string out;
    std::size_t done = 0;
    bool changed = false;
    for (const WordSpan& w : query.words) {
        const std::string_view word = query.word(w);
        // Field names ("title:") and operators are not words to correct.
        if (w.offset + w.length < text.size() && text[w.offset + w.length] == ':') continue;
        if (w.offset > 0 && text[w.offset - 1] == ':') continue;
        // The stem of a wildcard ("deco*") is not a word to correct.
        if (w.offset + w.length < text.size() && text[w.offset + w.length] == '*') continue;
        if (is_operator_word(word) || word.size() < 4) continue;
        const std::string term = word_term(word);
        const Xapian::doccount freq = talks_with(db, term);
        if (freq > rare) continue;
        // Candidates: Xapian's suggestion, and the word with two neighbouring
        // letters swapped ("pyhton"), which Xapian counts as two edits and its
        // n-gram search often misses. Fewest edits (a swap is one) wins, then
        // the word more talks hold.
        const unsigned max_edits = term.size() <= 5 ? 1 : 2;
        struct Candidate {
            std::string word;
            unsigned edits;
            Xapian::doccount freq;
        };
        std::vector<Candidate> candidates;
        if (std::string x = db.get_spelling_suggestion(term, max_edits); !x.empty() && x != term) {
            candidates.push_back({x, edit_distance(term, x), talks_with(db, x)});
        }
        for (std::size_t i = 0; i + 1 < term.size(); ++i) {
            if (static_cast<unsigned char>(term[i]) >= 0x80 || term[i] == term[i + 1]) continue;
            std::string swapped = term;
            std::swap(swapped[i], swapped[i + 1]);
            candidates.push_back({swapped, 1, talks_with(db, swapped)});
        }
        // "Common": by default in at least 3 talks and 5 times as many as the word itself.
        const Xapian::doccount common =
            std::max<Xapian::doccount>(limits.min_talks, limits.min_gain * (freq + 1));
        const Candidate* best = nullptr;
        for (const Candidate& c : candidates) {
            if (c.freq < common) continue;
            if (best == nullptr || c.edits < best->edits ||
                (c.edits == best->edits && c.freq > best->freq)) {
                best = &c;
            }
        }
        if (best == nullptr) continue;
        std::string s = best->word;
        // Keep a capital the user typed ("Dumpelton" -> "Dumpleton").
        if (word[0] >= 'A' && word[0] <= 'Z' && s[0] >= 'a' && s[0] <= 'z') {
            s[0] = static_cast<char>(s[0] - 'a' + 'A');
        }
        out += text.substr(done, w.offset - done);
        out += s;
        done = w.offset + w.length;
        changed = true;
    }
    if (!changed) return std::nullopt;
    out += text.substr(done);
    return out;
}

unsigned edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<unsigned>> d(a.size() + 1, std::vector<unsigned>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = static_cast<unsigned>(i);
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = static_cast<unsigned>(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace talksearch

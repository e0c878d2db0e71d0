#include "indexer/index/talk_groups.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <utility>

#include "core/text.h"
#include "core/words.h"

namespace talksearch {

namespace {

// Words naming a session that recurs with new content each time: a keynote
// or a welcome by the same person at two events is not one talk.
const std::set<std::string, std::less<>> kSessionWords = {
    "keynote",  "keynotes",    "lightning", "welcome",       "closing",     "opening",   "remarks",
    "panel",    "orientation", "plenary",   "announcements", "recruitment", "relámpago", "sponsor",
    "sponsors", "ama",         "q",         "farewell",
};

// Words too common to tell two titles apart on their own.
const std::set<std::string, std::less<>> kWeakWords = {
    "a",  "an",   "the", "of",   "and",   "or",  "to",      "in", "on", "for", "with", "at",
    "by", "from", "is",  "talk", "talks", "day", "session", "de", "la", "el",  "y",    "en",
};

std::vector<std::string> folded_words(std::string_view text) {
    std::vector<std::string> out;
    for (const WordSpan& w : split_words(text)) {
        out.push_back(fold_case(text.substr(w.offset, w.length)));
    }
    return out;
}

bool is_year(std::string_view w) {
    return w.size() == 4 &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
           (w.starts_with("19") || w.starts_with("20"));
}

// Union-find over talk indexes.
struct Components {
    std::vector<std::size_t> parent;
    explicit Components(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::size_t find(std::size_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    }
    void join(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

}  // namespace

std::vector<std::string> identifying_title_words(const Talk& talk) {
    std::vector<std::string> words = folded_words(talk.title);
    std::set<std::string, std::less<>> names;
    for (const std::string& s : talk.speakers) {
        for (std::string& w : folded_words(s)) names.insert(std::move(w));
    }
    std::set<std::string, std::less<>> event_words;
    for (std::string& w : folded_words(talk.event_title)) event_words.insert(std::move(w));
    for (std::string& w : folded_words(talk.event)) event_words.insert(std::move(w));

    // The event's name at either end ("PyCon DE 2018: ...", "... | EuroPython").
    auto is_event_word = [&](const std::string& w) {
        return event_words.contains(w) || is_year(w);
    };
    while (!words.empty() && is_event_word(words.front())) words.erase(words.begin());
    while (!words.empty() && is_event_word(words.back())) words.pop_back();

    std::vector<std::string> out;
    std::size_t strong = 0;
    for (std::string& w : words) {
        if (kSessionWords.contains(w)) return {};
        if (names.contains(w) || is_year(w)) continue;
        if (!kWeakWords.contains(w)) ++strong;
        out.push_back(std::move(w));
    }
    if (strong < 2) return {};
    return out;
}

std::vector<TalkGroup> group_recordings(const std::vector<Talk>& talks) {
    Components components(talks.size());
    // (title words, folded speaker) -> first talk seen with them.
    std::map<std::pair<std::string, std::string>, std::size_t> first;
    for (std::size_t i = 0; i < talks.size(); ++i) {
        const Talk& t = talks[i];
        if (t.origin != TalkOrigin::kPyvideo || t.speakers.empty()) continue;
        const std::vector<std::string> words = identifying_title_words(t);
        if (words.empty()) continue;
        std::string key;
        for (const std::string& w : words) (key += w) += ' ';
        for (const std::string& s : t.speakers) {
            std::string speaker;
            for (const std::string& w : folded_words(s)) (speaker += w) += ' ';
            if (speaker.empty() || speaker == "various speakers ") continue;
            auto [it, inserted] = first.try_emplace({key, speaker}, i);
            if (!inserted) components.join(it->second, i);
        }
    }

    std::map<std::size_t, std::vector<std::size_t>> members;
    for (std::size_t i = 0; i < talks.size(); ++i) members[components.find(i)].push_back(i);

    std::vector<TalkGroup> groups(talks.size());
    for (const auto& [root, list] : members) {
        if (list.size() < 2) continue;
        std::string key = talk_id(talks[list.front()]);
        for (std::size_t i : list) key = std::min(key, talk_id(talks[i]));
        for (std::size_t i : list) groups[i] = {key, list.size()};
    }
    return groups;
}

}  // namespace talksearch

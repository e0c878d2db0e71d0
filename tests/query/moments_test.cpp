#include "query/moments.h"

#include <catch2/catch.hpp>

#include "core/words.h"
#include "query/render.h"

using namespace talksearch;
namespace sc = talksearch::schema;

namespace {

// A track of cues, each `duration` ms long, back to back from `start`, with
// positions assigned as the indexer does (one per word, running on).
struct Fixture {
    sc::TimeMap map;
    std::string text;

    explicit Fixture(const std::vector<std::string>& cues, std::int64_t start = 0,
                     std::int64_t duration = 4000) {
        sc::TimedTrack track;
        track.language = "en";
        std::uint32_t pos = 1;
        for (std::size_t i = 0; i < cues.size(); ++i) {
            sc::TimedCue c;
            c.start_ms = start + static_cast<std::int64_t>(i) * duration;
            c.end_ms = c.start_ms + duration;
            c.first_position = pos;
            c.word_count = static_cast<std::uint32_t>(split_words(cues[i]).size());
            c.text_offset = static_cast<std::uint32_t>(text.size());
            c.text_length = static_cast<std::uint32_t>(cues[i].size());
            text += cues[i];
            pos += c.word_count;
            track.cues.push_back(c);
        }
        map.tracks.push_back(track);
    }
};

bool is_decorator(std::string_view w) { return w == "decorator" || w == "decorators"; }

}  // namespace

TEST_CASE("split_words counts words as the indexer does", "[moments][words]") {
    const std::string text = "Don't use C++ here, it's 3.14 times [Music] faster";
    std::vector<std::string> words;
    for (const WordSpan& w : split_words(text)) words.push_back(text.substr(w.offset, w.length));
    CHECK(words == std::vector<std::string>{"Don't", "use", "C++", "here", "it's", "3.14", "times",
                                            "Music", "faster"});
    CHECK(word_term("Don\xE2\x80\x99t") == "don't");
}

TEST_CASE("word_time_ms places a word by its character offset in the cue", "[moments]") {
    sc::TimedCue cue{10000, 14000, 5, 4, 0, 20, 0};
    const std::string text = "aaaa bbbb cccc dddd ";
    CHECK(word_time_ms(cue, text, 5) == 10000);
    CHECK(word_time_ms(cue, text, 7) == 12000);  // "cccc" starts at byte 10 of 20
    sc::TimedCue reversed{10000, 9000, 5, 4, 0, 20, 0};
    CHECK(word_time_ms(reversed, text, 7) == 10000);  // end before start: the cue's start
}

TEST_CASE("find_moments groups matches close in time and keeps the best in time order",
          "[moments]") {
    Fixture f({"we start with decorators",          // 0 s, positions 1-4
               "a decorator wraps a function",      // 4 s, 5-9
               "now something else entirely",       // 8 s
               "still other things",                // 12 s
               "more filler words here",            // 16 s
               "and more filler",                   // 20 s
               "filler again and again",            // 24 s
               "the end of filler",                 // 28 s
               "back to decorators at last",        // 32 s, "decorators" at 36
               "one more",                          // 36 s
               "decorators and closures together",  // 40 s
               "end"});
    std::vector<Occurrence> occ{{4, 0, 1}, {6, 0, 1}, {36, 0, 1}, {41, 0, 1}, {43, 1, 1}};
    MomentOptions options;
    options.max_moments = 1;
    auto moments = find_moments(f.map, f.text, occ, is_decorator, options);
    REQUIRE(moments.size() == 1);
    // The moment with two distinct query words (decorators, closures) wins.
    CHECK(moments[0].distinct_terms == 2);
    CHECK(moments[0].start_ms >= 32000);
    options.max_moments = 3;
    moments = find_moments(f.map, f.text, occ, is_decorator, options);
    REQUIRE(moments.size() == 2);
    CHECK(moments[0].start_ms < moments[1].start_ms);
    CHECK(moments[0].occurrences == 2);
    CHECK(moments[0].jump_ms == std::max<std::int64_t>(0, moments[0].start_ms - 2000));
    CHECK(snippet_html(moments[0].snippet).find("<mark>decorators</mark>") != std::string::npos);
}

TEST_CASE("find_moments starts a phrase's moment at its first word even across cues", "[moments]") {
    Fixture f({"so the wrapper closes over func. It wraps the", "function you gave it"}, 139618,
              5094);
    // "wraps the function": "wraps" is word 9 of cue 1.
    const std::uint32_t wraps = 9;
    auto moments = find_moments(f.map, f.text, {{wraps, 0, 3}}, [](std::string_view w) {
        return w == "wraps" || w == "the" || w == "function";
    });
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].start_ms > 139618);
    CHECK(moments[0].start_ms < 139618 + 5094);
    // The snippet holds both cues: the phrase's end is in the second.
    CHECK(snippet_text(moments[0].snippet).find("function you gave it") != std::string::npos);
}

TEST_CASE("find_moments ignores metadata positions", "[moments]") {
    Fixture f({"nothing relevant"});
    CHECK(
        find_moments(f.map, f.text, {{sc::kMetadataPositionBase + 2, 0, 1}}, is_decorator).empty());
}

TEST_CASE("snippet_html escapes the text around the marks", "[moments][render]") {
    const auto parts = mark_words("<b>\"decorators\" & 'co'</b>", is_decorator);
    CHECK(snippet_html(parts) ==
          "&lt;b&gt;&quot;<mark>decorators</mark>&quot; &amp; &#39;co&#39;&lt;/b&gt;");
}

TEST_CASE("find_moments keeps the snippet when overlapping cues put a later cue's word first",
          "[moments]") {
    // A long cue (0-12 s) overlaps two short ones (2-4 s, 4-6 s): "kappa", the
    // long cue's last word, is timed after "lambda" in the third cue.
    sc::TimeMap map;
    sc::TimedTrack t;
    t.language = "en";
    const std::string a = "one two three four five six seven eight nine kappa";
    const std::string b = "middle words here";
    const std::string c = "lambda appears now";
    t.cues = {{0, 12000, 1, 10, 0, static_cast<std::uint32_t>(a.size()), 0},
              {2000, 4000, 11, 3, static_cast<std::uint32_t>(a.size()),
               static_cast<std::uint32_t>(b.size()), 0},
              {4000, 6000, 14, 3, static_cast<std::uint32_t>(a.size() + b.size()),
               static_cast<std::uint32_t>(c.size()), 0}};
    map.tracks = {t};
    const std::string text = a + b + c;
    const auto moments = find_moments(map, text, {{10, 0, 1}, {14, 1, 1}}, [](std::string_view w) {
        return w == "kappa" || w == "lambda";
    });
    REQUIRE(moments.size() == 1);
    const std::string snippet = snippet_text(moments[0].snippet);
    CHECK(snippet.find("kappa") != std::string::npos);
    CHECK(snippet.find("lambda") != std::string::npos);
}

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
    sc::TimedCue cue{10000, 14000, 5, 4, 0, 20, 0, {}};
    const std::string text = "aaaa bbbb cccc dddd ";
    CHECK(word_time_ms(cue, text, 5) == 10000);
    CHECK(word_time_ms(cue, text, 7) == 12000);  // "cccc" starts at byte 10 of 20
    sc::TimedCue reversed{10000, 9000, 5, 4, 0, 20, 0, {}};
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
    t.cues = {{0, 12000, 1, 10, 0, static_cast<std::uint32_t>(a.size()), 0, {}},
              {2000,
               4000,
               11,
               3,
               static_cast<std::uint32_t>(a.size()),
               static_cast<std::uint32_t>(b.size()),
               0,
               {}},
              {4000,
               6000,
               14,
               3,
               static_cast<std::uint32_t>(a.size() + b.size()),
               static_cast<std::uint32_t>(c.size()),
               0,
               {}}};
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

TEST_CASE("word_time_ms takes a word's own time where the cue has word times", "[moments][words]") {
    // A Whisper segment " Meet the friendly capybara today." after cleaning.
    const std::string text = "Meet the friendly capybara today.";
    sc::TimedCue cue{30000, 36000, 1, 5, 0, static_cast<std::uint32_t>(text.size()), 0, {}};
    cue.words = {{0, 30000}, {5, 30400}, {9, 30700}, {18, 34600}, {27, 35300}};
    CHECK(word_time_ms(cue, text, 4) == 34600);  // "capybara", not 30000 + 6000 * 18 / 33
    CHECK(word_time_ms(cue, text, 1) == 30000);
    CHECK(word_time_ms(cue, text, 5) == 35300);
    // A timed piece of several words: between its time and the next piece's, by offset.
    const std::string line = "hello big world";
    sc::TimedCue pieces{1000, 5000, 1, 3, 0, static_cast<std::uint32_t>(line.size()), 0, {}};
    pieces.words = {{0, 1000}, {10, 3000}};  // "hello big " at 1 s, "world" at 3 s
    CHECK(word_time_ms(pieces, line, 2) == 1000 + 2000 * 6 / 10);  // "big"
    CHECK(word_time_ms(pieces, line, 3) == 3000);
    // A word before the first timed one takes the cue's start.
    sc::TimedCue late{1000, 5000, 1, 3, 0, static_cast<std::uint32_t>(line.size()), 0, {}};
    late.words = {{10, 3000}};
    CHECK(word_time_ms(late, line, 1) == 1000);
}

TEST_CASE("find_moments links a Whisper-words track to the exact second the word is said",
          "[moments][words]") {
    Fixture f({"Hello, rodent fans.", "Meet the friendly capybara today."}, 26000, 4000);
    sc::TimedCue& meet = f.map.tracks[0].cues[1];
    meet.start_ms = 30000;
    meet.end_ms = 36000;
    meet.words = {{0, 30000}, {5, 30400}, {9, 30700}, {18, 34600}, {27, 35300}};
    // "capybara" is the 4th word of the second cue: position 3 + 4.
    const std::uint32_t capybara = meet.first_position + 3;
    const auto moments = find_moments(f.map, f.text, {{capybara, 0, 1}},
                                      [](std::string_view w) { return w == "capybara"; });
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].timed);
    CHECK(moments[0].start_ms == 34600);
    // The estimate from the character offset would have been 30000 + 6000 * 18 / 33 = 33272.
    MomentOptions options;
    CHECK(moments[0].jump_ms == 34600 - options.preroll_ms);
    // Without word times the same match is placed by its offset.
    meet.words.clear();
    const auto estimated = find_moments(f.map, f.text, {{capybara, 0, 1}},
                                        [](std::string_view w) { return w == "capybara"; });
    REQUIRE(estimated.size() == 1);
    CHECK(estimated[0].start_ms == 30000 + 6000 * 18 / 33);
}

TEST_CASE("find_moments marks the moments of an untimed track and gives them no time",
          "[moments][untimed]") {
    Fixture f({"the wombat digs", "filler words", "more wombat facts"}, 0, 0);
    f.map.tracks[0].timed = false;
    // Words 2 and 7 of the transcript: 5 words apart, one moment.
    auto moments = find_moments(f.map, f.text, {{2, 0, 1}, {7, 0, 1}},
                                [](std::string_view w) { return w == "wombat"; });
    REQUIRE(moments.size() == 1);
    CHECK_FALSE(moments[0].timed);
    CHECK(moments[0].start_ms == 0);
    CHECK(moments[0].end_ms == 0);
    CHECK(moments[0].jump_ms == 0);
    CHECK(moments[0].occurrences == 2);
    CHECK(snippet_html(moments[0].snippet).find("<mark>wombat</mark>") != std::string::npos);
}

TEST_CASE("find_moments keeps matches far apart in an untimed track as separate moments",
          "[moments][untimed]") {
    std::vector<std::string> cues{"the wombat digs"};
    for (int i = 0; i < 20; ++i)
        cues.push_back("ten filler words in a row that say nothing at all");
    cues.push_back("the wombat again");
    Fixture f(cues, 0, 0);
    f.map.tracks[0].timed = false;
    const std::uint32_t last = f.map.tracks[0].cues.back().first_position + 1;
    const auto moments = find_moments(f.map, f.text, {{2, 0, 1}, {last, 0, 1}},
                                      [](std::string_view w) { return w == "wombat"; });
    // 223 words apart: at 150 words a minute, further than the 15 s gap.
    CHECK(moments.size() == 2);
    for (const Moment& m : moments) CHECK_FALSE(m.timed);
}

namespace {

// The chapters of tests/data/ytdlp's "Decorators in Depth".
const std::vector<ChapterInfo> kDepthChapters{
    {0, 95000, "Introduction"},
    {95000, 300500, "Class-based decorators"},
    {300500, 612400, "Memoization with lru_cache"},
};

bool is_wrapper_or_cache(std::string_view w) { return w == "wrapper" || w == "cache"; }

std::vector<std::int64_t> starts_of(const std::vector<Moment>& moments) {
    std::vector<std::int64_t> out;
    for (const Moment& m : moments) out.push_back(m.start_ms);
    return out;
}

}  // namespace

TEST_CASE(
    "chapter_moments turns a chapter whose title holds a matched word into a moment at its "
    "start",
    "[moments][chapters]") {
    const auto moments =
        chapter_moments(kDepthChapters, [](std::string_view w) { return w == "memoization"; });
    REQUIRE(moments.size() == 1);
    const Moment& m = moments[0];
    CHECK(m.start_ms == 300500);
    CHECK(m.end_ms == 612400);
    CHECK(m.jump_ms == 300500);  // no pre-roll before a chapter's start
    CHECK(m.timed);
    CHECK(m.chapter == "Memoization with lru_cache");
    REQUIRE(m.snippet.size() == 2);
    CHECK(m.snippet[0].text == "Memoization");
    CHECK(m.snippet[0].marked);
    CHECK(m.snippet[1].text == " with lru_cache");
    CHECK_FALSE(m.snippet[1].marked);
    CHECK(m.distinct_terms == 1);
    CHECK(m.occurrences == 1);
}

TEST_CASE("chapter_moments gives nothing when no chapter title holds a matched word",
          "[moments][chapters]") {
    CHECK(chapter_moments(kDepthChapters, [](std::string_view w) {
              return w == "closures";
          }).empty());
    CHECK(chapter_moments({}, [](std::string_view) { return true; }).empty());
}

TEST_CASE("chapter_moments matches a title's words case-folded and whole, as snippets do",
          "[moments][chapters]") {
    // "lru_cache" is one word: a query for "cache" does not match it.
    CHECK(chapter_moments(kDepthChapters, [](std::string_view w) { return w == "cache"; }).empty());
    const auto moments = chapter_moments(
        kDepthChapters, [](std::string_view w) { return w == "lru_cache" || w == "class"; });
    CHECK(starts_of(moments) == std::vector<std::int64_t>{95000, 300500});
}

TEST_CASE("chapter_moments counts the different matched words and every matched word of a title",
          "[moments][chapters]") {
    const auto moments = chapter_moments(
        {{0, 1000, "Decorators, decorators and more Decorator tricks"}}, is_decorator);
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].distinct_terms == 2);
    CHECK(moments[0].occurrences == 3);
    CHECK(snippet_html(moments[0].snippet) ==
          "<mark>Decorators</mark>, <mark>decorators</mark> and more <mark>Decorator</mark> "
          "tricks");
}

TEST_CASE(
    "chapter_moments keeps the chapters with the most matched words, then the earliest, "
    "in time order",
    "[moments][chapters]") {
    const std::vector<ChapterInfo> chapters{
        {10000, 20000, "The wrapper"},         // 1 word
        {20000, 30000, "A wrapper cache"},     // 2 different words
        {30000, 40000, "Wrapper on wrapper"},  // 1 word, twice
        {5000, 10000, "Cache"},                // 1 word, earliest
    };
    MomentOptions options;
    options.max_moments = 2;
    CHECK(starts_of(chapter_moments(chapters, is_wrapper_or_cache, options)) ==
          std::vector<std::int64_t>{20000, 30000});
    options.max_moments = 3;
    CHECK(starts_of(chapter_moments(chapters, is_wrapper_or_cache, options)) ==
          std::vector<std::int64_t>{5000, 20000, 30000});
    options.max_moments = 0;
    CHECK(chapter_moments(chapters, is_wrapper_or_cache, options).empty());
}

TEST_CASE("chapter_moments ends a chapter that ends before its start at its start",
          "[moments][chapters]") {
    const auto moments = chapter_moments({{7000, 3000, "cache"}}, is_wrapper_or_cache);
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].start_ms == 7000);
    CHECK(moments[0].end_ms == 7000);
    CHECK(moments[0].jump_ms == 7000);
}

namespace {

// Four cues 20 s apart (farther than a moment's gap): "wrapper" said at 0 s,
// "cache" and "wrapper" together at 20 s, "wrapper" again at 60 s.
struct WrapperTalk {
    Fixture f{{"a wrapper here",             // 0 s, positions 1-3
               "the cache and the wrapper",  // 20 s, positions 4-8
               "nothing",                    // 40 s, position 9
               "a wrapper again"},           // 60 s, positions 10-12
              0,
              20000};
    std::vector<Occurrence> occurrences{{2, 0, 1}, {5, 1, 1}, {8, 0, 1}, {11, 0, 1}};
    // One chapter title holds a matched word: the one at 90 s.
    std::vector<ChapterInfo> chapters{
        {0, 10000, "Intro"}, {30000, 50000, "Caching"}, {90000, 100000, "The wrapper pattern"}};
};

}  // namespace

TEST_CASE(
    "talk_moments lists chapter moments first and fills the rest with the best transcript "
    "moments, in time order",
    "[moments][chapters]") {
    const WrapperTalk t;
    const auto moments = talk_moments(t.chapters, t.f.map, t.f.text, t.occurrences,
                                      is_wrapper_or_cache, MomentOptions{});
    REQUIRE(moments.size() == 3);
    // The 0 s and 20 s moments of the transcript (the 20 s one holds both
    // words, the 0 s one ties with the 60 s one and is earlier), then the chapter.
    CHECK(moments[0].chapter.empty());
    CHECK(moments[0].start_ms < 20000);
    CHECK(moments[1].chapter.empty());
    CHECK(moments[1].start_ms >= 20000);
    CHECK(moments[1].start_ms < 40000);
    CHECK(moments[1].distinct_terms == 2);
    CHECK(moments[2].chapter == "The wrapper pattern");
    CHECK(moments[2].start_ms == 90000);
}

TEST_CASE("talk_moments keeps only chapter moments when they fill every place",
          "[moments][chapters]") {
    const WrapperTalk t;
    MomentOptions options;
    options.max_moments = 1;
    const auto moments =
        talk_moments(t.chapters, t.f.map, t.f.text, t.occurrences, is_wrapper_or_cache, options);
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].chapter == "The wrapper pattern");
}

TEST_CASE("talk_moments gives chapter moments for a talk where no word was said",
          "[moments][chapters]") {
    const WrapperTalk t;
    const auto moments =
        talk_moments(t.chapters, sc::TimeMap{}, "", {}, is_wrapper_or_cache, MomentOptions{});
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].start_ms == 90000);
}

TEST_CASE("talk_moments without a matching chapter gives exactly the transcript's moments",
          "[moments][chapters]") {
    const WrapperTalk t;
    const auto expected =
        find_moments(t.f.map, t.f.text, t.occurrences, is_wrapper_or_cache, MomentOptions{});
    const auto moments = talk_moments({{90000, 100000, "Something else"}}, t.f.map, t.f.text,
                                      t.occurrences, is_wrapper_or_cache, MomentOptions{});
    CHECK(starts_of(moments) == starts_of(expected));
    CHECK(starts_of(moments).size() == 3);
}

TEST_CASE("talk_moments puts an untimed transcript moment after a chapter moment",
          "[moments][chapters][untimed]") {
    Fixture f({"the wombat digs"}, 0, 0);
    f.map.tracks[0].timed = false;
    const auto moments =
        talk_moments({{60000, 90000, "Wombat burrows"}}, f.map, f.text, {{2, 0, 1}},
                     [](std::string_view w) { return w == "wombat"; });
    REQUIRE(moments.size() == 2);
    CHECK(moments[0].chapter == "Wombat burrows");
    CHECK(moments[0].timed);
    CHECK(moments[1].chapter.empty());
    CHECK_FALSE(moments[1].timed);
}

TEST_CASE("a moment's snippet and clip stay with the words, never joined to cues minutes later",
          "[moments]") {
    // The case: a short cue at 4:42, then nothing said until 10:12.
    Fixture f({"we have to do that", "so the next part", "and then"}, 0, 4000);
    sc::TimedTrack& t = f.map.tracks.front();
    t.cues[0].start_ms = 282000;
    t.cues[0].end_ms = 284000;
    t.cues[1].start_ms = 612000;
    t.cues[1].end_ms = 615000;
    t.cues[2].start_ms = 639000;
    t.cues[2].end_ms = 640000;
    const std::vector<Occurrence> occ{{1, 0, 5}};  // the phrase, positions 1-5
    const auto moments = find_moments(
        f.map, f.text, occ, [](std::string_view w) { return w == "that"; }, MomentOptions{});
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].start_ms == 282000);
    CHECK(moments[0].end_ms == 284000);
    std::string text;
    for (const SnippetPart& p : moments[0].snippet) text += p.text;
    CHECK(text == "we have to do that");
}

TEST_CASE("a moment spans at most a minute, however long its cue", "[moments]") {
    Fixture f({"decorators in one very long cue", "after"}, 0, 300000);
    const std::vector<Occurrence> occ{{1, 0, 1}};
    const auto moments = find_moments(f.map, f.text, occ, is_decorator, MomentOptions{});
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].end_ms - moments[0].start_ms <= 60000);
}

TEST_CASE("a short snippet takes the next cue as context when it follows on", "[moments]") {
    Fixture f({"decorators", "wrap a function and return another"}, 0, 2000);
    const std::vector<Occurrence> occ{{1, 0, 1}};
    const auto moments = find_moments(f.map, f.text, occ, is_decorator, MomentOptions{});
    REQUIRE(moments.size() == 1);
    std::string text;
    for (const SnippetPart& p : moments[0].snippet) text += p.text;
    CHECK(text == "decorators wrap a function and return another");
}

// Tests for per-word times: WebVTT inline timestamps (indexer/captions/cue_text.h,
// parse_webvtt) and how cleaning keeps word times in step with the text
// (indexer/captions/clean.h).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"
#include "indexer/captions/cue_text.h"
#include "tests/support/shared.h"

using talksearch::Captions;
using talksearch::clean_cues;
using talksearch::CleanCaptions;
using talksearch::Cue;
using talksearch::WordTime;

namespace {

std::vector<std::string> words_of(const Cue& cue) {
    std::vector<std::string> out;
    for (const WordTime& w : cue.words) out.push_back(cue.text.substr(w.offset, w.length));
    return out;
}

std::vector<std::int64_t> times_of(const Cue& cue) {
    std::vector<std::int64_t> out;
    for (const WordTime& w : cue.words) out.push_back(w.start_ms);
    return out;
}

}  // namespace

TEST_CASE("parse_cue_text keeps where each inline timestamp stood", "[captions][vtt][words]") {
    const auto t = talksearch::parse_cue_text("one<00:00:01.500><c> two</c><01:02.250> three<bad>");
    CHECK(t.text == "one two three");
    REQUIRE(t.times.size() == 2);
    CHECK(t.times[0].offset == 3);
    CHECK(t.times[0].ms == 1500);
    CHECK(t.times[1].offset == 7);
    CHECK(t.times[1].ms == 62250);
    // A tag that starts with a digit but is no timestamp is dropped, not kept as a time.
    CHECK(talksearch::parse_cue_text("a<1:2>b").times.empty());
}

TEST_CASE("inline_word_times gives the text before the first timestamp the cue's start",
          "[captions][vtt][words]") {
    const auto words = talksearch::inline_word_times("this will  happen", 304080,
                                                     {{4, 304199}, {9, 304379}, {11, 999}});
    REQUIRE(words.size() == 3);  // the stretch of spaces alone gives no word
    CHECK(words[0].start_ms == 304080);
    CHECK(words[0].offset == 0);
    CHECK(words[0].length == 4);
    CHECK(words[1].offset == 5);
    CHECK(words[1].start_ms == 304199);
    CHECK(words[2].offset == 11);
    CHECK(words[2].start_ms == 999);
    CHECK(talksearch::inline_word_times("no stamps", 10, {}).empty());
}

TEST_CASE("parse_webvtt reads YouTube's inline timestamps as word times",
          "[captions][vtt][words]") {
    const Captions c = talksearch::parse_webvtt(
        "WEBVTT\n\n00:05:04.080 --> 00:05:05.069 align:start position:0%\n"
        "this<00:05:04.199><c> will</c><c.colorE5E5E5><00:05:04.379><c> happen</c></c>\n");
    REQUIRE(c.cues.size() == 1);
    CHECK(words_of(c.cues[0]) == std::vector<std::string>{"this", "will", "happen"});
    CHECK(times_of(c.cues[0]) == std::vector<std::int64_t>{304080, 304199, 304379});
}

TEST_CASE("parse_webvtt reads the word times of webvtt-py's youtube-dl file",
          "[captions][vtt][words][shared]") {
    const std::filesystem::path file = talksearch::test::shared_path(
        "conformance/caption-samples/webvtt-py/tests/subtitles/youtube_dl.vtt");
    TALKSEARCH_SKIP_WITHOUT(file);
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Captions c = talksearch::parse_webvtt(text);
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[2].text == "this will happen is I'm telling");  // webvtt-py's assert
    CHECK(words_of(c.cues[2]) ==
          std::vector<std::string>{"this", "will", "happen", "is", "I'm", "telling"});
    CHECK(times_of(c.cues[2]) ==
          std::vector<std::int64_t>{304080, 304199, 304379, 304620, 304860, 305069});
    CHECK(c.cues[1].words.empty());
    // Cleaning removes the next cue's rolling line and keeps the timed one.
    const CleanCaptions clean = clean_cues(c.cues);
    bool found = false;
    for (const Cue& cue : clean.cues) {
        if (cue.text != "this will happen is I'm telling") continue;
        found = true;
        CHECK(cue.words.size() == 6);
    }
    CHECK(found);
}

TEST_CASE("clean_cues keeps word times in step when it trims and removes rolling lines",
          "[clean][words]") {
    std::vector<Cue> cues(2);
    cues[0].start_ms = 1000;
    cues[0].end_ms = 3000;
    cues[0].text = "  first line here \n";
    cues[0].words = {{1000, 2, 5}, {1500, 8, 4}, {2000, 13, 4}};
    cues[1].start_ms = 3000;
    cues[1].end_ms = 6000;
    cues[1].text = "first line here\n second words";
    // "first" "line" "here" repeat the previous cue (a rolling line) and go.
    cues[1].words = {{3000, 0, 5}, {3200, 6, 4}, {3400, 11, 4}, {4000, 17, 6}, {5000, 24, 5}};
    const CleanCaptions clean = clean_cues(cues);
    REQUIRE(clean.cues.size() == 2);
    CHECK(clean.cues[0].text == "first line here");
    CHECK(words_of(clean.cues[0]) == std::vector<std::string>{"first", "line", "here"});
    CHECK(times_of(clean.cues[0]) == std::vector<std::int64_t>{1000, 1500, 2000});
    CHECK(clean.cues[1].text == "second words");
    CHECK(words_of(clean.cues[1]) == std::vector<std::string>{"second", "words"});
    CHECK(times_of(clean.cues[1]) == std::vector<std::int64_t>{4000, 5000});
    CHECK(clean.rolling_lines_removed == 1);
}

TEST_CASE("clean_cues keeps the word times of a Whisper segment through trimming",
          "[clean][words][whisper]") {
    const Captions c = talksearch::parse_whisper_json(
        R"({"segments":[{"start":1.0,"end":2.0,"text":" Hi there.","words":[)"
        R"({"word":" Hi","start":1.0},{"word":" there.","start":1.5}]}]})");
    const CleanCaptions clean = clean_cues(c.cues);
    REQUIRE(clean.cues.size() == 1);
    CHECK(clean.cues[0].text == "Hi there.");
    CHECK(words_of(clean.cues[0]) == std::vector<std::string>{"Hi", "there."});
    CHECK(times_of(clean.cues[0]) == std::vector<std::int64_t>{1000, 1500});
}

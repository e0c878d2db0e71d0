// Tests for the JSON caption parsers (indexer/captions/captions.h: parse_json3,
// parse_whisper_json) on real-shaped samples in tests/data/captions-formats.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::Cue;
using talksearch::ParseError;
using talksearch::WordTime;

namespace {

std::string fixture(std::string_view name) {
    std::ifstream in(std::filesystem::path(TALKSEARCH_TEST_DATA) / "captions-formats" / name,
                     std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string word_of(const Cue& cue, const WordTime& w) {
    return cue.text.substr(w.offset, w.length);
}

}  // namespace

TEST_CASE("parse_json3 makes a cue of each event with text and skips window events and appends",
          "[captions][json3]") {
    const Captions c = talksearch::parse_json3(fixture("Jn3QkA7xW2e.en.json3"));
    CHECK(c.format == CaptionFormat::kJson3);
    CHECK(c.warnings.empty());
    // 8 events: a window event and two "\n" appends are not cues.
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[0].text == "welcome everyone to the zoo talk");
    CHECK(c.cues[0].start_ms == 1200);
    CHECK(c.cues[0].end_ms == 6000);
    CHECK(c.cues[2].text == "so the quokka jumped");
    CHECK(c.cues[2].start_ms == 61000);
    CHECK(c.cues[2].end_ms == 67000);
    CHECK(c.cues[3].text == "[Applause]");
}

TEST_CASE("parse_json3 gives each segment with tOffsetMs its own word time", "[captions][json3]") {
    const Captions c = talksearch::parse_json3(fixture("Jn3QkA7xW2e.en.json3"));
    REQUIRE(c.cues.size() == 4);
    const Cue& quokka = c.cues[2];
    REQUIRE(quokka.words.size() == 4);
    // The first segment has no offset: it is said when the event starts.
    CHECK(word_of(quokka, quokka.words[0]) == "so");
    CHECK(quokka.words[0].start_ms == 61000);
    CHECK(word_of(quokka, quokka.words[2]) == "quokka");
    CHECK(quokka.words[2].offset == 7);
    CHECK(quokka.words[2].start_ms == 61000 + 4700);
    CHECK(quokka.words[3].start_ms == 61000 + 5200);
    // A manual caption (one segment, no offsets) has no word times.
    CHECK(c.cues[3].words.empty());
}

TEST_CASE("parse_json3 reports an event without a start and keeps the others",
          "[captions][json3]") {
    const Captions c = talksearch::parse_json3(
        R"({"events":[{"dDurationMs":1000,"segs":[{"utf8":"lost"}]},)"
        R"({"tStartMs":2000,"dDurationMs":1000,"segs":[{"utf8":"kept"}]}]})");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "kept");
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].message.find("events[0]") != std::string::npos);
}

TEST_CASE("parse_json3 honours the cue and text limits", "[captions][json3]") {
    CaptionLimits limits;
    limits.max_cues = 2;
    limits.max_cue_text_bytes = 10;
    const Captions c = talksearch::parse_json3(fixture("Jn3QkA7xW2e.en.json3"), limits);
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "welcome ev");
    // Word times of text that was cut are gone; the rest stay inside the text.
    for (const WordTime& w : c.cues[0].words) CHECK(w.offset + w.length <= c.cues[0].text.size());
    CHECK(c.cues[0].words.size() == 2);
    CHECK(c.warnings.size() >= 2);
}

TEST_CASE("parse_json3 refuses JSON that is not json3", "[captions][json3]") {
    CHECK_THROWS_AS(talksearch::parse_json3("not json at all"), ParseError);
    CHECK_THROWS_AS(talksearch::parse_json3(R"({"segments":[]})"), ParseError);
    // A conference schedule has events, but none with a caption's start time.
    CHECK_THROWS_AS(talksearch::parse_json3(R"({"events":[{"title":"Keynote","room":"A"}]})"),
                    ParseError);
}

TEST_CASE("parse_whisper_json makes a cue of each segment with its words' times",
          "[captions][whisper]") {
    const Captions c = talksearch::parse_whisper_json(fixture("Wh5Zr1NpC6f.json"));
    CHECK(c.format == CaptionFormat::kWhisperJson);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    const Cue& meet = c.cues[1];
    CHECK(meet.start_ms == 30000);
    CHECK(meet.end_ms == 36000);
    CHECK(meet.id == "1");
    CHECK(meet.text == " Meet the friendly capybara today.");
    REQUIRE(meet.words.size() == 5);
    CHECK(word_of(meet, meet.words[3]) == "capybara");
    CHECK(meet.words[3].start_ms == 34600);
    CHECK(word_of(meet, meet.words[4]) == "today.");
    CHECK(meet.words[4].start_ms == 35300);
}

TEST_CASE("parse_whisper_json reads segments without words and drops those without times",
          "[captions][whisper]") {
    const Captions c = talksearch::parse_whisper_json(
        R"({"text":" a b","segments":[{"start":1.5,"end":2.25,"text":" plain words"},)"
        R"({"end":3.0,"text":" no start"},)"
        R"({"start":4.0,"end":5.0,"text":" odd words","words":[)"
        R"({"word":" odd","start":4.1},{"word":" missing"},{"word":" words","start":4.6}]}]})");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].start_ms == 1500);
    CHECK(c.cues[0].end_ms == 2250);
    CHECK(c.cues[0].words.empty());
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].message.find("segments[1]") != std::string::npos);
    // A word without a start (or not found in the text) gets no time.
    REQUIRE(c.cues[1].words.size() == 2);
    CHECK(word_of(c.cues[1], c.cues[1].words[1]) == "words");
    CHECK(c.cues[1].words[1].start_ms == 4600);
}

TEST_CASE("parse_whisper_json refuses JSON that is not Whisper output", "[captions][whisper]") {
    CHECK_THROWS_AS(talksearch::parse_whisper_json("[1, 2, 3]"), ParseError);
    CHECK_THROWS_AS(talksearch::parse_whisper_json(fixture("Jn3QkA7xW2e.info.json")), ParseError);
    CHECK_THROWS_AS(talksearch::parse_whisper_json(R"({"segments":[{"name":"intro"}]})"),
                    ParseError);
}

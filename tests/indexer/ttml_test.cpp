// Tests for the TTML parser (indexer/captions/captions.h: parse_ttml), its time expressions
// (indexer/captions/ttml_time.h) and its detection, on the files of tests/data/caption-cases.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"
#include "indexer/captions/ttml_time.h"
#include "indexer/index/matching.h"
#include "tests/support/process.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::Cue;
using talksearch::parse_ttml;
using talksearch::ParseError;
using talksearch::TtmlClock;

namespace {

std::string caption_case(std::string_view name) {
    const auto path = std::filesystem::path(TALKSEARCH_TEST_DATA) / "caption-cases" / name;
    REQUIRE(std::filesystem::exists(path));
    return talksearch::test::slurp(path);
}

std::string word_at(const Cue& cue, std::size_t k) {
    return cue.text.substr(cue.words[k].offset, cue.words[k].length);
}

std::optional<std::int64_t> ms(std::string_view time, const TtmlClock& clock = {}) {
    return talksearch::parse_ttml_time(time, clock);
}

}  // namespace

TEST_CASE("parse_ttml reads clock times, frames, line breaks and entities of a W3C TTML file",
          "[captions][ttml]") {
    const Captions c = parse_ttml(caption_case("ttml-clock-times.ttml"));
    CHECK(c.format == CaptionFormat::kTtml);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 3);
    // White space across lines collapses to one space (xml:space="default").
    CHECK(c.cues[0].text == "Welcome to the talk about caption formats");
    CHECK(c.cues[0].start_ms == 1000);
    CHECK(c.cues[0].end_ms == 3500);
    CHECK(c.cues[0].line == 14);
    // 00:00:06:12 is 12 frames at ttp:frameRate="25"; the spaces around <br/> go.
    CHECK(c.cues[1].text == "Frames count\nas a 25th of a second");
    CHECK(c.cues[1].start_ms == 4250);
    CHECK(c.cues[1].end_ms == 6000 + 12 * 40);
    CHECK(c.cues[1].raw == "Frames count <br/> as a 25th of a second");
    CHECK(c.cues[2].text == "Clock time & no fraction, <tags> as text");
    CHECK(c.cues[2].start_ms == 62000);
    CHECK(c.cues[2].end_ms == 65000);
    for (const Cue& cue : c.cues) CHECK(cue.words.empty());
}

TEST_CASE("parse_ttml reads the offset times of a DFXP file in the old namespace",
          "[captions][ttml]") {
    const std::string text = caption_case("dfxp-ttaf1.dfxp");
    CHECK(talksearch::detect_caption_format(text) == CaptionFormat::kTtml);
    const Captions c = parse_ttml(text);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 5);
    const std::int64_t expected[5][2] = {
        {1500, 3500}, {4000, 5250}, {360000, 390000}, {3000, 4000}, {70000, 72000}};
    for (std::size_t k = 0; k < 5; ++k) {
        CAPTURE(k, c.cues[k].text);
        CHECK(c.cues[k].start_ms == expected[k][0]);
        CHECK(c.cues[k].end_ms == expected[k][1]);
    }
}

TEST_CASE("parse_ttml reads a prefixed root, prefixed elements and ticks", "[captions][ttml]") {
    const std::string text = caption_case("ttml-prefixed-ticks.xml");
    CHECK(talksearch::detect_caption_format(text, "ttml-prefixed-ticks.xml") ==
          CaptionFormat::kTtml);
    const Captions c = talksearch::parse_captions(text, "ttml-prefixed-ticks.xml");
    CHECK(c.format == CaptionFormat::kTtml);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "Ticks of a\nten-millionth of a second");
    CHECK(c.cues[0].start_ms == 2500);
    CHECK(c.cues[0].end_ms == 4800);
    CHECK(c.cues[1].start_ms == 1234567);
    CHECK(c.cues[1].end_ms == 1237000);
}

TEST_CASE("parse_ttml offsets times by the begin of the body and div around them",
          "[captions][ttml]") {
    const Captions c = parse_ttml(caption_case("ttml-time-containment.ttml"));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 5);
    const std::int64_t expected[5][2] = {
        {72000, 75000},   // 10 s (body) + 60 s (div) + 2 s
        {90000, 100000},  // no end: the div's, 10 s + 90 s
        {95000, 100000},  // 10 s of dur, cut at the div's end
        {70000, 100000},  // no time of its own: the div's interval
        {10000, 13000},   // an untimed div: the body's begin
    };
    for (std::size_t k = 0; k < 5; ++k) {
        CAPTURE(k, c.cues[k].text);
        CHECK(c.cues[k].start_ms == expected[k][0]);
        CHECK(c.cues[k].end_ms == expected[k][1]);
    }
}

TEST_CASE("parse_ttml gives timed spans their word times and keeps preserved white space",
          "[captions][ttml]") {
    const Captions c = parse_ttml(caption_case("ttml-word-spans.ttml"));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 3);
    const Cue& spans = c.cues[0];
    CHECK(spans.text == "so the tapir naps");
    REQUIRE(spans.words.size() == 4);
    CHECK(word_at(spans, 2) == "tapir");
    CHECK(spans.words[0].start_ms == 20000);
    CHECK(spans.words[1].start_ms == 20600);
    CHECK(spans.words[2].start_ms == 21100);
    CHECK(spans.words[3].start_ms == 22400);
    CHECK(c.cues[1].text == "Styled but not timed text");
    CHECK(c.cues[1].words.empty());
    CHECK(c.cues[2].text == "kept   as\nwritten");
}

TEST_CASE("parse_ttml drops a paragraph without a valid time with a warning, and empty ones",
          "[captions][ttml]") {
    const Captions c = parse_ttml(caption_case("ttml-untimed.ttml"));
    CHECK(c.cues.empty());
    REQUIRE(c.warnings.size() == 2);
    CHECK(c.warnings[0].line == 3);
    CHECK_THAT(c.warnings[0].message, Catch::Contains("without a time"));
    CHECK(c.warnings[1].line == 4);
    CHECK_THAT(c.warnings[1].message, Catch::Contains("begin=\"soon\""));
}

TEST_CASE(
    "parse_ttml refuses other XML, says when the file is cut short and honours the cue "
    "limit",
    "[captions][ttml]") {
    CHECK_THROWS_WITH(parse_ttml("<timedtext><body/></timedtext>"),
                      Catch::StartsWith("not a TTML file"));
    CHECK_THROWS_AS(parse_ttml("plain words"), ParseError);
    CHECK_THROWS_AS(parse_ttml("<tt><body><p begin=\"1s\" end=\"2"), ParseError);
    const Captions cut =
        parse_ttml("<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><p begin=\"1s\">never closed");
    REQUIRE(cut.cues.size() == 1);
    CHECK(cut.cues[0].text == "never closed");
    CHECK(cut.cues[0].end_ms == 1000);
    REQUIRE(cut.warnings.size() == 1);
    CHECK_THAT(cut.warnings[0].message, Catch::Contains("cut short"));

    CaptionLimits limits;
    limits.max_cues = 2;
    const Captions capped = parse_ttml(caption_case("dfxp-ttaf1.dfxp"), limits);
    CHECK(capped.cues.size() == 2);
    REQUIRE(capped.warnings.size() == 1);
    CHECK_THAT(capped.warnings[0].message, Catch::Contains("too many cues"));
}

TEST_CASE("parse_ttml_time reads clock times with fractions, frames and sub-frames",
          "[captions][ttml]") {
    CHECK(ms("01:02:03") == 3723000);
    CHECK(ms(" 01:02:03.5 ") == 3723500);
    CHECK(ms("0:00:01.250") == 1250);  // one hour digit, as converters write
    CHECK(ms("100:00:00") == 360000000);
    CHECK(ms("00:00:01:15") == 1500);  // 30 frames a second by default
    TtmlClock pal;
    pal.frame_rate = 25;
    CHECK(ms("00:00:01:15", pal) == 1600);
    const TtmlClock ntsc = talksearch::ttml_clock(
        " ttp:frameRate=\"30\" ttp:frameRateMultiplier=\"1000 1001\" ttp:subFrameRate=\"2\"");
    CHECK(ms("00:00:00:30", ntsc) == 1001);
    CHECK(ms("00:00:00:01.1", ntsc) == 50);  // a frame and a half at 29.97
    for (const char* bad : {"", "1:2:3", "00:60:00", "00:00:61", "00:00:01,5", "00:01",
                            "00:00:01.5:10", "00:00:01:", "aa:00:00", "00:00:00.x"}) {
        CAPTURE(bad);
        CHECK_FALSE(ms(bad).has_value());
    }
}

TEST_CASE("parse_ttml_time reads offset times in each metric with the document's rates",
          "[captions][ttml]") {
    CHECK(ms("1.5h") == 5400000);
    CHECK(ms("2m") == 120000);
    CHECK(ms("62.5s") == 62500);
    CHECK(ms("250ms") == 250);
    CHECK(ms("90f") == 3000);
    CHECK(ms("60t") == 60000);  // no rates given: a tick is a second
    const TtmlClock ticks = talksearch::ttml_clock(" ttp:tickRate=\"10000000\"");
    CHECK(ms("10000000t", ticks) == 1000);
    // With a frame rate and no tick rate, a tick is a sub-frame.
    const TtmlClock frames = talksearch::ttml_clock(" ttp:frameRate=\"25\"");
    CHECK(ms("50t", frames) == 2000);
    CHECK(ms("50f", frames) == 2000);
    // A parameter that is not a positive number is taken as absent.
    CHECK(talksearch::ttml_clock(" ttp:frameRate=\"0\" ttp:tickRate=\"x\"").tick_rate == 1);
    for (const char* bad : {"1.5", "s", "-1s", "1e3s", "1.s", ".5s", "5 s", "5x", "1,5s"}) {
        CAPTURE(bad);
        CHECK_FALSE(ms(bad).has_value());
    }
    CHECK_FALSE(ms("99999999999999999h").has_value());  // out of range
}

TEST_CASE("detect_caption_format tells TTML by its root whatever its namespace or prefix",
          "[captions][ttml][detect]") {
    for (const char* root : {"<tt xmlns=\"http://www.w3.org/ns/ttml\">",
                             "<tt xmlns=\"http://www.w3.org/2006/10/ttaf1\">",
                             "<tt xmlns=\"http://www.w3.org/2006/04/ttaf1\">",
                             "<tt:tt xmlns:tt=\"http://www.w3.org/ns/ttml\">"}) {
        CAPTURE(root);
        const std::string text = std::string("<?xml version=\"1.0\"?>\n") + root + "<body/></tt>";
        CHECK(talksearch::detect_caption_format(text) == CaptionFormat::kTtml);
        CHECK(talksearch::detect_caption_format(text, "talk.json") == CaptionFormat::kTtml);
    }
    // The extensions that name TTML, and .xml, which it shares with YouTube's formats.
    CHECK(talksearch::is_caption_file_name("talk.en.ttml"));
    CHECK(talksearch::is_caption_file_name("talk.DFXP"));
    CHECK(talksearch::is_caption_file_name("talk.en.xml"));
    // A file that is not XML at all is refused by the TTML parser, named as such.
    CHECK_THROWS_WITH(talksearch::parse_captions("hello", "talk.ttml"),
                      Catch::StartsWith("not a TTML file"));
}

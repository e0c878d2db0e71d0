// Tests for YouTube's XML caption parsers (indexer/captions/captions.h: parse_srv3,
// parse_timedtext) on real-shaped samples and the youtube-transcript-api fixture.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"
#include "tests/support/process.h"
#include "tests/support/shared.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::Cue;
using talksearch::ParseError;

namespace {

std::string read_all(const std::filesystem::path& path) {
    REQUIRE(std::filesystem::exists(path));
    return talksearch::test::slurp(path);
}

std::string fixture(std::string_view name) {
    return read_all(std::filesystem::path(TALKSEARCH_TEST_DATA) / "captions-formats" / name);
}

// A file of tests/data/caption-cases (its README lists the cases).
std::string caption_case(std::string_view name) {
    return read_all(std::filesystem::path(TALKSEARCH_TEST_DATA) / "caption-cases" / name);
}

std::string word_at(const Cue& cue, std::size_t k) {
    return cue.text.substr(cue.words[k].offset, cue.words[k].length);
}

}  // namespace

TEST_CASE("parse_srv3 reads paragraphs in ms and skips the empty appends", "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3(fixture("Sv3Pn8RtY4u.en.srv3"));
    CHECK(c.format == CaptionFormat::kSrv3);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[0].text == "hello and welcome back");
    CHECK(c.cues[0].start_ms == 1000);
    CHECK(c.cues[0].end_ms == 5000);
    CHECK(c.cues[0].line == 10);
    // Entities decoded; <br/> is a line break.
    CHECK(c.cues[1].text == "let's talk whales");
    CHECK(c.cues[3].text == "Tusks & teeth\nare not the same");
    CHECK(c.cues[3].raw == "Tusks &amp; teeth<br/>are not the same");
    CHECK(c.cues[3].words.empty());
}

TEST_CASE("parse_srv3 gives each <s t> its word time", "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3(fixture("Sv3Pn8RtY4u.en.srv3"));
    REQUIRE(c.cues.size() == 4);
    const Cue& cue = c.cues[2];
    CHECK(cue.text == "and then narwhal appeared");
    REQUIRE(cue.words.size() == 4);
    CHECK(word_at(cue, 0) == "and");
    CHECK(cue.words[0].start_ms == 42000);  // the first <s> has no t: the paragraph's start
    CHECK(word_at(cue, 2) == "narwhal");
    CHECK(cue.words[2].start_ms == 42000 + 3900);
    CHECK(cue.words[3].start_ms == 42000 + 4400);
}

TEST_CASE("parse_srv3 reports a paragraph without a start and refuses other XML",
          "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3(
        "<timedtext format=\"3\"><body>\n<p d=\"100\">lost</p>\n<p t='5' d='10'>kept</p>"
        "</body></timedtext>");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "kept");
    CHECK(c.cues[0].start_ms == 5);
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].line == 2);
    CHECK_THROWS_AS(talksearch::parse_srv3("<tt xmlns=\"http://www.w3.org/ns/ttml\"></tt>"),
                    ParseError);
    CHECK_THROWS_AS(talksearch::parse_srv3("<timedtext><body><p t=\"1\" d=\"2"), ParseError);
}

TEST_CASE("parse_srv3 keeps the last paragraph of a file cut short and says so",
          "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3("<timedtext><body><p t=\"1\">never closed");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "never closed");
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].message.find("cut short") != std::string::npos);
}

TEST_CASE("parse_srv3 reads start and dur in seconds on elements without t", "[captions][srv3]") {
    const std::string text = caption_case("srv3-start-dur-seconds.srv3");
    CHECK(talksearch::detect_caption_format(text) == CaptionFormat::kSrv3);
    const Captions c = talksearch::parse_srv3(text);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 3);
    CHECK(c.cues[0].text == "Never gonna");
    CHECK(c.cues[0].start_ms == 18640);
    CHECK(c.cues[0].end_ms == 21880);
    CHECK(c.cues[0].line == 4);
    CHECK(c.cues[1].start_ms == 21880);
    CHECK(c.cues[1].end_ms == 24380);
    // A <p> timed the same way (no t) is read the same way.
    CHECK(c.cues[2].text == "a paragraph timed the same way");
    CHECK(c.cues[2].start_ms == 30000);
    CHECK(c.cues[2].end_ms == 31250);
}

TEST_CASE("parse_srv3 keeps t in ms over start in seconds when an element has both",
          "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3(
        "<timedtext format=\"3\"><body><p t=\"1500\" d=\"500\" start=\"9\" dur=\"9\">ms"
        "</p></body></timedtext>");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 1500);
    CHECK(c.cues[0].end_ms == 2000);
}

TEST_CASE("parse_srv3 warns once for each paragraph it drops when it drops them all",
          "[captions][srv3]") {
    const std::string text = caption_case("srv3-no-valid-times.srv3");
    const Captions c = talksearch::parse_srv3(text);
    CHECK(c.cues.empty());
    REQUIRE(c.warnings.size() == 3);
    CHECK(c.warnings[0].line == 4);
    CHECK(c.warnings[1].line == 5);
    CHECK(c.warnings[2].line == 6);
    for (const auto& w : c.warnings) CHECK_THAT(w.message, Catch::Contains("cue dropped"));
    // Detection and dispatch pass the warnings on.
    CHECK(talksearch::parse_captions(text, "talk.srv3").warnings.size() == 3);
}

TEST_CASE("parse_srv3 decodes text that YouTube escaped twice, and only complete references",
          "[captions][srv3]") {
    const Captions c = talksearch::parse_srv3(caption_case("srv3-double-escaped.srv3"));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[0].text == "call & wait");
    CHECK(c.cues[0].start_ms == 900);
    CHECK(c.cues[0].end_ms == 1400);
    CHECK(c.cues[1].text == "if x < y then \"stop\"");
    // A single-escaped & stays an &, even before a word that names an HTML entity.
    CHECK(c.cues[2].text == "R&D & &notes, AT&T");
    // Decoded markup is text, not tags: srv3 text is not HTML.
    const Cue& markup = c.cues[3];
    CHECK(markup.text == "it's <i>not markup");
    REQUIRE(markup.words.size() == 3);
    CHECK(word_at(markup, 1) == "<i>not");
    CHECK(markup.words[1].start_ms == 3200 + 300);
    CHECK(markup.raw.find("&amp;lt;i&amp;gt;") != std::string::npos);
}

TEST_CASE("parse_timedtext decodes double-escaped text, strips tags and drops empty texts",
          "[captions][timedtext]") {
    const Captions c = talksearch::parse_timedtext(fixture("Tt1Lg5HwZ9c.en.xml"));
    CHECK(c.format == CaptionFormat::kTimedText);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 5);
    CHECK(c.cues[0].start_ms == 500);
    CHECK(c.cues[0].end_ms == 3700);
    CHECK(c.cues[1].text == "it's a show about odd creatures");
    CHECK(c.cues[2].text == "salamanders & newts, and why x < y");
    CHECK(c.cues[3].text == "the axolotl");
    CHECK(c.cues[3].start_ms == 20500);
    CHECK(c.cues[3].end_ms == 23500);
    CHECK(c.cues[3].words.empty());
}

TEST_CASE("parse_timedtext reports a bad start and refuses a file that is not a transcript",
          "[captions][timedtext]") {
    const Captions c = talksearch::parse_timedtext(
        "<?xml version=\"1.0\"?>\n<transcript>\n<text start=\"soon\">lost</text>\n"
        "<text start=\"2\" dur=\"x\">kept</text></transcript>");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 2000);
    CHECK(c.cues[0].end_ms == 2000);
    REQUIRE(c.warnings.size() == 2);
    CHECK(c.warnings[0].line == 3);
    CHECK_THROWS_AS(talksearch::parse_timedtext("<html><body>hi</body></html>"), ParseError);
    CHECK_THROWS_AS(talksearch::parse_timedtext("hello"), ParseError);
}

TEST_CASE("parse_timedtext honours the cue limit", "[captions][timedtext]") {
    CaptionLimits limits;
    limits.max_cues = 3;
    const Captions c = talksearch::parse_timedtext(fixture("Tt1Lg5HwZ9c.en.xml"), limits);
    CHECK(c.cues.size() == 3);
    CHECK_FALSE(c.warnings.empty());
}

TEST_CASE("parse_timedtext reads youtube-transcript-api's transcript as its tests expect",
          "[captions][timedtext][shared]") {
    const std::filesystem::path file = talksearch::test::shared_path(
        "conformance/caption-samples/youtube-transcript-api/youtube_transcript_api/test/assets/"
        "transcript.xml.static");
    TALKSEARCH_SKIP_WITHOUT(file);
    const std::string text = read_all(file);
    REQUIRE(talksearch::detect_caption_format(text, file.filename().string()) ==
            CaptionFormat::kTimedText);
    const Captions c = talksearch::parse_captions(text, file.filename().string());
    // expected.json: HTML tags stripped, the empty <text> dropped, end = start + dur.
    REQUIRE(c.cues.size() == 3);
    CHECK(c.cues[0].text == "Hey, this is just a test");
    CHECK(c.cues[0].start_ms == 0);
    CHECK(c.cues[0].end_ms == 1540);
    CHECK(c.cues[1].text == "this is not the original transcript");
    CHECK(c.cues[1].start_ms == 1540);
    CHECK(c.cues[1].end_ms == 1540 + 4160);
    CHECK(c.cues[2].text == "just something shorter, I made up for testing");
    CHECK(c.cues[2].start_ms == 5700);
    CHECK(c.cues[2].end_ms == 5700 + 3239);
}

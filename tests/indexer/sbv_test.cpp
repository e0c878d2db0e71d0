// Tests for the SBV parser (indexer/captions/captions.h: parse_sbv), on our sample and
// on webvtt-py's SBV fixtures.
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
using talksearch::ParseError;

namespace {

std::string read_all(const std::filesystem::path& path) {
    REQUIRE(std::filesystem::exists(path));
    return talksearch::test::slurp(path);
}

const std::filesystem::path kPeerFixtures =
    talksearch::test::shared_path("conformance/caption-samples/webvtt-py/tests/subtitles");

}  // namespace

TEST_CASE("parse_sbv reads timing lines, multi-line text and blank lines between cues",
          "[captions][sbv]") {
    const Captions c = talksearch::parse_sbv(read_all(std::filesystem::path(TALKSEARCH_TEST_DATA) /
                                                      "captions-formats/Sb7Vx2MqK3d.en.sbv"));
    CHECK(c.format == CaptionFormat::kSbv);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[0].start_ms == 1000);
    CHECK(c.cues[0].end_ms == 4500);
    CHECK(c.cues[0].line == 1);
    CHECK(c.cues[1].text == "Tonight: animals with scales\nthat roll into a ball.");
    CHECK(c.cues[1].end_ms == 9250);
    CHECK(c.cues[2].text == "pangolin facts");
    CHECK(c.cues[2].start_ms == 50000);
    CHECK(c.cues[2].line == 8);
}

TEST_CASE("parse_sbv handles CRLF, a BOM and a timing line right after text", "[captions][sbv]") {
    const Captions c = talksearch::parse_sbv(
        "\xEF\xBB\xBF"
        "0:00:00.5,0:00:01.25\r\nfirst\r\n1:02:03.000,1:02:04.000\r\nsecond\r\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].start_ms == 500);
    CHECK(c.cues[0].end_ms == 1250);
    CHECK(c.cues[0].text == "first");
    CHECK(c.cues[1].start_ms == ((1 * 60 + 2) * 60 + 3) * 1000);
    CHECK(c.cues[1].line == 3);
}

TEST_CASE("parse_sbv drops a cue with a bad timing line and reports stray text",
          "[captions][sbv]") {
    const Captions c = talksearch::parse_sbv(
        "0:00:01.000,0:00:02.000\nkept\n\n0:00:13.f89,0:00:15.489\nlost\n\nstray text\n\n"
        "0:00:20.000,0:00:21.000\nalso kept\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[1].text == "also kept");
    REQUIRE(c.warnings.size() == 2);
    CHECK(c.warnings[0].line == 4);
    CHECK(c.warnings[0].message.find("malformed timing line") != std::string::npos);
    CHECK(c.warnings[1].line == 7);
    CHECK(c.warnings[1].message.find("outside a cue") != std::string::npos);
}

TEST_CASE("parse_sbv refuses a file with no timing line and honours the cue limit",
          "[captions][sbv]") {
    CHECK_THROWS_AS(talksearch::parse_sbv("some text"), ParseError);
    CHECK_THROWS_AS(talksearch::parse_sbv(""), ParseError);
    CaptionLimits limits;
    limits.max_cues = 1;
    const Captions c =
        talksearch::parse_sbv("0:00:01.000,0:00:02.000\na\n\n0:00:02.000,0:00:03.000\nb\n", limits);
    CHECK(c.cues.size() == 1);
    CHECK(c.warnings.size() == 1);
}

TEST_CASE("parse_sbv reads webvtt-py's SBV fixtures as its tests expect",
          "[captions][sbv][shared]") {
    TALKSEARCH_SKIP_WITHOUT(kPeerFixtures);
    const auto parse = [](std::string_view name) {
        const std::filesystem::path file = kPeerFixtures / name;
        const std::string text = read_all(file);
        // Detected from the content, whatever the name says.
        CHECK(talksearch::detect_caption_format(text) == CaptionFormat::kSbv);
        return talksearch::parse_captions(text, file.filename().string());
    };
    SECTION("sample.sbv: every cue, the last one ending before it starts") {
        const Captions c = parse("sample.sbv");
        const struct {
            std::int64_t start, end;
            const char* text;
        } expected[] = {
            {378, 11378, "Caption text #1"},
            {11378, 12305, "Caption text #2"},
            {13489, 15489, "Caption text #3 (line 1)\nCaption text #3 (line 2)"},
            {15489, 16234, "Caption text #4"},
            {17484, 16543, "Caption text #5"},
        };
        REQUIRE(c.cues.size() == std::size(expected));
        for (std::size_t i = 0; i < std::size(expected); ++i) {
            CAPTURE(i);
            CHECK(c.cues[i].start_ms == expected[i].start);
            CHECK(c.cues[i].end_ms == expected[i].end);
            CHECK(c.cues[i].text == expected[i].text);
        }
        CHECK(c.warnings.empty());
    }
    SECTION("two_captions.sbv") {
        const Captions c = parse("two_captions.sbv");
        REQUIRE(c.cues.size() == 2);
        CHECK(c.cues[1].text == "Caption text #2 (line 1)\nCaption text #2 (line 2)");
    }
    SECTION("missing_caption_text.sbv: a cue without text is kept for the cleaner to drop") {
        const Captions c = parse("missing_caption_text.sbv");
        REQUIRE(c.cues.size() == 5);
        CHECK(c.cues[1].text.empty());
    }
    SECTION("a bad timing line or a missing one costs only that cue (webvtt-py refuses the file)") {
        const Captions bad_time = parse("invalid_timeframe.sbv");
        CHECK(bad_time.cues.size() == 4);
        CHECK(bad_time.warnings.size() == 1);
        const Captions missing = parse("missing_timeframe.sbv");
        CHECK(missing.cues.size() == 4);
        CHECK(missing.warnings.size() == 1);
    }
    SECTION("invalid_format.sbv is not SBV") {
        const std::string text = read_all(kPeerFixtures / "invalid_format.sbv");
        CHECK_THROWS_AS(talksearch::parse_captions(text, "invalid_format.sbv"), ParseError);
    }
}

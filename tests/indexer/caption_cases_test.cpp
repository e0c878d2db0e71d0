// Issue 19's caption cases, each on the fixture written for it in
// tests/data/caption-cases (its README lists the expected cues). Every file is
// read as the indexer reads it: parse_captions (format from the content and
// the name), then clean_cues where the case is about cleaning.
#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"

using talksearch::CaptionFormat;
using talksearch::Captions;
using talksearch::Cue;

namespace {

Captions parse_case(const std::string& name) {
    const std::filesystem::path path =
        std::filesystem::path(TALKSEARCH_TEST_DATA) / "caption-cases" / name;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return talksearch::parse_captions(text, name);
}

struct Expected {
    std::int64_t start_ms;
    std::int64_t end_ms;
    std::string text;
};

void check_cues(const std::vector<Cue>& cues, const std::vector<Expected>& expected) {
    REQUIRE(cues.size() == expected.size());
    for (std::size_t i = 0; i < cues.size(); ++i) {
        INFO("cue " << i);
        CHECK(cues[i].start_ms == expected[i].start_ms);
        CHECK(cues[i].end_ms == expected[i].end_ms);
        CHECK(cues[i].text == expected[i].text);
    }
}

}  // namespace

TEST_CASE("A SubRip time with three-digit seconds reads as those seconds", "[captions][cases]") {
    const Captions c = parse_case("srt-three-digit-seconds.srt");
    CHECK(c.format == CaptionFormat::kSrt);
    CHECK(c.warnings.empty());
    check_cues(c.cues, {{12000, 14250, "Seconds padded to three digits,"},
                        {15567, 15901, "as some subtitle tools write them."},
                        {16000, 18500, "A cue that mixes both forms."},
                        {65000, 67000, "And a minute later, the same again."}});
}

TEST_CASE("json3 text has its complete character references decoded once", "[captions][cases]") {
    const Captions c = parse_case("json3-entities.json3");
    CHECK(c.format == CaptionFormat::kJson3);
    // "&amp;amp" is decoded once (json3 is escaped once), "&copy" without its
    // ';' is text.
    check_cues(c.cues, {{1000, 3500, "Tom & Jerry <3 'quotes'"},
                        {4000, 6000, "fish & chips &amp &copy 2024"}});
    // Word times still name their words after decoding.
    REQUIRE(c.cues[1].words.size() == 3);
    CHECK(c.cues[1].text.substr(c.cues[1].words[1].offset, c.cues[1].words[1].length) == "&amp");
    CHECK(c.cues[1].words[2].start_ms == 5200);
}

TEST_CASE("WebVTT cue text reads the whole HTML named character reference table",
          "[captions][cases]") {
    const Captions c = parse_case("vtt-entities.vtt");
    check_cues(c.cues, {{1000, 3000, "fish & chips & peas, \xC2\xAC hot"},
                        {4000, 6000, "x \xE2\x88\x89 A, A \xE2\xAB\x85\xCC\xB8 B, one\ntwo"},
                        {7000, 9000, "\xE2\x88\xB2 and \xC2\xACit; and &unknown; stay"},
                        {10000, 12000, "caf\xC3\xA9 \xE2\x80\x93 \xF0\x9F\x98\x80"}});
}

TEST_CASE("Cleaning keeps a line said by two speakers and collapses one speaker's loop",
          "[captions][cases][clean]") {
    const talksearch::CleanCaptions clean =
        talksearch::clean_cues(parse_case("vtt-speakers-and-loops.vtt").cues);
    std::vector<std::string> said;
    for (const Cue& cue : clean.cues) said.push_back(cue.speaker + ": " + cue.text);
    CHECK(said == std::vector<std::string>{
                      "Speaker 3: Should be.", "Speaker 1: Should be.", "Speaker 1: Right, right.",
                      "Speaker 1: Right, right.", "Speaker 2: Thank you.",
                      "Speaker 3: So the parser\nis fast", "Speaker 1: is fast\nand small"});
    REQUIRE(clean.suspect.size() == 1);
    CHECK(talksearch::describe_loop(clean.suspect[0]) ==
          "repetition loop collapsed: a block of 1 cue(s) said 4 times from 00:00:05.000 to "
          "00:00:09.000");
    CHECK(clean.rolling_lines_removed == 0);
}

TEST_CASE("A transcript whose lines start with their time is read with those times",
          "[captions][cases]") {
    const Captions c = parse_case("timestamped.txt");
    CHECK(c.format == CaptionFormat::kTimestampedText);
    CHECK(talksearch::caption_format_is_timed(c.format));
    check_cues(c.cues, {{0, 0, "Episode 42: parsing captions"},
                        {0, 4000, "Hello and welcome to the show."},
                        {4000, 70000,
                         "This week we talk about the okapi parser, which reads every format."},
                        {70000, 150000, "[01:02] is not a time here but text."},
                        {150000, 3907000, "Bracketed times are read too."},
                        {3907000, 3909046, "Over an hour in, the last line."}});
}

TEST_CASE("A text without times is still an untimed transcript", "[captions][cases]") {
    const Captions c = talksearch::parse_captions(
        "Just words.\n12:30 is lunch, said once.\nMore words.\n", "notes.txt");
    CHECK(c.format == CaptionFormat::kPlainText);
    REQUIRE(c.cues.size() == 3);
    CHECK(c.cues[1].text == "12:30 is lunch, said once.");
    CHECK(c.cues[1].start_ms == 0);
}

TEST_CASE("UTF-16 is read in SBV and WebVTT, with or without a byte order mark",
          "[captions][cases]") {
    SECTION("SBV, little-endian with a BOM") {
        const Captions c = parse_case("sbv-utf16le-bom.sbv");
        CHECK(c.format == CaptionFormat::kSbv);
        check_cues(c.cues,
                   {{1000, 3500, "A lemur in UTF-16."}, {4000, 6000, "With a byte order mark."}});
    }
    SECTION("SBV, big-endian without a BOM") {
        const Captions c = parse_case("sbv-utf16be-nobom.sbv");
        CHECK(c.format == CaptionFormat::kSbv);
        check_cues(c.cues, {{1000, 3500, "A lemur in UTF-16, big-endian."},
                            {4000, 6000, "No byte order mark."}});
    }
    SECTION("WebVTT with a BOM: read, with a warning that players want UTF-8") {
        const Captions c = parse_case("vtt-utf16le-bom.vtt");
        CHECK(c.format == CaptionFormat::kWebVtt);
        check_cues(c.cues, {{1000, 3000, "A gecko in UTF-16 WebVTT."},
                            {4000, 5500, "Second cue, caf\xC3\xA9."}});
        REQUIRE(c.warnings.size() == 1);
        CHECK(c.warnings[0].message ==
              "the file is UTF-16: read as such, but WebVTT players read UTF-8 only");
    }
}

TEST_CASE("Hostile TTML times are refused, never overflowed or misread", "[captions][cases]") {
    SECTION("begins nested past the latest time") {
        std::string text = "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body begin=\"277777777h\">";
        for (int i = 0; i < 50; ++i) text += "<div begin=\"277777777h\">";
        text += "<p begin=\"0s\" dur=\"1s\">deep</p>";
        for (int i = 0; i < 50; ++i) text += "</div>";
        text += "</body></tt>";
        const Captions c = talksearch::parse_captions(text, "deep.ttml");
        for (const Cue& cue : c.cues) {
            CHECK(cue.start_ms >= 0);
            CHECK(cue.start_ms <= 1'000'000'000'000'000);
        }
        CHECK_FALSE(c.warnings.empty());
    }
    SECTION("a frame count too long for a number") {
        const std::string text =
            "<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div>"
            "<p begin=\"00:00:01:" +
            std::string(400, '9') +
            "\" end=\"00:00:02\">frames</p>"
            "<p begin=\"00:00:03\" end=\"00:00:04\">fine</p></div></body></tt>";
        const Captions c = talksearch::parse_captions(text, "frames.ttml");
        REQUIRE(c.cues.size() == 1);
        CHECK(c.cues[0].text == "fine");
        REQUIRE(c.warnings.size() == 1);
        CHECK_THAT(c.warnings[0].message, Catch::Contains("bad begin"));
    }
}

TEST_CASE("Legacy timedtext decodes complete references only, twice", "[captions][cases]") {
    const Captions c = talksearch::parse_captions(
        "<transcript><text start=\"1\" dur=\"2\">see &amp;notes and &amp;copy 2024, "
        "it&amp;#39;s</text></transcript>",
        "legacy.xml");
    check_cues(c.cues, {{1000, 3000, "see &notes and &copy 2024, it's"}});
}

TEST_CASE("An untimed transcript keeps a line said twice", "[captions][cases][clean]") {
    const talksearch::CleanCaptions clean = talksearch::clean_cues(
        talksearch::parse_captions("Thank you.\nThank you.\nRight.\nRight.\n", "a.txt").cues);
    CHECK(clean.cues.size() == 4);
    CHECK(clean.rolling_lines_removed == 0);
}

TEST_CASE("A timestamped transcript reads minutes past 59 in M:SS", "[captions][cases]") {
    const Captions c =
        talksearch::parse_captions("58:59 nearly an hour\n75:30 past the hour\n", "long.txt");
    CHECK(c.format == CaptionFormat::kTimestampedText);
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[1].start_ms == 4'530'000);
    CHECK(c.cues[0].end_ms == 4'530'000);
}

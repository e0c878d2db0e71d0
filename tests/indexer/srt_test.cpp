// Tests for the SubRip parser (indexer/captions/captions.h: parse_srt).
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"
#include "tests/support/shared.h"

using namespace std::string_literals;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::parse_srt;
using talksearch::ParseError;

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::filesystem::path test_data(std::string_view name) {
    return std::filesystem::path(TALKSEARCH_TEST_DATA) / "srt" / name;
}

const std::string kTwoCues =
    "1\n"
    "00:00:01,000 --> 00:00:02,500\n"
    "Hello there.\n"
    "\n"
    "2\n"
    "00:00:03,000 --> 00:00:04,000\n"
    "General Kenobi!\n";

void check_two_cues(const Captions& captions) {
    REQUIRE(captions.cues.size() == 2);
    CHECK(captions.cues[0].start_ms == 1000);
    CHECK(captions.cues[0].end_ms == 2500);
    CHECK(captions.cues[0].text == "Hello there.");
    CHECK(captions.cues[1].start_ms == 3000);
    CHECK(captions.cues[1].end_ms == 4000);
    CHECK(captions.cues[1].text == "General Kenobi!");
    CHECK(captions.warnings.empty());
}

}  // namespace

TEST_CASE("parse_srt reads the index, times, payload and line of each cue", "[captions][srt]") {
    Captions captions = parse_srt(kTwoCues);
    CHECK(captions.format == talksearch::CaptionFormat::kSrt);
    check_two_cues(captions);
    CHECK(captions.cues[0].id == "1");
    CHECK(captions.cues[0].raw == "Hello there.");
    CHECK(captions.cues[0].line == 2);
    CHECK(captions.cues[0].speaker.empty());
    CHECK(captions.cues[1].id == "2");
    CHECK(captions.cues[1].line == 6);
}

TEST_CASE("parse_srt skips a UTF-8 byte order mark", "[captions][srt]") {
    Captions captions = parse_srt("\xEF\xBB\xBF" + kTwoCues);
    check_two_cues(captions);
    CHECK(captions.cues[0].id == "1");
}

TEST_CASE("parse_srt transcodes UTF-16 with a byte order mark to UTF-8", "[captions][srt]") {
    SECTION("little endian") {
        Captions captions = parse_srt(read_file(test_data("utf16le.srt")));
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[0].id == "1");
        CHECK(captions.cues[0].start_ms == 1000);
        CHECK(captions.cues[0].end_ms == 2500);
        CHECK(captions.cues[0].text == "Caf\u00e9 \u00fcber na\u00efve");
        CHECK(captions.cues[1].text == "Emoji \U0001F600 here");
        CHECK(captions.warnings.empty());
    }
    SECTION("big endian") {
        Captions captions = parse_srt(read_file(test_data("utf16be.srt")));
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[0].text == "Caf\u00e9 \u00fcber na\u00efve");
        CHECK(captions.cues[1].text == "Emoji \U0001F600 here");
        CHECK(captions.cues[1].line == 6);
    }
    SECTION("an unpaired surrogate and an odd last byte become U+FFFD") {
        std::string le = "\xFF\xFE"s;
        for (char c : std::string("00:00:01,000 --> 00:00:02,000\nA")) {
            le += c;
            le += '\0';
        }
        le += "\x00\xD8"s;  // a lone high surrogate
        le += "B";          // half a code unit
        Captions captions = parse_srt(le);
        REQUIRE(captions.cues.size() == 1);
        CHECK(captions.cues[0].text == "A\uFFFD\uFFFD");
    }
}

TEST_CASE("parse_srt recognises UTF-16 without a byte order mark", "[captions][srt]") {
    std::string body = kTwoCues;
    std::string le;
    std::string be;
    for (char c : body) {
        le += c;
        le += '\0';
        be += '\0';
        be += c;
    }
    check_two_cues(parse_srt(le));
    check_two_cues(parse_srt(be));
}

TEST_CASE("parse_srt reads CRLF line ends", "[captions][srt]") {
    Captions captions = parse_srt(
        "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello there.\r\n\r\n"
        "2\r\n00:00:03,000 --> 00:00:04,000\r\nGeneral Kenobi!\r\n");
    check_two_cues(captions);
    CHECK(captions.cues[1].line == 6);
}

TEST_CASE("parse_srt reads lone CR line ends", "[captions][srt]") {
    Captions captions = parse_srt(
        "1\r00:00:01,000 --> 00:00:02,500\rHello there.\r\r"
        "2\r00:00:03,000 --> 00:00:04,000\rGeneral Kenobi!\r");
    check_two_cues(captions);
    CHECK(captions.cues[1].line == 6);
}

TEST_CASE("parse_srt keeps a cue that has no index line", "[captions][srt]") {
    Captions captions = parse_srt(
        "00:00:01,000 --> 00:00:02,500\nHello there.\n\n"
        "00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
    check_two_cues(captions);
    CHECK(captions.cues[0].id.empty());
    CHECK(captions.cues[0].line == 1);
    CHECK(captions.cues[1].line == 4);
}

TEST_CASE("parse_srt keeps a cue whose index line is not a number", "[captions][srt]") {
    Captions captions = parse_srt(
        "Subtitle one\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n"
        "#2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
    check_two_cues(captions);
    CHECK(captions.cues[0].id == "Subtitle one");
    CHECK(captions.cues[1].id == "#2");
}

TEST_CASE("parse_srt accepts the timestamp variants that real files hold", "[captions][srt]") {
    auto times = [](std::string timing) {
        Captions captions = parse_srt(timing + "\ntext\n");
        REQUIRE(captions.cues.size() == 1);
        return std::pair(captions.cues[0].start_ms, captions.cues[0].end_ms);
    };
    using Times = std::pair<std::int64_t, std::int64_t>;
    SECTION("a dot before the milliseconds") {
        CHECK(times("00:00:01.250 --> 00:00:02.500") == Times{1250, 2500});
    }
    SECTION("mixed separators") {
        CHECK(times("00:00:01.250 --> 00:00:02,500") == Times{1250, 2500});
    }
    SECTION("one or two fraction digits are tenths and hundredths") {
        CHECK(times("00:00:01,5 --> 00:00:02,05") == Times{1500, 2050});
    }
    SECTION("more than three fraction digits are cut to milliseconds") {
        CHECK(times("00:00:01,2509 --> 00:00:02,5001") == Times{1250, 2500});
    }
    SECTION("one-digit and long hours") {
        CHECK(times("1:02:03,004 --> 123:00:00,000") == Times{3723004, 442800000});
    }
    SECTION("no fraction") { CHECK(times("00:00:01 --> 00:00:02") == Times{1000, 2000}); }
    SECTION("no hours") { CHECK(times("01:01,000 --> 01:02,000") == Times{61000, 62000}); }
    SECTION("no spaces around the arrow") {
        CHECK(times("00:00:01,000-->00:00:02,000") == Times{1000, 2000});
    }
    SECTION("extra spaces and tabs around the arrow and the line") {
        CHECK(times("  00:00:01,000 \t -->   00:00:02,000  ") == Times{1000, 2000});
    }
    SECTION("an end before the start is kept as written") {
        CHECK(times("00:00:05,000 --> 00:00:02,000") == Times{5000, 2000});
    }
}

TEST_CASE("parse_srt ignores X1: coordinates after the end time", "[captions][srt]") {
    Captions captions =
        parse_srt("1\n00:00:01,000 --> 00:00:02,500  X1:100 X2:600 Y1:50 Y2:80\nHello there.\n");
    REQUIRE(captions.cues.size() == 1);
    CHECK(captions.cues[0].end_ms == 2500);
    CHECK(captions.cues[0].text == "Hello there.");
    CHECK(captions.warnings.empty());
}

TEST_CASE("parse_srt accepts extra blank lines between cues", "[captions][srt]") {
    Captions captions = parse_srt(
        "\n\n1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n\n   \n\t\n"
        "2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n\n\n");
    check_two_cues(captions);
    CHECK(captions.cues[0].line == 4);
    CHECK(captions.cues[1].line == 11);
}

TEST_CASE("parse_srt splits cues that have no blank line between them", "[captions][srt]") {
    SECTION("the next cue starts with its index line") {
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n"
            "2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
        check_two_cues(captions);
        CHECK(captions.cues[1].id == "2");
        CHECK(captions.cues[1].line == 5);
    }
    SECTION("the next cue starts with its timing line") {
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n"
            "00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
        check_two_cues(captions);
        CHECK(captions.cues[1].id.empty());
        CHECK(captions.cues[1].line == 4);
    }
    SECTION("a number in the text that is not followed by a timing line stays text") {
        Captions captions = parse_srt("1\n00:00:01,000 --> 00:00:02,500\nThe answer is\n42\n");
        REQUIRE(captions.cues.size() == 1);
        CHECK(captions.cues[0].text == "The answer is\n42");
    }
}

TEST_CASE("parse_srt keeps every line of a multi-line cue", "[captions][srt]") {
    Captions captions =
        parse_srt("1\n00:00:01,000 --> 00:00:02,500\nfirst line\n  second line\nthird line\n\n");
    REQUIRE(captions.cues.size() == 1);
    CHECK(captions.cues[0].raw == "first line\n  second line\nthird line");
    CHECK(captions.cues[0].text == "first line\n  second line\nthird line");
}

TEST_CASE("parse_srt removes <i> and <font> tags from the text but not from raw",
          "[captions][srt]") {
    Captions captions = parse_srt(
        "1\n00:00:01,000 --> 00:00:02,500\n"
        "<i>Hello</i> <font color=\"#ff0000\" face=\"Arial\">there</font> &amp; <b>you</b>\n");
    REQUIRE(captions.cues.size() == 1);
    CHECK(captions.cues[0].text == "Hello there & you");
    CHECK(captions.cues[0].raw ==
          "<i>Hello</i> <font color=\"#ff0000\" face=\"Arial\">there</font> &amp; <b>you</b>");
}

TEST_CASE("parse_srt removes {\\an8} positioning blocks from the text", "[captions][srt]") {
    Captions captions = parse_srt("1\n00:00:01,000 --> 00:00:02,500\n{\\an8}On top\n");
    REQUIRE(captions.cues.size() == 1);
    CHECK(captions.cues[0].text == "On top");
    CHECK(captions.cues[0].raw == "{\\an8}On top");
}

TEST_CASE("parse_srt keeps a cue with no text, with empty text", "[captions][srt]") {
    Captions captions = parse_srt(
        "1\n00:00:01,000 --> 00:00:02,500\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n\n"
        "3\n00:00:05,000 --> 00:00:06,000\n");
    REQUIRE(captions.cues.size() == 3);
    CHECK(captions.cues[0].text.empty());
    CHECK(captions.cues[0].raw.empty());
    CHECK(captions.cues[1].text == "General Kenobi!");
    CHECK(captions.cues[2].text.empty());
    CHECK(captions.warnings.empty());
}

TEST_CASE("parse_srt drops a cue with a broken timing line and warns with its line number",
          "[captions][srt]") {
    SECTION("garbage in a timestamp") {
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n"
            "2\n00:00:0x,000 --> 00:00:03,000\nlost\ntext\n\n"
            "3\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[0].text == "Hello there.");
        CHECK(captions.cues[1].text == "General Kenobi!");
        CHECK(captions.cues[1].id == "3");
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 6);
        CHECK_THAT(captions.warnings[0].message, Catch::Contains("timing"));
        CHECK_THAT(captions.warnings[0].message, Catch::Contains("00:00:0x,000"));
    }
    SECTION("a broken timing line with no blank line before it") {
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n"
            "2\n00:00:02,000 --> soon\nlost\n"
            "3\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[0].text == "Hello there.");
        CHECK(captions.cues[1].text == "General Kenobi!");
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 5);
    }
    SECTION("minutes or seconds out of range") {
        Captions captions = parse_srt(
            "1\n00:61:00,000 --> 00:62:00,000\nlost\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nkept\n");
        REQUIRE(captions.cues.size() == 1);
        CHECK(captions.cues[0].text == "kept");
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 2);
    }
    SECTION("text glued to the end time") {
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,000abc\nlost\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nkept\n");
        REQUIRE(captions.cues.size() == 1);
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 2);
    }
}

TEST_CASE("parse_srt ignores text outside a cue with one warning", "[captions][srt]") {
    Captions captions = parse_srt(
        "1\n00:00:01,000 --> 00:00:02,500\nHello there.\n\n"
        "2\nA cue that lost its timing line\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nGeneral Kenobi!\n");
    REQUIRE(captions.cues.size() == 2);
    CHECK(captions.cues[1].text == "General Kenobi!");
    REQUIRE(captions.warnings.size() == 1);
    CHECK(captions.warnings[0].line == 5);
}

TEST_CASE("parse_srt throws ParseError when the file holds no timing line", "[captions][srt]") {
    SECTION("an empty file") { CHECK_THROWS_AS(parse_srt(""), ParseError); }
    SECTION("only blank lines") { CHECK_THROWS_AS(parse_srt("\n\r\n  \n"), ParseError); }
    SECTION("only an index") { CHECK_THROWS_AS(parse_srt("1"), ParseError); }
    SECTION("only text") { CHECK_THROWS_AS(parse_srt("1\nsome text\n\nmore text\n"), ParseError); }
    SECTION("a WebVTT header and only broken timing lines") {
        try {
            parse_srt("WEBVTT\n\n00:00:01.000 --> later\ntext\n");
            FAIL("no ParseError");
        } catch (const ParseError& e) {
            CHECK(std::string(e.what()) == "not a SubRip file: no timing line");
            CHECK(e.line() == 3);
        }
    }
}

TEST_CASE("parse_srt turns invalid UTF-8 and NUL into U+FFFD", "[captions][srt]") {
    Captions captions =
        parse_srt("1\n00:00:01,000 --> 00:00:02,500\nbad \xC3 byte, nul \0 here, \xE2\x82 cut\n"s);
    REQUIRE(captions.cues.size() == 1);
    CHECK(captions.cues[0].text == "bad \uFFFD byte, nul \uFFFD here, \uFFFD cut");
    CHECK(captions.cues[0].raw == captions.cues[0].text);
}

TEST_CASE("parse_srt applies the caption limits", "[captions][srt]") {
    SECTION("long cue text is cut at a UTF-8 boundary with a warning") {
        CaptionLimits limits;
        limits.max_cue_text_bytes = 10;
        // "abcdefghi" is 9 bytes; the 2-byte 'é' would end at byte 11.
        Captions captions = parse_srt(
            "1\n00:00:01,000 --> 00:00:02,000\nabcdefghi\u00e9jkl\nnext line\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nshort\n",
            limits);
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[0].text == "abcdefghi");
        CHECK(captions.cues[0].raw == "abcdefghi");
        CHECK(captions.cues[1].text == "short");
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 2);
        CHECK_THAT(captions.warnings[0].message, Catch::Contains("truncated"));
    }
    SECTION("the cut can fall between lines") {
        CaptionLimits limits;
        limits.max_cue_text_bytes = 6;
        Captions captions = parse_srt("00:00:01,000 --> 00:00:02,000\nabc\ndef\nghi\n", limits);
        REQUIRE(captions.cues.size() == 1);
        CHECK(captions.cues[0].text == "abc\nde");
        CHECK(captions.warnings.size() == 1);
    }
    SECTION("cues beyond the limit are dropped with one warning") {
        CaptionLimits limits;
        limits.max_cues = 2;
        std::string text;
        for (int i = 1; i <= 5; ++i) {
            text += std::to_string(i) + "\n00:00:0" + std::to_string(i) + ",000 --> 00:00:0" +
                    std::to_string(i) + ",500\ncue " + std::to_string(i) + "\n\n";
        }
        Captions captions = parse_srt(text, limits);
        REQUIRE(captions.cues.size() == 2);
        CHECK(captions.cues[1].text == "cue 2");
        REQUIRE(captions.warnings.size() == 1);
        CHECK(captions.warnings[0].line == 10);
    }
}

TEST_CASE("parse_srt reads a file that mixes the quirks of real files", "[captions][srt]") {
    Captions captions = parse_srt(read_file(test_data("messy.srt")));
    REQUIRE(captions.cues.size() == 6);
    const auto& cues = captions.cues;
    CHECK(cues[0].id == "1");
    CHECK(cues[0].text == "Welcome to the talk.");
    CHECK(cues[1].id == "2");
    CHECK(cues[1].line == 8);
    CHECK(cues[1].start_ms == 2500);
    CHECK(cues[1].end_ms == 4250);
    CHECK(cues[1].text == "Top line\nsecond line");
    CHECK(cues[2].id == "3");
    CHECK(cues[2].line == 12);
    CHECK(cues[2].text == "no blank line before this cue");
    CHECK(cues[3].id.empty());
    CHECK(cues[3].line == 14);
    CHECK(cues[3].text == "no index line either");
    CHECK(cues[4].id == "6");
    CHECK(cues[4].text.empty());
    CHECK(cues[5].text == "the last cue");
    REQUIRE(captions.warnings.size() == 1);
    CHECK(captions.warnings[0].line == 18);
}

TEST_CASE("parse_srt reads the webvtt-py SubRip samples", "[captions][srt][shared]") {
    const std::filesystem::path dir = std::filesystem::path(TALKSEARCH_SHARED_DIR) /
                                      "conformance/caption-samples/webvtt-py/tests/subtitles";
    TALKSEARCH_SKIP_WITHOUT(dir);
    auto parse = [&](std::string_view name) { return parse_srt(read_file(dir / name)); };

    Captions sample = parse("sample.srt");
    REQUIRE(sample.cues.size() == 5);
    CHECK(sample.cues[2].start_ms == 11890);
    CHECK(sample.cues[2].end_ms == 16320);
    CHECK(sample.cues.back().end_ms / 1000 == 23);

    Captions one = parse("one_caption.srt");
    REQUIRE(one.cues.size() == 1);
    CHECK(one.cues[0].start_ms == 500);
    CHECK(one.cues[0].end_ms == 7000);
    CHECK(one.cues[0].text == "Caption text #1");

    // webvtt-py removes the empty cue; we keep it and the cleaner drops it.
    Captions missing_text = parse("missing_caption_text.srt");
    CHECK(missing_text.cues.size() == 5);
    CHECK(talksearch::clean_cues(missing_text.cues).cues.size() == 4);

    // webvtt-py rejects these two files; a lenient indexer loses one cue at most.
    Captions missing_timing = parse("missing_timeframe.srt");
    CHECK(missing_timing.cues.size() == 4);
    CHECK(missing_timing.warnings.size() == 1);
    Captions dot = parse("invalid_timeframe.srt");
    CHECK(dot.cues.size() == 5);

    for (auto name : {"invalid_format1.srt", "invalid_format2.srt", "invalid_format3.srt"}) {
        CAPTURE(name);
        CHECK_THROWS_AS(parse(name), ParseError);
    }
}

TEST_CASE("parse_srt reads every file of the pycon-captions corpus", "[captions][srt][shared]") {
    const std::filesystem::path dir =
        std::filesystem::path(TALKSEARCH_SHARED_DIR) / "corpus/pycon-captions";
    TALKSEARCH_SKIP_WITHOUT(dir);
    std::size_t files = 0;
    std::size_t cues = 0;
    std::size_t bytes = 0;
    std::size_t warnings = 0;
    std::chrono::duration<double> elapsed{0};
    for (const auto& kind : {"whisper", "human"}) {
        for (const auto& entry : std::filesystem::directory_iterator(dir / kind)) {
            if (entry.path().extension() != ".srt") continue;
            std::string text = read_file(entry.path());
            auto start = std::chrono::steady_clock::now();
            Captions captions = parse_srt(text);
            elapsed += std::chrono::steady_clock::now() - start;
            CAPTURE(entry.path());
            CHECK_FALSE(captions.cues.empty());
            ++files;
            cues += captions.cues.size();
            bytes += text.size();
            warnings += captions.warnings.size();
        }
    }
    WARN(files << " files, " << static_cast<double>(bytes) / 1e6 << " MB, " << cues << " cues, "
               << warnings << " warnings, parsed in " << elapsed.count() << " s");
    CHECK(files == 541);
    CHECK(warnings == 0);
}

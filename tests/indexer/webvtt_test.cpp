#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "indexer/captions/captions.h"
#include "tests/support/shared.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::Cue;
using talksearch::parse_webvtt;
using talksearch::ParseError;

namespace {

// True when some warning is on `line` and its message contains `needle`.
bool has_warning(const Captions& c, std::uint32_t line, std::string_view needle) {
    for (const auto& w : c.warnings) {
        if (w.line == line && w.message.find(needle) != std::string::npos) return true;
    }
    return false;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace

TEST_CASE("parse_webvtt reads cues with their times, ids, text and timing line",
          "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n"
        "\n"
        "intro\n"
        "00:01.000 --> 00:04.500\n"
        "Never drink liquid nitrogen.\n"
        "\n"
        "01:02:03.004 --> 01:02:05.000\n"
        "- It will perforate your stomach.\n"
        "- You could die.\n");
    CHECK(c.format == CaptionFormat::kWebVtt);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].id == "intro");
    CHECK(c.cues[0].start_ms == 1'000);
    CHECK(c.cues[0].end_ms == 4'500);
    CHECK(c.cues[0].text == "Never drink liquid nitrogen.");
    CHECK(c.cues[0].line == 4);
    CHECK(c.cues[1].id.empty());
    CHECK(c.cues[1].start_ms == ((1 * 60 + 2) * 60 + 3) * 1000 + 4);
    CHECK(c.cues[1].end_ms == ((1 * 60 + 2) * 60 + 5) * 1000);
    CHECK(c.cues[1].raw == "- It will perforate your stomach.\n- You could die.");
    CHECK(c.cues[1].text == "- It will perforate your stomach.\n- You could die.");
    CHECK(c.cues[1].line == 7);
}

TEST_CASE("parse_webvtt strips a byte order mark", "[captions][vtt]") {
    const Captions c = parse_webvtt("\xEF\xBB\xBFWEBVTT\n\n00:00.000 --> 00:02.000\ntext");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "text");
    CHECK(c.cues[0].line == 3);
}

TEST_CASE("parse_webvtt reads CRLF line ends", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\r\n\r\n1\r\n00:00.000 --> 00:02.000\r\none\r\ntwo\r\n\r\n"
        "00:03.000 --> 00:04.000\r\nthree\r\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].id == "1");
    CHECK(c.cues[0].raw == "one\ntwo");
    CHECK(c.cues[0].line == 4);
    CHECK(c.cues[1].text == "three");
    CHECK(c.cues[1].line == 8);
}

TEST_CASE("parse_webvtt reads lone CR line ends", "[captions][vtt]") {
    const Captions c =
        parse_webvtt("WEBVTT\r\r00:00.000 --> 00:02.000\rone\rtwo\r\r00:03.000 --> 00:04.000\rx");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].raw == "one\ntwo");
    CHECK(c.cues[1].line == 7);
}

TEST_CASE("parse_webvtt replaces NUL and invalid UTF-8 with U+FFFD", "[captions][vtt]") {
    using namespace std::string_literals;
    const std::string input =
        "WEBVTT\n\nid\xC0\n00:00.000 --> 00:02.000\nx\0y \xC3 z \xFF\xFE w\nend \xE2\x82"s;
    const Captions c = parse_webvtt(input);
    REQUIRE(c.cues.size() == 1);
    // One U+FFFD per maximal invalid subpart: the truncated "\xE2\x82" is one.
    CHECK(c.cues[0].text ==
          "x\xEF\xBF\xBDy \xEF\xBF\xBD z \xEF\xBF\xBD\xEF\xBF\xBD w\nend \xEF\xBF\xBD");
    CHECK(c.cues[0].raw == c.cues[0].text);
    CHECK(c.cues[0].id == "id\xEF\xBF\xBD");
}

TEST_CASE("parse_webvtt refuses UTF-16 text and says so", "[captions][vtt]") {
    const std::string text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n";
    std::string le, be;
    for (char c : text) {
        le += std::string{c, '\0'};
        be += std::string{'\0', c};
    }
    for (const std::string& input : {le, be, "\xFF\xFE" + le, "\xFE\xFF" + be}) {
        try {
            parse_webvtt(input);
            FAIL("no ParseError");
        } catch (const ParseError& e) {
            CHECK(e.line() == 1);
            CHECK(std::string(e.what()) ==
                  "not a WebVTT file: the text is UTF-16 (WebVTT files are UTF-8)");
        }
    }
}

TEST_CASE("parse_webvtt throws on a file without the WEBVTT signature", "[captions][vtt]") {
    for (const char* input : {"", "\xEF\xBB\xBF", "WEBVT", "webvtt\n\n00:00.000 --> 00:01.000\nx",
                              "WEBVTTX\n", "WEBVTT-\n", " WEBVTT\n", "\tWEBVTT\n", "\nWEBVTT\n",
                              "1\n00:00:00,000 --> 00:00:01,000\nSRT\n"}) {
        INFO(input);
        try {
            parse_webvtt(input);
            FAIL("no ParseError");
        } catch (const ParseError& e) {
            CHECK(e.line() == 1);
            CHECK(std::string(e.what()) == "not a WebVTT file: missing WEBVTT signature");
        }
    }
}

TEST_CASE("parse_webvtt accepts a signature followed by a space, a tab or nothing",
          "[captions][vtt]") {
    CHECK(parse_webvtt("WEBVTT").cues.empty());
    CHECK(parse_webvtt("WEBVTT\n").cues.empty());
    CHECK(parse_webvtt("WEBVTT\tfoo\n\n00:00.000 --> 00:02.000\ntext").cues.size() == 1);
    CHECK(parse_webvtt("WEBVTT - a title\n\n00:00.000 --> 00:02.000\ntext").cues.size() == 1);
}

TEST_CASE("parse_webvtt returns no cues for a file that has none", "[captions][vtt]") {
    const Captions c = parse_webvtt("WEBVTT\nKind: captions\nLanguage: en\n\n\n");
    CHECK(c.cues.empty());
    CHECK(c.warnings.empty());
}

TEST_CASE("parse_webvtt skips header lines up to the first blank line", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\nKind: captions\nLanguage: en\nStyle:\n::cue { color: red; }\n##\n\n\n"
        "00:00.000 --> 00:02.000\ntext\n");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].line == 9);
    CHECK(c.warnings.empty());
}

TEST_CASE("parse_webvtt starts a cue at a header line that contains -->", "[captions][vtt]") {
    // The spec stops collecting the header at a "-->" line; vtt.js drops it.
    const Captions c = parse_webvtt("WEBVTT\n00:11.000 --> 00:13.000\nTest");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 11'000);
    CHECK(c.cues[0].end_ms == 13'000);
    CHECK(c.cues[0].text == "Test");
    CHECK(c.cues[0].line == 2);
}

TEST_CASE("parse_webvtt keeps a zero-length cue", "[captions][vtt]") {
    const Captions c = parse_webvtt("WEBVTT\n\n00:05.000 --> 00:05.000\nblink");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 5'000);
    CHECK(c.cues[0].end_ms == 5'000);
}

TEST_CASE("parse_webvtt keeps a cue that ends before it starts", "[captions][vtt]") {
    const Captions c = parse_webvtt("WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 5'000);
    CHECK(c.cues[0].end_ms == 1'000);
    CHECK(c.warnings.empty());
}

TEST_CASE("parse_webvtt keeps a cue with an empty payload", "[captions][vtt]") {
    const Captions c =
        parse_webvtt("WEBVTT\n\n00:00.000 --> 00:01.000\n\n00:01.000 --> 00:02.000\nx");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].raw.empty());
    CHECK(c.cues[0].text.empty());
}

TEST_CASE("parse_webvtt drops a cue whose timestamp uses a comma", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nSRT style\n\n00:00:03.000 --> "
        "00:00:04.000\nok\n");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "ok");
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].line == 3);
    CHECK(c.warnings[0].message.find("cue dropped") != std::string::npos);
    CHECK(c.warnings[0].message.find("','") != std::string::npos);
}

TEST_CASE("parse_webvtt drops cues with malformed timestamps and says why", "[captions][vtt]") {
    struct Bad {
        const char* timing;
        const char* reason;
    };
    for (const Bad& bad : {
             Bad{"00:00.00 --> 00:02.000", "3 digits"},
             Bad{"00:00.0000 --> 00:02.000", "3 digits"},
             Bad{"00.00.000 --> 00:02.000", "':'"},
             Bad{"00:000.000 --> 00:02.000", "2 digits"},
             Bad{"0:00.000 --> 00:02.000", "':'"},
             Bad{"00:60.000 --> 00:02.000", "59"},
             Bad{"00:60:00.000 --> 00:02.000", "59"},
             Bad{"00:00:60.000 --> 00:02.000", "59"},
             Bad{"x00:00.000 --> 00:02.000", "digit"},
             Bad{"00:00.000 00:00.001 -->", "'-->'"},
             Bad{"00:00.000 --> 00:02", "end time"},
             Bad{"00:00.000 ---> 00:02.000", "'-->'"},
         }) {
        INFO(bad.timing);
        const Captions c = parse_webvtt(std::string("WEBVTT\n\n") + bad.timing + "\nText\n");
        CHECK(c.cues.empty());
        CHECK(has_warning(c, 3, "cue dropped"));
        CHECK(has_warning(c, 3, bad.reason));
    }
}

TEST_CASE("parse_webvtt reads hours of any number of digits", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n000:00:00.000 --> 120:00:00.000\na\n\n"
        "9999999:59:59.999 --> 0000000000000000000000001:00:00.000\nb\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].end_ms == 120LL * 3600 * 1000);
    CHECK(c.cues[1].start_ms == 9'999'999LL * 3600 * 1000 + 3'599'999);
    CHECK(c.cues[1].end_ms == 3600 * 1000);
}

TEST_CASE("parse_webvtt drops a cue whose hours would overflow", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n99999999999999999999999:00:00.000 --> 00:01.000\na\n\n"
        "10000000:00:00.000 --> 00:01.000\nb\n\n00:00.000 --> 18446744073709551617:00:00.000\nc\n");
    CHECK(c.cues.empty());
    CHECK(has_warning(c, 3, "hours out of range"));
    CHECK(has_warning(c, 6, "hours out of range"));
    CHECK(has_warning(c, 9, "hours out of range"));
}

TEST_CASE("parse_webvtt treats a first field of 3 digits or over 59 as hours", "[captions][vtt]") {
    // Such a field is hours, so minutes and seconds must both follow.
    for (const char* timing :
         {"000:00.000 --> 00:02.000", "120:00.000 --> 120:10.000", "60:00.000 --> 61:00.000"}) {
        INFO(timing);
        const Captions c = parse_webvtt(std::string("WEBVTT\n\n") + timing + "\nText");
        CHECK(c.cues.empty());
        CHECK(has_warning(c, 3, "hours"));
    }
    const Captions ok = parse_webvtt("WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nText");
    REQUIRE(ok.cues.size() == 1);
    CHECK(ok.cues[0].start_ms == 100LL * 3600 * 1000);
}

TEST_CASE("parse_webvtt accepts --> with or without whitespace around it", "[captions][vtt]") {
    for (const char* timing :
         {"00:00:25.000-->00:00:27.000", "00:00:25.000 --> 00:00:27.000",
          "00:00:25.000\t\t-->\t\t00:00:27.000", "  00:00:25.000 \t --> \t 00:00:27.000"}) {
        INFO(timing);
        const Captions c = parse_webvtt(std::string("WEBVTT\n\n") + timing + "\nPayload\n");
        REQUIRE(c.cues.size() == 1);
        CHECK(c.cues[0].start_ms == 25'000);
        CHECK(c.cues[0].end_ms == 27'000);
    }
}

TEST_CASE("parse_webvtt ignores cue settings", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:32.500 --> 00:33.500 align:start size:50% line:40% region:x vertical:rl\n"
        "<v.loud Mary>That's awesome!\n\n"
        "00:04:46.070 --> 00:04:46.470 align:start position:0%\nyeah\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].start_ms == 32'500);
    CHECK(c.cues[0].end_ms == 33'500);
    CHECK(c.cues[0].text == "That's awesome!");
    CHECK(c.cues[0].speaker == "Mary");
    CHECK(c.cues[1].end_ms == 286'470);
    CHECK(c.warnings.empty());
}

TEST_CASE("parse_webvtt ends a cue's text at a line that contains -->", "[captions][vtt]") {
    // A timing line right after the text, with no blank line (YouTube does this).
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:00.000 --> 00:02.000\nText\n00:02.000 --> 00:04.000\nMore\n\n"
        "00:06.000 --> 00:08.000\n00:06.000 --> 00:08.000\nLast\n");
    REQUIRE(c.cues.size() == 4);
    CHECK(c.cues[0].raw == "Text");
    CHECK(c.cues[1].raw == "More");
    CHECK(c.cues[1].line == 5);
    CHECK(c.cues[2].raw.empty());
    CHECK(c.cues[3].raw == "Last");
    CHECK(c.cues[3].line == 9);
}

TEST_CASE("parse_webvtt handles a cue id that contains --> as the spec does", "[captions][vtt]") {
    SECTION("an id with '-' and '>' that do not form --> is an id") {
        const Captions c =
            parse_webvtt("WEBVTT\n\n- - > -- > - -> -- <--\n00:00.000 --> 00:00.000\n-->\n");
        REQUIRE(c.cues.size() == 1);
        CHECK(c.cues[0].id == "- - > -- > - -> -- <--");
        CHECK(c.cues[0].raw.empty());
        // The trailing "-->" line is a block of its own with a bad timing line.
        CHECK(has_warning(c, 5, "cue dropped"));
    }
    SECTION("an id containing --> is read as a failed timing line") {
        const Captions c = parse_webvtt(
            "WEBVTT\n\nchapter --> one\n00:01.000 --> 00:02.000\nText\n\n"
            "-->\n00:04.000 --> 00:05.000\nTest\n");
        // The real timing line that follows starts a new block, so both cues
        // survive, without ids.
        REQUIRE(c.cues.size() == 2);
        CHECK(c.cues[0].id.empty());
        CHECK(c.cues[0].text == "Text");
        CHECK(c.cues[0].line == 4);
        CHECK(c.cues[1].id.empty());
        CHECK(c.cues[1].text == "Test");
        CHECK(has_warning(c, 3, "cue dropped"));
        CHECK(has_warning(c, 7, "cue dropped"));
    }
}

TEST_CASE("parse_webvtt ignores NOTE, STYLE and REGION blocks", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n"
        "STYLE\n::cue { color: yellow; }\n\n"
        "REGION\nid:fred width:40% lines:3\n\n"
        "NOTE This file was written by Jill.\nIt has two lines.\n\n"
        "NOTE\none more\n\n"
        "00:01.000 --> 00:04.000\nNever drink liquid nitrogen.\n\n"
        "NOTE check next cue\n\n"
        "00:05.000 --> 00:09.000\n- It will perforate your stomach.\n");
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "Never drink liquid nitrogen.");
    CHECK(c.cues[0].line == 15);
    CHECK(c.cues[1].line == 20);
    CHECK(c.warnings.empty());
}

TEST_CASE("parse_webvtt warns about text that has no timing line", "[captions][vtt]") {
    const Captions c =
        parse_webvtt("WEBVTT\n\nstray text\nmore\n\n00:01.000 --> 00:02.000\nText\n");
    REQUIRE(c.cues.size() == 1);
    REQUIRE(c.warnings.size() == 1);
    CHECK(has_warning(c, 3, "without a timing line"));
}

TEST_CASE("parse_webvtt strips tags and decodes entities in the plain text", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:32.500 --> 00:33.500\n"
        "<v Neil deGrasse Tyson><i>Laughs</i> &am&amp; other <i> stuff &gt; &l&lt;&rl&rlm;&lrm; "
        "</i>\nOh my! &gt;\n");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].raw ==
          "<v Neil deGrasse Tyson><i>Laughs</i> &am&amp; other <i> stuff &gt; &l&lt;&rl&rlm;&lrm; "
          "</i>\nOh my! &gt;");
    CHECK(c.cues[0].text == "Laughs &am& other  stuff > &l<&rl\xE2\x80\x8F\xE2\x80\x8E \nOh my! >");
    CHECK(c.cues[0].speaker == "Neil deGrasse Tyson");
}

TEST_CASE("parse_webvtt keeps the speaker of an unclosed voice span", "[captions][vtt]") {
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:00:00.001 --> 00:00:05.500\n<v Michael Kennedy>This is Python Bytes.\n\n"
        "00:00:05.500 --> 00:00:07.000\n<v Brian Okken>Hey.\n\n"
        "00:00:07.000 --> 00:00:08.000\nno voice here\n");
    REQUIRE(c.cues.size() == 3);
    CHECK(c.cues[0].text == "This is Python Bytes.");
    CHECK(c.cues[0].speaker == "Michael Kennedy");
    CHECK(c.cues[1].speaker == "Brian Okken");
    CHECK(c.cues[2].speaker.empty());
}

TEST_CASE("parse_webvtt removes inline timestamps from the plain text", "[captions][vtt]") {
    const Captions c =
        parse_webvtt("WEBVTT\n\n00:00.000 --> 00:02.000\n<00:01.000>Hee!<00:01.500> Hee!\n");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "Hee! Hee!");
    CHECK(c.cues[0].raw == "<00:01.000>Hee!<00:01.500> Hee!");
}

TEST_CASE("parse_webvtt truncates long cue text at a character boundary", "[captions][vtt]") {
    CaptionLimits limits;
    limits.max_cue_text_bytes = 10;
    // "aaaaaaaaa" then a 2-byte "é": byte 10 falls inside the "é".
    const Captions c = parse_webvtt(
        "WEBVTT\n\n00:00.000 --> 00:01.000\naaaaaaaaa\xC3\xA9zzz\n\n00:01.000 --> "
        "00:02.000\nshort\n",
        limits);
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "aaaaaaaaa");
    CHECK(c.cues[0].raw == "aaaaaaaaa");
    CHECK(c.cues[1].text == "short");
    REQUIRE(c.warnings.size() == 1);
    CHECK(has_warning(c, 3, "truncated"));
}

TEST_CASE("parse_webvtt stops adding cues after the cue limit with one warning",
          "[captions][vtt]") {
    CaptionLimits limits;
    limits.max_cues = 2;
    std::string input = "WEBVTT\n";
    for (int i = 0; i < 5; ++i) input += "\n00:00.000 --> 00:01.000\ncue\n";
    const Captions c = parse_webvtt(input, limits);
    CHECK(c.cues.size() == 2);
    REQUIRE(c.warnings.size() == 1);
    CHECK(c.warnings[0].line == 9);
    CHECK(c.warnings[0].message.find("too many cues") != std::string::npos);

    limits.max_cues = 5;
    const Captions exact = parse_webvtt(input, limits);
    CHECK(exact.cues.size() == 5);
    CHECK(exact.warnings.empty());
}

TEST_CASE("parse_webvtt reads a YouTube auto-caption download", "[captions][vtt][shared]") {
    const std::filesystem::path path = std::filesystem::path(TALKSEARCH_SHARED_DIR) /
                                       "conformance/caption-samples/webvtt-py/tests/subtitles/"
                                       "youtube_dl.vtt";
    TALKSEARCH_SKIP_WITHOUT(path);
    const Captions c = parse_webvtt(read_file(path));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() >= 4);

    // webvtt-py's test_can_parse_youtube_dl_files (caption-samples/expected.json).
    CHECK(c.cues[2].text == "this will happen is I'm telling");
    CHECK(c.cues[2].start_ms == 304'080);

    // The reference output of the W3C webvtt.js parser, from expected.json.
    struct Reference {
        std::int64_t start_ms;
        std::int64_t end_ms;
        const char* raw;
        const char* plain;
    };
    const Reference reference[] = {
        {286'070, 286'470, "yeah", "yeah"},
        {286'470, 304'080, "yeah\n<c.colorCCCCCC>what</c>", "yeah\nwhat"},
        {304'080, 305'069,
         "this<00:05:04.199><c> will</c><c.colorE5E5E5><00:05:04.379><c> happen</c></c>"
         "<c.colorCCCCCC><00:05:04.620><c> is</c><00:05:04.860><c> I'm</c><00:05:05.069><c> "
         "telling</c></c>",
         "this will happen is I'm telling"},
        {305'069, 305'400,
         "this will<c.colorE5E5E5> happen</c><c.colorCCCCCC> is I'm telling\n </c>",
         "this will happen is I'm telling\n "},
    };
    for (std::size_t i = 0; i < std::size(reference); ++i) {
        INFO("cue " << i);
        const Cue& cue = c.cues[i];
        CHECK(cue.id.empty());
        CHECK(cue.start_ms == reference[i].start_ms);
        CHECK(cue.end_ms == reference[i].end_ms);
        CHECK(cue.raw == reference[i].raw);
        CHECK(cue.text == reference[i].plain);
    }
    CHECK(c.cues[0].line == 12);
    CHECK(c.cues[2].line == 19);
}

TEST_CASE("detect_caption_format recognises WebVTT by its signature", "[captions][vtt]") {
    using talksearch::detect_caption_format;
    CHECK(detect_caption_format("WEBVTT\n\n00:00.000 --> 00:01.000\nx") == CaptionFormat::kWebVtt);
    CHECK(detect_caption_format("\xEF\xBB\xBFWEBVTT\r\n") == CaptionFormat::kWebVtt);
    CHECK(detect_caption_format("WEBVTT") == CaptionFormat::kWebVtt);
    CHECK(detect_caption_format("WEBVTT", "talk.srt") == CaptionFormat::kWebVtt);
}

TEST_CASE("detect_caption_format recognises SRT by a timing line near the top", "[captions][srt]") {
    using talksearch::detect_caption_format;
    CHECK(detect_caption_format("1\n00:00:01,000 --> 00:00:02,000\nHello\n") ==
          CaptionFormat::kSrt);
    CHECK(detect_caption_format("\xEF\xBB\xBF"
                                "1\r\n0:00:01.5 --> 0:00:02.5\r\nHi\r\n") == CaptionFormat::kSrt);
    CHECK(detect_caption_format("00:00:01,000-->00:00:02,000\nno index\n", "x.vtt") ==
          CaptionFormat::kSrt);
    SECTION("in UTF-16") {
        const std::string_view ascii = "1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n";
        std::string le = "\xFF\xFE";
        std::string be = "\xFE\xFF";
        for (const char ch : ascii) {
            le += ch;
            le += '\0';
            be += '\0';
            be += ch;
        }
        CHECK(detect_caption_format(le) == CaptionFormat::kSrt);
        CHECK(detect_caption_format(be) == CaptionFormat::kSrt);
    }
    SECTION("only in the first 30 lines") {
        std::string late(40, '\n');
        late += "00:00:01,000 --> 00:00:02,000\nHello\n";
        CHECK_FALSE(detect_caption_format(late).has_value());
    }
}

TEST_CASE("detect_caption_format falls back to the file extension", "[captions][vtt]") {
    using talksearch::detect_caption_format;
    CHECK(detect_caption_format("", "talk.vtt") == CaptionFormat::kWebVtt);
    CHECK(detect_caption_format("garbage", "TALK.VTT") == CaptionFormat::kWebVtt);
    CHECK(detect_caption_format("garbage", "dir/talk.en.srt") == CaptionFormat::kSrt);
    CHECK_FALSE(detect_caption_format("garbage", "talk.doc").has_value());
    CHECK_FALSE(detect_caption_format("garbage").has_value());
    CHECK_FALSE(detect_caption_format("00:01.000 --> 00:02.000\nshort vtt times").has_value());
}

TEST_CASE("parse_captions parses WebVTT and rejects what it cannot recognise", "[captions][vtt]") {
    using talksearch::parse_captions;
    const Captions c = parse_captions("WEBVTT\n\n00:00.000 --> 00:01.000\nhello", "a.srt");
    CHECK(c.format == CaptionFormat::kWebVtt);
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].text == "hello");
    CHECK_THROWS_AS(parse_captions("just some text", "notes.doc"), ParseError);
    CHECK_THROWS_WITH(parse_captions("just some text"),
                      Catch::Matchers::StartsWith("not a caption file: "));
    // A .vtt file without its signature is detected by name, then rejected.
    CHECK_THROWS_WITH(parse_captions("garbage", "x.vtt"),
                      "not a WebVTT file: missing WEBVTT signature");
}

TEST_CASE("caption_format_name names each format", "[captions]") {
    CHECK(talksearch::caption_format_name(CaptionFormat::kWebVtt) == "vtt");
    CHECK(talksearch::caption_format_name(CaptionFormat::kSrt) == "srt");
    CHECK(talksearch::caption_format_name(CaptionFormat::kJson3) == "json3");
    CHECK(talksearch::caption_format_name(CaptionFormat::kSrv3) == "srv3");
    CHECK(talksearch::caption_format_name(CaptionFormat::kTimedText) == "timedtext");
    CHECK(talksearch::caption_format_name(CaptionFormat::kSbv) == "sbv");
    CHECK(talksearch::caption_format_name(CaptionFormat::kWhisperJson) == "whisper");
    CHECK(talksearch::caption_format_name(CaptionFormat::kPlainText) == "txt");
}

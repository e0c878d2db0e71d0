// Tests for caption format detection (indexer/captions/captions.h: detect_caption_format,
// parse_captions), plain-text transcripts (parse_plain_text) and which files
// of a caption folder are read (indexer/index/matching.h: is_caption_file_name,
// find_caption_files, parse_caption_file_name).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"
#include "indexer/index/caption_walk.h"
#include "indexer/index/matching.h"
#include "tests/support/process.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::detect_caption_format;
using talksearch::parse_captions;
using talksearch::ParseError;

namespace {

const std::filesystem::path kFormats =
    std::filesystem::path(TALKSEARCH_TEST_DATA) / "captions-formats";

std::string fixture(std::string_view name) {
    std::ifstream in(kFormats / name, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("detect_caption_format tells each format by its content whatever the file is called",
          "[captions][detect]") {
    const struct {
        const char* file;
        CaptionFormat format;
    } cases[] = {
        {"Jn3QkA7xW2e.en.json3", CaptionFormat::kJson3},
        {"Sv3Pn8RtY4u.en.srv3", CaptionFormat::kSrv3},
        {"Tt1Lg5HwZ9c.en.xml", CaptionFormat::kTimedText},
        {"Sb7Vx2MqK3d.en.sbv", CaptionFormat::kSbv},
        {"Wh5Zr1NpC6f.json", CaptionFormat::kWhisperJson},
        {"Tm8Kd2LrQ5v.en.ttml", CaptionFormat::kTtml},
        {"Wc3Hy7PzN4b.json", CaptionFormat::kWhisperCppJson},
    };
    for (const auto& c : cases) {
        CAPTURE(c.file);
        const std::string text = fixture(c.file);
        CHECK(detect_caption_format(text) == c.format);
        CHECK(detect_caption_format(text, c.file) == c.format);
        // A misleading extension does not win over the content.
        CHECK(detect_caption_format(text, "talk.vtt") == c.format);
        CHECK(detect_caption_format(text, "talk.txt") == c.format);
        CHECK(parse_captions(text, "talk.srt").format == c.format);
    }
}

TEST_CASE("detect_caption_format takes text without times as plain text only by its extension",
          "[captions][detect]") {
    const std::string text = fixture("Tx4Pl9BnM8a.en.txt");
    CHECK(detect_caption_format(text, "Tx4Pl9BnM8a.en.txt") == CaptionFormat::kPlainText);
    CHECK(detect_caption_format(text, "TALK.TXT") == CaptionFormat::kPlainText);
    CHECK_FALSE(detect_caption_format(text).has_value());
    CHECK_FALSE(detect_caption_format(text, "talk.json").has_value());
    // A .txt file that holds SRT is read as SRT; one starting "<laughs>" is text.
    CHECK(detect_caption_format("1\n00:00:01,000 --> 00:00:02,000\nhi\n", "a.txt") ==
          CaptionFormat::kSrt);
    CHECK(detect_caption_format("<laughs> okay, so", "a.txt") == CaptionFormat::kPlainText);
    CHECK(detect_caption_format("{inaudible} and then", "a.txt") == CaptionFormat::kPlainText);
}

TEST_CASE(
    "detect_caption_format refuses yt-dlp metadata and other JSON or XML that is not captions",
    "[captions][detect]") {
    const std::string info = fixture("Jn3QkA7xW2e.info.json");
    for (const char* name : {"Jn3QkA7xW2e.info.json", "Jn3QkA7xW2e.en.json3", "x.txt", ""}) {
        CAPTURE(name);
        CHECK_FALSE(detect_caption_format(info, name).has_value());
    }
    CHECK_THROWS_WITH(parse_captions(info, "Jn3QkA7xW2e.info.json"),
                      Catch::Contains("not a caption file") && Catch::Contains("yt-dlp"));
    const char* not_captions[] = {
        R"({"events":[{"title":"Keynote","room":"A","start":"09:00"}]})",  // a schedule
        R"({"segments":[{"name":"intro","length":3}]})",
        R"([{"caption":"a.srt","talk":"x/videos/y.json"}])",  // a manifest
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Talks</title></channel></rss>",
        "<!DOCTYPE html><html><body><p>Hello</p></body></html>",
    };
    for (const char* text : not_captions) {
        CAPTURE(text);
        CHECK_FALSE(detect_caption_format(text, "talk.json").has_value());
        CHECK_THROWS_AS(parse_captions(text, "talk.xml"), ParseError);
    }
    // Named by extension but not of the format: the parser says what is wrong.
    CHECK_THROWS_WITH(parse_captions("garbage", "x.json3"), Catch::StartsWith("not a json3 file"));
}

TEST_CASE("parse_captions refuses an empty file and one of only whitespace, whatever its name",
          "[captions][detect]") {
    for (const char* name : {"a.vtt", "a.srt", "a.json3", "a.txt", "a"}) {
        CAPTURE(name);
        try {
            parse_captions("", name);
            FAIL("no ParseError");
        } catch (const ParseError& e) {
            CHECK(std::string(e.what()) == "empty file (0 bytes)");
            CHECK(e.line() == 0);
        }
        for (const char* blank : {" ", "\n\n", "\r\n \t\n", "\xEF\xBB\xBF\n"}) {
            CAPTURE(blank);
            CHECK_THROWS_WITH(parse_captions(blank, name),
                              "no text: the file holds only whitespace");
        }
    }
    // A header with no cue is not empty: it parses, to no cue.
    CHECK(parse_captions("WEBVTT\n\n", "a.vtt").cues.empty());
}

TEST_CASE("parse_plain_text makes a cue of each line and cuts long lines at sentence ends",
          "[captions][txt]") {
    const Captions c = talksearch::parse_plain_text(fixture("Tx4Pl9BnM8a.en.txt"));
    CHECK(c.format == CaptionFormat::kPlainText);
    REQUIRE(c.cues.size() == 3);
    CHECK(c.cues[1].text == "Tonight our guest is the common wombat, a marsupial that digs.");
    CHECK(c.cues[1].line == 3);
    for (const auto& cue : c.cues) {
        CHECK(cue.start_ms == 0);
        CHECK(cue.end_ms == 0);
        CHECK(cue.words.empty());
    }
    std::string paragraph;
    for (int i = 0; i < 20; ++i) paragraph += "Sentence number " + std::to_string(i) + " is here. ";
    const Captions long_line = talksearch::parse_plain_text(paragraph);
    REQUIRE(long_line.cues.size() > 1);
    std::string joined;
    for (const auto& cue : long_line.cues) {
        CHECK(cue.text.size() <= 240);
        CHECK(cue.text.back() == '.');  // cut after a sentence
        joined += cue.text + " ";
    }
    CHECK(joined == paragraph);
    std::string one_word(1000, 'a');
    CHECK(talksearch::parse_plain_text(one_word).cues.size() == 5);
}

TEST_CASE("parse_plain_text refuses binary data and honours the cue limit", "[captions][txt]") {
    CHECK_THROWS_AS(talksearch::parse_plain_text(std::string("a\0b", 3)), ParseError);
    CaptionLimits limits;
    limits.max_cues = 2;
    const Captions c = talksearch::parse_plain_text("one\ntwo\nthree\n", limits);
    CHECK(c.cues.size() == 2);
    CHECK(c.warnings.size() == 1);
}

TEST_CASE("is_caption_file_name takes the caption extensions and skips metadata and project files",
          "[matching][captions]") {
    using talksearch::is_caption_file_name;
    for (const char* yes : {"a.vtt", "a.SRT", "Jn3QkA7xW2e.en.json3", "x.en.srv3", "x.srv1",
                            "Tt1Lg5HwZ9c.en.xml", "x.en.sbv", "Wh5Zr1NpC6f.json", "talk.en.txt",
                            "Title [Jn3QkA7xW2e].en.json3", "a.ttml", "x.en.DFXP"}) {
        CAPTURE(yes);
        CHECK(is_caption_file_name(yes));
    }
    for (const char* no :
         {"Jn3QkA7xW2e.info.json", "x.live_chat.json", "manifest.json", "MANIFEST.JSON",
          "_index.json", ".hidden.json", "SOURCE.txt", "README.txt", "LICENSE.txt",
          "requirements.txt", "talk.mp4", "a.md", "a.en.ass"}) {
        CAPTURE(no);
        CHECK_FALSE(is_caption_file_name(no));
    }
}

TEST_CASE("find_caption_files lists every caption format and skips yt-dlp's info.json",
          "[matching][captions]") {
    talksearch::test::TempDir tmp;
    for (const char* name : {"Jn3QkA7xW2e.en.json3", "Jn3QkA7xW2e.info.json", "manifest.json",
                             "SOURCE.txt", "Wh5Zr1NpC6f.json", "talk.en.sbv", "notes.md"}) {
        talksearch::test::write_file(tmp.path() / name, "x");
    }
    const auto files = talksearch::find_caption_files({tmp.path()}).files;
    std::vector<std::string> names;
    for (const auto& f : files) names.push_back(f.path.filename().string());
    CHECK(names ==
          std::vector<std::string>{"Jn3QkA7xW2e.en.json3", "Wh5Zr1NpC6f.json", "talk.en.sbv"});
}

TEST_CASE("parse_caption_file_name reads the YouTube id and language with the new extensions",
          "[matching][captions]") {
    using talksearch::parse_caption_file_name;
    const auto json3 = parse_caption_file_name("subs/Jn3QkA7xW2e.en.json3");
    CHECK(json3.youtube_id == "Jn3QkA7xW2e");
    CHECK(json3.language == "en");
    const auto sbv = parse_caption_file_name("Sb7Vx2MqK3d.pt-BR.sbv");
    CHECK(sbv.youtube_id == "Sb7Vx2MqK3d");
    CHECK(sbv.language == "pt-BR");
    const auto whisper = parse_caption_file_name("whisper/Wh5Zr1NpC6f.json");
    CHECK(whisper.youtube_id == "Wh5Zr1NpC6f");
    CHECK(whisper.language.empty());
    CHECK(whisper.kind == talksearch::CaptionKind::kMachine);
    const auto titled = parse_caption_file_name("Zoo Talk [Sv3Pn8RtY4u].en.srv3");
    CHECK(titled.youtube_id == "Sv3Pn8RtY4u");
    CHECK(titled.title == "Zoo Talk");
}

TEST_CASE("find_caption_files reports each caption entry it cannot read, with its reason",
          "[matching][captions]") {
    namespace fs = std::filesystem;
    talksearch::test::TempDir tmp;
    const fs::path root = tmp.path() / "captions";
    fs::create_directories(root / "sub");
    talksearch::test::write_file(root / "sub" / "good.en.vtt", "WEBVTT\n");
    REQUIRE(::mkfifo((root / "fifo.en.vtt").c_str(), 0644) == 0);
    fs::create_symlink("loop.en.vtt", root / "loop.en.vtt");
    fs::create_symlink("missing.srt", root / "dangling.en.srt");
    fs::create_symlink(root / "sub" / "good.en.vtt", root / "link.en.vtt");
    fs::create_directory_symlink(root, root / "sub" / "back");  // a folder loop: not followed
    talksearch::test::write_file(root / "karaoke.en.ass", "[Script Info]\n");
    talksearch::test::write_file(root / "cover.jpg", "x");

    const talksearch::CaptionScan scan = talksearch::find_caption_files({root});
    std::vector<std::string> names;
    for (const auto& f : scan.files) names.push_back(f.path.lexically_relative(root).string());
    CHECK(names == std::vector<std::string>{"link.en.vtt", "sub/good.en.vtt"});
    std::map<std::string, std::string> problems;
    for (const auto& p : scan.problems) problems[p.path.filename().string()] = p.message;
    CHECK(problems.size() == 4);
    CHECK(problems["fifo.en.vtt"] == "not a regular file (a FIFO)");
    CHECK_THAT(problems["loop.en.vtt"], Catch::Contains("a symlink that cannot be followed") &&
                                            Catch::Contains("symbolic links"));
    CHECK_THAT(problems["dangling.en.srt"], Catch::Contains("a symlink that cannot be followed"));
    CHECK_THAT(problems["karaoke.en.ass"], Catch::Contains("does not read (.ass)"));
}

// Tests for whisper.cpp's JSON (indexer/captions/captions.h: parse_whisper_cpp_json) and its
// detection, on the files of tests/data/caption-cases and tests/data/captions-formats.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "indexer/captions/captions.h"
#include "tests/support/process.h"

using talksearch::CaptionFormat;
using talksearch::CaptionLimits;
using talksearch::Captions;
using talksearch::Cue;
using talksearch::parse_whisper_cpp_json;

namespace {

std::string data_file(std::string_view folder, std::string_view name) {
    const auto path = std::filesystem::path(TALKSEARCH_TEST_DATA) / folder / name;
    REQUIRE(std::filesystem::exists(path));
    return talksearch::test::slurp(path);
}

std::string word_at(const Cue& cue, std::size_t k) {
    return cue.text.substr(cue.words[k].offset, cue.words[k].length);
}

}  // namespace

TEST_CASE("parse_whisper_cpp_json reads the offsets and trimmed text of whisper-cli -oj output",
          "[captions][whisper.cpp]") {
    const std::string text = data_file("caption-cases", "whispercpp-oj.json");
    CHECK(talksearch::detect_caption_format(text) == CaptionFormat::kWhisperCppJson);
    const Captions c = parse_whisper_cpp_json(text);
    CHECK(c.format == CaptionFormat::kWhisperCppJson);
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "Good morning and welcome to the lightning talks.");
    CHECK(c.cues[0].start_ms == 0);
    CHECK(c.cues[0].end_ms == 3000);
    CHECK(c.cues[1].text == "Our first speaker brought \"slides\" in C:\\talks.");
    CHECK(c.cues[1].start_ms == 3000);
    CHECK(c.cues[1].end_ms == 7240);
    CHECK(c.cues[1].words.empty());
}

TEST_CASE("parse_whisper_cpp_json falls back to the timestamps strings without offsets",
          "[captions][whisper.cpp]") {
    const Captions c =
        parse_whisper_cpp_json(data_file("caption-cases", "whispercpp-timestamps-only.json"));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    CHECK(c.cues[0].text == "No offsets in this file.");
    CHECK(c.cues[0].start_ms == 5500);
    CHECK(c.cues[0].end_ms == 8020);
    CHECK(c.cues[1].start_ms == 3723456);
    CHECK(c.cues[1].end_ms == 3725000);
}

TEST_CASE("parse_whisper_cpp_json gives the tokens of -ojf output as word times",
          "[captions][whisper.cpp]") {
    const Captions c =
        parse_whisper_cpp_json(data_file("caption-cases", "whispercpp-ojf-tokens.json"));
    CHECK(c.warnings.empty());
    REQUIRE(c.cues.size() == 2);
    const Cue& hello = c.cues[0];
    CHECK(hello.text == "Hello, tapir keepers.");
    // [_BEG_] and [_TT_130] are special tokens, not text; "tapir" is two tokens.
    REQUIRE(hello.words.size() == 6);
    const char* pieces[] = {"Hello", ",", "tap", "ir", "keepers", "."};
    const std::int64_t times[] = {0, 420, 900, 1150, 1500, 2200};
    for (std::size_t k = 0; k < 6; ++k) {
        CAPTURE(k);
        CHECK(word_at(hello, k) == pieces[k]);
        CHECK(hello.words[k].start_ms == times[k]);
    }
    // Tokens without times give none, but are still stepped over.
    const Cue& untimed = c.cues[1];
    REQUIRE(untimed.words.size() == 3);
    CHECK(word_at(untimed, 0) == "tokens");
    CHECK(untimed.words[0].start_ms == 3400);
}

TEST_CASE("parse_whisper_cpp_json drops a segment without valid times with a warning",
          "[captions][whisper.cpp]") {
    const Captions c = parse_whisper_cpp_json(
        R"({"transcription":[)"
        R"({"timestamps":{"from":"00:00:01","to":"00:00:02,000"},"text":" bad clock"},)"
        R"({"offsets":{"from":"x","to":1},"text":" bad offsets"},)"
        R"({"offsets":{"from":"x"},"timestamps":{"from":"00:00:01,000","to":"00:00:02,500"},)"
        R"("text":" good timestamps behind bad offsets"},)"
        R"(7]})");
    REQUIRE(c.cues.size() == 1);
    CHECK(c.cues[0].start_ms == 1000);
    CHECK(c.cues[0].end_ms == 2500);
    REQUIRE(c.warnings.size() == 3);
    CHECK(c.warnings[0].message ==
          "transcription[0]: no valid offsets or timestamps, segment dropped");
    CHECK(c.warnings[2].message == "transcription[3]: not an object, ignored");
    CHECK_THROWS_WITH(parse_whisper_cpp_json(R"({"segments":[]})"),
                      Catch::StartsWith("not a whisper.cpp JSON file"));
    CaptionLimits limits;
    limits.max_cues = 1;
    const Captions capped =
        parse_whisper_cpp_json(data_file("caption-cases", "whispercpp-oj.json"), limits);
    CHECK(capped.cues.size() == 1);
    CHECK(capped.warnings.size() == 1);
}

TEST_CASE("detect_caption_format tells whisper.cpp JSON from Whisper's and from other JSON",
          "[captions][whisper.cpp][detect]") {
    CHECK(talksearch::detect_caption_format(data_file("captions-formats", "Wc3Hy7PzN4b.json"),
                                            "Wc3Hy7PzN4b.json") == CaptionFormat::kWhisperCppJson);
    CHECK(talksearch::detect_caption_format(data_file("captions-formats", "Wh5Zr1NpC6f.json")) ==
          CaptionFormat::kWhisperJson);
    // A silent recording: an empty transcription is still whisper.cpp's.
    CHECK(talksearch::detect_caption_format(R"({"result":{"language":"en"},"transcription":[]})") ==
          CaptionFormat::kWhisperCppJson);
    // A transcription array of something else is not.
    CHECK_FALSE(talksearch::detect_caption_format(R"({"transcription":[{"word":"hi"}]})", "a.json")
                    .has_value());
}

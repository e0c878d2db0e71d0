// Tests of reading yt-dlp's .info.json output.
#include "indexer/sources/ytdlp.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace talksearch;

namespace {
const std::filesystem::path kSample =
    std::filesystem::path(TALKSEARCH_TEST_DATA) / "ytdlp" / "PyFictional Channel";
}

TEST_CASE("an info.json becomes a talk with its date, duration, tags, link and chapters",
          "[ytdlp]") {
    const Talk t = parse_ytdlp_info(R"({
        "id": "dEc0rAt0r5X", "title": "Decorators in Depth", "channel": "PyFictional Channel",
        "upload_date": "20230314", "duration": 612.6, "tags": ["python", "decorators"],
        "language": "en-US", "description": "About decorators.",
        "webpage_url": "https://www.youtube.com/watch?v=dEc0rAt0r5X", "extractor_key": "Youtube",
        "chapters": [{"start_time": 0, "end_time": 95, "title": "Introduction"},
                     {"start_time": 95.25, "end_time": 300, "title": "Class-based decorators"},
                     {"start_time": 300, "title": ""}]})",
                                    "x.info.json");
    CHECK(t.origin == TalkOrigin::kYtdlp);
    CHECK(talk_id(t) == "pyfictional-channel/dEc0rAt0r5X");
    CHECK(t.event_title == "PyFictional Channel");
    CHECK(t.title == "Decorators in Depth");
    CHECK(t.recorded == "2023-03-14");
    REQUIRE(t.duration_s);
    CHECK(*t.duration_s == 613);
    CHECK(t.language == "en");
    CHECK(t.tags == std::vector<std::string>{"python", "decorators"});
    REQUIRE(t.videos.size() == 1);
    CHECK(t.videos[0].url == "https://www.youtube.com/watch?v=dEc0rAt0r5X");
    REQUIRE(t.chapters.size() == 2);  // the untitled one is dropped
    CHECK(t.chapters[1].start_ms == 95250);
    CHECK(t.chapters[1].end_ms == 300000);
    CHECK(t.chapters[1].title == "Class-based decorators");
}

TEST_CASE("a playlist's info.json or one without a video id is refused", "[ytdlp]") {
    CHECK_THROWS_AS(parse_ytdlp_info(R"({"_type": "playlist", "id": "PL1", "title": "x"})", "p"),
                    ParseError);
    CHECK_THROWS_AS(parse_ytdlp_info(R"({"title": "no id"})", "p"), ParseError);
    CHECK_THROWS_AS(parse_ytdlp_info(R"({"id": "abc def", "title": "bad id"})", "p"), ParseError);
    CHECK_THROWS_AS(parse_ytdlp_info(R"({"id": "abc", "title": "cut)", "p"), ParseError);
}

TEST_CASE("a yt-dlp folder gives each video with the caption files beside it", "[ytdlp]") {
    const YtdlpLoad load = load_ytdlp({kSample.parent_path()});
    CHECK(load.files_seen == 4);
    REQUIRE(load.videos.size() == 2);  // the playlist's info.json is not a video
    REQUIRE(load.problems.size() == 1);
    CHECK_THAT(load.problems[0].first, Catch::Contains("Broken [brokenVideo1].info.json"));
    const YtdlpVideo& async = load.videos[0];
    CHECK(async.talk.title == "Async Basics");
    REQUIRE(async.captions.size() == 1);
    CHECK(async.captions[0].language == "es");
    CHECK(async.captions[0].kind == CaptionKind::kMachine);  // listed as automatic only
    const YtdlpVideo& deco = load.videos[1];
    REQUIRE(deco.captions.size() == 1);
    CHECK(deco.captions[0].language == "en");
    CHECK(deco.captions[0].kind == CaptionKind::kHuman);  // listed under "subtitles"
    CHECK(deco.talk.chapters.size() == 3);
}

TEST_CASE("a chapter time past any video's length is left out, never overflowed (found by fuzzing)",
          "[ytdlp]") {
    const Talk t = parse_ytdlp_info(R"({
        "id": "dEc0rAt0r5X", "title": "Decorators", "channel": "PyFictional Channel",
        "chapters": [{"start_time": 3.66667e+29, "title": "Far away"},
                     {"start_time": 10, "end_time": 1e300, "title": "Open end"},
                     {"start_time": 20, "end_time": 30, "title": "Fine"}]})",
                                    "x.info.json");
    REQUIRE(t.chapters.size() == 2);
    CHECK(t.chapters[0].title == "Open end");
    CHECK(t.chapters[0].start_ms == 10000);
    CHECK(t.chapters[0].end_ms == 10000);
    CHECK(t.chapters[1].end_ms == 30000);
}

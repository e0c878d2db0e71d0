#include "query/talk_data.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/schema.h"
#include "core/talk.h"

using namespace talksearch;

TEST_CASE("decode_talk_info reads back the chapters the indexer writes", "[talk_data][chapters]") {
    Talk talk;
    talk.origin = TalkOrigin::kYtdlp;
    talk.event = "pyfictional-channel";
    talk.slug = "dEc0rAt0r5X";
    talk.title = "Decorators in Depth";
    talk.chapters = {{0, 95000, "Introduction"},
                     {95000, 300500, "Class-based \"decorators\" <b>"},
                     {300500, 612400, "Memoization with lru_cache"}};
    const TalkInfo info = decode_talk_info(schema::encode_document_data(talk));
    REQUIRE(info.chapters.size() == 3);
    CHECK(info.chapters[1].start_ms == 95000);
    CHECK(info.chapters[1].end_ms == 300500);
    CHECK(info.chapters[1].title == "Class-based \"decorators\" <b>");
    CHECK(info.chapters[2].start_ms == 300500);
    CHECK(info.chapters[2].end_ms == 612400);
    CHECK(info.chapters[2].title == "Memoization with lru_cache");
}

TEST_CASE("decode_talk_info gives no chapters for data without them", "[talk_data][chapters]") {
    CHECK(decode_talk_info(R"({"id": "ev/slug", "title": "Old data"})").chapters.empty());
    CHECK(decode_talk_info(R"({"chapters": "not an array"})").chapters.empty());
}

TEST_CASE(
    "decode_talk_info skips a chapter without a start or a title and ends one without an "
    "end at its start",
    "[talk_data][chapters]") {
    const TalkInfo info = decode_talk_info(R"({"chapters": [
        {"start_ms": 1000, "end_ms": 2000},
        {"end_ms": 2000, "title": "no start"},
        {"start_ms": -5, "end_ms": 2000, "title": "negative start"},
        {"start_ms": 3000, "end_ms": 4000, "title": ""},
        "not an object",
        {"start_ms": 5000, "title": "no end"},
        {"start_ms": 7000, "end_ms": 6000, "title": "ends before it starts"},
        {"start_ms": 8000, "end_ms": 9000, "title": "kept"}]})");
    REQUIRE(info.chapters.size() == 3);
    CHECK(info.chapters[0].title == "no end");
    CHECK(info.chapters[0].end_ms == 5000);
    CHECK(info.chapters[1].title == "ends before it starts");
    CHECK(info.chapters[1].end_ms == 7000);
    CHECK(info.chapters[2].title == "kept");
    CHECK(info.chapters[2].start_ms == 8000);
    CHECK(info.chapters[2].end_ms == 9000);
}

TEST_CASE("the display value decodes to the same result as the whole document data",
          "[talk_data][display]") {
    Talk talk;
    talk.origin = TalkOrigin::kPyvideo;
    talk.event = "pycon-us-2014";
    talk.event_title = "PyCon US 2014";
    talk.slug = "advanced-methods-for-creating-decorators";
    talk.title = "Advanced methods for creating decorators";
    talk.speakers = {"Graham Dumpleton"};
    talk.tags = {"decorators", "wrapt"};
    talk.summary = "Decorators done right.";
    talk.description = std::string(4000, 'd');
    talk.language = "en";
    talk.recorded = "2014-04-12";
    talk.duration_s = 1800;
    talk.videos = {{"mp4", "", std::nullopt},
                   {"youtube", "https://www.youtube.com/watch?v=7jGtDGxgwEY", std::nullopt},
                   {"vimeo", "https://vimeo.com/1", std::nullopt}};
    talk.related_urls = {{"slides", "https://example.org/slides"}};
    talk.thumbnail_url = "https://i.ytimg.com/vi/7jGtDGxgwEY/hqdefault.jpg";
    talk.chapters = {{0, 60000, "Intro"}, {60000, 120000, "Wrappers"}};
    Track listed;
    listed.kind = CaptionKind::kMachine;
    listed.indexed = false;
    Track searched;
    searched.kind = CaptionKind::kHuman;
    talk.tracks = {listed, searched};

    const std::string display = schema::encode_display_data(talk);
    const std::string data = schema::encode_document_data(talk);
    CHECK(display.size() < data.size() / 4);
    CHECK(display.find("related_urls") == std::string::npos);
    CHECK(display.find("description") == std::string::npos);
    const TalkInfo a = decode_talk_info(display);
    const TalkInfo b = decode_talk_info(data);
    CHECK(a.id == b.id);
    CHECK(a.origin == b.origin);
    CHECK(a.event == b.event);
    CHECK(a.slug == b.slug);
    CHECK(a.language == b.language);
    CHECK(a.title == b.title);
    CHECK(a.event_title == b.event_title);
    CHECK(a.speakers == b.speakers);
    CHECK(a.tags == b.tags);
    CHECK(a.summary == b.summary);
    CHECK(a.recorded == b.recorded);
    CHECK(a.duration_s == b.duration_s);
    CHECK(a.video_url == "https://www.youtube.com/watch?v=7jGtDGxgwEY");
    CHECK(b.video_url == a.video_url);
    CHECK(a.thumbnail_url == b.thumbnail_url);
    CHECK(a.catalogue_url == b.catalogue_url);
    CHECK(a.captions == "human");
    CHECK(b.captions == "human");
    REQUIRE(a.chapters.size() == 2);
    REQUIRE(b.chapters.size() == 2);
    CHECK(a.chapters[1].title == "Wrappers");
    CHECK(a.chapters[1].start_ms == b.chapters[1].start_ms);
    CHECK(a.chapters[1].end_ms == b.chapters[1].end_ms);
}

TEST_CASE(
    "decode_talk_info leaves out thumbnail and video URLs that are not http(s), as an index built "
    "before the indexer dropped them still holds",
    "[talk_data]") {
    Talk talk;
    talk.event = "script-url-conf-2024";
    talk.slug = "hostile-links";
    talk.videos = {{"youtube", "javascript:alert(1)", std::nullopt},
                   {"mp4", "data:video/mp4;base64,AAAA", std::nullopt},
                   {"youtube", "https://www.youtube.com/watch?v=HoStIlE0001", std::nullopt}};
    talk.thumbnail_url = "data:image/svg+xml,<svg onload=alert(3)>";
    const TalkInfo info = decode_talk_info(schema::encode_document_data(talk));
    CHECK(info.video_url == "https://www.youtube.com/watch?v=HoStIlE0001");
    CHECK(info.thumbnail_url.empty());

    talk.videos = {{"youtube", "vbscript:msgbox(1)", std::nullopt}};
    talk.thumbnail_url = "https://i.ytimg.com/vi/HoStIlE0001/hqdefault.jpg";
    const TalkInfo only_script = decode_talk_info(schema::encode_document_data(talk));
    CHECK(only_script.video_url.empty());
    CHECK(only_script.thumbnail_url == talk.thumbnail_url);
}

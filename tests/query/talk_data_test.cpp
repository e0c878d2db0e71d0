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

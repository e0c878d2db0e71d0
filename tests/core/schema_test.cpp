#include "core/schema.h"

#include <catch2/catch.hpp>

#include "core/error.h"
#include "core/language.h"
#include "core/text.h"

using namespace talksearch;
namespace sc = talksearch::schema;

TEST_CASE("make_term keeps short terms and shortens long ones to a unique valid term", "[schema]") {
    CHECK(sc::make_term("Q", "pycon-us-2014/advanced") == "Qpycon-us-2014/advanced");
    const std::string long_a(300, 'a');
    std::string long_b = long_a;
    long_b.back() = 'b';
    const std::string ta = sc::make_term("Q", long_a);
    const std::string tb = sc::make_term("Q", long_b);
    CHECK(ta.size() <= sc::kMaxTermBytes);
    CHECK(ta != tb);
    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";
    CHECK(is_valid_utf8(sc::make_term("XS", accents)));
}

TEST_CASE("the time map round-trips tracks, cues and speakers", "[schema]") {
    sc::TimeMap map;
    sc::TimedTrack en;
    en.language = "en";
    en.kind = CaptionKind::kMachine;
    en.speakers = {"Michael Kennedy"};
    en.cues = {
        {1000, 3500, 1, 5, 0, 20, 1}, {3500, 3400, 6, 0, 20, 3, 0}, {4000, 9000, 6, 7, 23, 30, 1}};
    sc::TimedTrack es;
    es.language = "es";
    es.cues = {{0, 2000, 113, 4, 53, 10, 0}};
    map.tracks = {en, es};
    const sc::TimeMap back = sc::decode_time_map(sc::encode_time_map(map));
    REQUIRE(back.tracks.size() == 2);
    CHECK(back.tracks[0].language == "en");
    CHECK(back.tracks[0].kind == CaptionKind::kMachine);
    CHECK(back.tracks[0].speakers == std::vector<std::string>{"Michael Kennedy"});
    REQUIRE(back.tracks[0].cues.size() == 3);
    CHECK(back.tracks[0].cues[1].end_ms == 3400);  // end before start is kept
    CHECK(back.tracks[0].cues[2].first_position == 6);
    CHECK(back.tracks[0].cues[2].text_offset == 23);
    CHECK(back.tracks[1].cues[0].first_position == 113);
    CHECK(back.tracks[1].cues[0].text_offset == 53);
}

TEST_CASE("find_cue maps a position to its cue and refuses metadata positions", "[schema]") {
    sc::TimeMap map;
    sc::TimedTrack t;
    t.cues = {
        {0, 1000, 1, 3, 0, 10, 0}, {1000, 2000, 4, 0, 10, 2, 0}, {2000, 3000, 4, 2, 12, 8, 0}};
    map.tracks = {t};
    CHECK(sc::find_cue(map, 2)->cue == 0);
    CHECK(sc::find_cue(map, 4)->cue == 2);  // the empty cue holds no position
    CHECK_FALSE(sc::find_cue(map, 6).has_value());
    CHECK_FALSE(sc::find_cue(map, sc::kMetadataPositionBase + 3).has_value());
}

TEST_CASE("decode_time_map rejects a truncated value", "[schema]") {
    sc::TimeMap map;
    sc::TimedTrack t;
    t.language = "en";
    t.cues = {{0, 1000, 1, 3, 0, 10, 0}};
    map.tracks = {t};
    std::string bytes = sc::encode_time_map(map);
    bytes.pop_back();
    CHECK_THROWS_AS(sc::decode_time_map(bytes), Error);
}

TEST_CASE("stemmer_for_language names Xapian's stemmer or none", "[schema]") {
    CHECK(stemmer_for_language("en") == "english");
    CHECK(stemmer_for_language("pt-BR") == "portuguese");
    CHECK(stemmer_for_language("el") == "none");
    CHECK(stemmer_for_language("") == "none");
}

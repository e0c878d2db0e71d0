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
    en.cues = {{1000, 3500, 1, 5, 0, 20, 1, {}},
               {3500, 3400, 6, 0, 20, 3, 0, {}},
               {4000, 9000, 6, 7, 23, 30, 1, {}}};
    sc::TimedTrack es;
    es.language = "es";
    es.cues = {{0, 2000, 113, 4, 53, 10, 0, {}}};
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
    t.cues = {{0, 1000, 1, 3, 0, 10, 0, {}},
              {1000, 2000, 4, 0, 10, 2, 0, {}},
              {2000, 3000, 4, 2, 12, 8, 0, {}}};
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
    t.cues = {{0, 1000, 1, 3, 0, 10, 0, {}}};
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

TEST_CASE("the time map round-trips word times and untimed tracks", "[schema][words]") {
    sc::TimeMap map;
    sc::TimedTrack whisper;
    whisper.language = "en";
    whisper.kind = CaptionKind::kMachine;
    sc::TimedCue with_words{30000, 36000, 1, 5, 0, 33, 0, {}};
    with_words.words = {{0, 30000}, {5, 30400}, {9, 30700}, {18, 34600}, {27, 35300}};
    sc::TimedCue without_words{36000, 40000, 6, 2, 33, 12, 0, {}};
    sc::TimedCue late_first_word{40000, 41000, 8, 1, 45, 6, 0, {{2, 39000}}};
    whisper.cues = {with_words, without_words, late_first_word};
    sc::TimedTrack text;
    text.language = "en";
    text.timed = false;
    text.cues = {{0, 0, 109, 9, 51, 40, 0, {}}};
    map.tracks = {whisper, text};

    const sc::TimeMap back = sc::decode_time_map(sc::encode_time_map(map));
    REQUIRE(back.tracks.size() == 2);
    CHECK(back.tracks[0].timed);
    CHECK_FALSE(back.tracks[1].timed);
    CHECK(back.tracks[1].kind == CaptionKind::kHuman);
    CHECK(back.tracks[0].kind == CaptionKind::kMachine);
    REQUIRE(back.tracks[0].cues.size() == 3);
    const auto& words = back.tracks[0].cues[0].words;
    REQUIRE(words.size() == 5);
    for (std::size_t i = 0; i < words.size(); ++i) {
        CAPTURE(i);
        CHECK(words[i].offset == with_words.words[i].offset);
        CHECK(words[i].start_ms == with_words.words[i].start_ms);
    }
    CHECK(back.tracks[0].cues[1].words.empty());
    CHECK(back.tracks[0].cues[1].first_position == 6);
    // A word said before its cue starts (negative delta) is kept as it is.
    REQUIRE(back.tracks[0].cues[2].words.size() == 1);
    CHECK(back.tracks[0].cues[2].words[0].start_ms == 39000);
    CHECK(back.tracks[0].cues[2].text_offset == 45);
}

TEST_CASE("cues without word times cost nothing in the time map", "[schema][words]") {
    sc::TimeMap plain;
    sc::TimedTrack t;
    t.language = "en";
    for (std::uint32_t i = 0; i < 50; ++i) {
        t.cues.push_back({i * 2000, i * 2000 + 1900, 1 + i * 6, 6, i * 30, 30, 0, {}});
    }
    plain.tracks = {t};
    const std::size_t without = sc::encode_time_map(plain).size();
    // A 9-byte header, then 8 bytes a cue: the start and duration deltas take 2
    // bytes each, the rest 1 (the first cue's start delta, 0, takes 1).
    CHECK(without == 9 + 7 + 49 * 8);
    // Word times on one cue cost that cue's words and nothing for the other cues:
    // a count (1 byte), then per word an offset delta (1) and a time delta (1 for
    // the first word, said at the cue's start, 2 for the others, 300 ms apart).
    sc::TimeMap one = plain;
    for (std::uint32_t k = 0; k < 6; ++k) {
        one.tracks[0].cues[0].words.push_back({k * 5, static_cast<std::int64_t>(k) * 300});
    }
    CHECK(sc::encode_time_map(one).size() == without + 1 + 2 + 5 * 3);
    // Marking a track untimed costs nothing either.
    sc::TimeMap untimed = plain;
    untimed.tracks[0].timed = false;
    CHECK(sc::encode_time_map(untimed).size() == without);
}

TEST_CASE("encode_time_map leaves out word times out of order or outside their cue",
          "[schema][words]") {
    sc::TimeMap map;
    sc::TimedTrack t;
    t.cues = {{0, 1000, 1, 3, 0, 10, 0, {{4, 100}, {2, 50}, {4, 60}, {6, 300}, {10, 400}}}};
    map.tracks = {t};
    const sc::TimeMap back = sc::decode_time_map(sc::encode_time_map(map));
    const auto& words = back.tracks[0].cues[0].words;
    REQUIRE(words.size() == 2);
    CHECK(words[0].offset == 4);
    CHECK(words[0].start_ms == 100);
    CHECK(words[1].offset == 6);
}

TEST_CASE("decode_time_map still reads a version 1 time map", "[schema]") {
    // Version 1, one track "en" (human), no speakers, one cue: start 1000,
    // duration 500, first position 1, 2 words, 9 bytes of text, speaker 0.
    const std::string v1 = std::string(
                               "\x01\x01\x02"
                               "en"
                               "\x00\x00\x01\x01",
                               9) +
                           std::string("\xD0\x0F\xE8\x07\x00\x02\x09\x00", 8);
    const sc::TimeMap map = sc::decode_time_map(v1);
    REQUIRE(map.tracks.size() == 1);
    CHECK(map.tracks[0].timed);
    REQUIRE(map.tracks[0].cues.size() == 1);
    CHECK(map.tracks[0].cues[0].start_ms == 1000);
    CHECK(map.tracks[0].cues[0].end_ms == 1500);
    CHECK(map.tracks[0].cues[0].word_count == 2);
    CHECK(map.tracks[0].cues[0].text_length == 9);
    CHECK(map.tracks[0].cues[0].words.empty());
}

TEST_CASE("decode_time_map rejects word times that point outside their cue", "[schema][words]") {
    sc::TimeMap map;
    sc::TimedTrack t;
    t.cues = {{0, 1000, 1, 3, 0, 10, 0, {{9, 100}}}};
    map.tracks = {t};
    std::string bytes = sc::encode_time_map(map);
    // The word's offset (9) is the third byte from the end; 12 is past the text's 10 bytes.
    REQUIRE(bytes[bytes.size() - 3] == '\x09');
    bytes[bytes.size() - 3] = '\x0C';
    CHECK_THROWS_AS(sc::decode_time_map(bytes), Error);
}

TEST_CASE("a cue text segment deflates to under half its size and inflates back whole",
          "[schema]") {
    namespace sc = talksearch::schema;
    std::string text;
    for (int i = 0; text.size() < sc::kCueTextSegmentBytes; ++i) {
        text += "so the decorator wraps the function number " + std::to_string(i % 37) + ". ";
    }
    text.resize(sc::kCueTextSegmentBytes);
    const std::string stored = sc::encode_cue_text_segment(text);
    CHECK(stored.size() < text.size() / 2);
    CHECK(sc::decode_cue_text_segment(stored) == text);
    CHECK(sc::decode_cue_text_segment(sc::encode_cue_text_segment("caf\xC3\xA9")) == "caf\xC3\xA9");
    // Bytes that are not a deflated segment, or one cut short, are refused.
    CHECK_THROWS_AS(sc::decode_cue_text_segment("not deflate at all"), talksearch::Error);
    CHECK_THROWS_AS(sc::decode_cue_text_segment(stored.substr(0, stored.size() / 2)),
                    talksearch::Error);
}

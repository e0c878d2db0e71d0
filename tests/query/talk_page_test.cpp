#include "query/talk_page.h"

#include <catch2/catch.hpp>

#include "query/render_talk.h"
#include "query/talk_params.h"

using namespace talksearch;

namespace {

TranscriptCue cue(std::int64_t start_s, std::int64_t end_s, std::string text,
                  std::string speaker = "") {
    return {start_s * 1000, end_s * 1000, std::move(speaker), {{std::move(text), false}}};
}

std::vector<std::size_t> firsts(const std::vector<Paragraph>& ps) {
    std::vector<std::size_t> out;
    for (const Paragraph& p : ps) out.push_back(p.first);
    return out;
}

}  // namespace

TEST_CASE("transcript_paragraphs starts a paragraph at a new speaker and after a long pause",
          "[talk]") {
    const std::vector<TranscriptCue> cues = {
        cue(0, 3, "Hello and welcome.", "Ana"), cue(3, 6, "Thanks for having me.", "Bo"),
        cue(6, 9, "So, decorators", "Bo"), cue(20, 23, "after a pause.", "Bo")};
    const std::vector<Paragraph> ps = transcript_paragraphs(cues, true);
    CHECK(firsts(ps) == std::vector<std::size_t>{0, 1, 3});
    CHECK(ps[1].speaker == "Bo");
    CHECK(ps[1].count == 2);
    CHECK(ps[2].start_ms == 20000);
}

TEST_CASE(
    "transcript_paragraphs ends a paragraph at a sentence after 30 s, and at any cue "
    "after 60 s",
    "[talk]") {
    std::vector<TranscriptCue> cues;
    for (int s = 0; s < 40; s += 5) cues.push_back(cue(s, s + 5, "words go on"));
    cues.push_back(cue(40, 45, "and end here."));
    cues.push_back(cue(45, 50, "A new thought"));
    CHECK(firsts(transcript_paragraphs(cues, true)) == std::vector<std::size_t>{0, 9});
    std::vector<TranscriptCue> run_on;
    for (int s = 0; s < 130; s += 5) run_on.push_back(cue(s, s + 5, "no full stop at all"));
    CHECK(firsts(transcript_paragraphs(run_on, true)) == std::vector<std::size_t>{0, 12, 24});
}

TEST_CASE("transcript_paragraphs cuts an untimed transcript by words at a sentence", "[talk]") {
    std::vector<TranscriptCue> cues;
    for (int i = 0; i < 30; ++i) cues.push_back(cue(0, 0, "one two three four five six seven."));
    const std::vector<Paragraph> ps = transcript_paragraphs(cues, false);
    CHECK(firsts(ps) == std::vector<std::size_t>{0, 18});
}

TEST_CASE("paragraph_at finds the paragraph holding a second", "[talk]") {
    const std::vector<Paragraph> ps = {{0, 2, 4000, ""}, {2, 3, 37000, ""}, {5, 1, 69000, ""}};
    CHECK(paragraph_at(ps, 0) == 0u);
    CHECK(paragraph_at(ps, 36) == 0u);
    CHECK(paragraph_at(ps, 37) == 1u);
    CHECK(paragraph_at(ps, 5000) == 2u);
    CHECK_FALSE(paragraph_at({}, 3));
}

TEST_CASE("is_valid_talk_id takes event/slug ids and refuses traversal and overlong ids",
          "[talk]") {
    CHECK(is_valid_talk_id("lakeshore-pyconf-2017/decorators-from-the-ground-up"));
    CHECK(is_valid_talk_id("captions/Talk_v1.2"));
    CHECK(is_valid_talk_id("pycon-apac-2016/\xeb\xb0\x95 a b"));  // Korean, spaces: real slugs
    for (const std::string bad : {"", "../etc/passwd", "a/../b", "a//b", "a/", "/a", "a/b\\c",
                                  "a/\xc3", "a\x01b", "a/\x7f"}) {
        INFO(bad);
        CHECK_FALSE(is_valid_talk_id(bad));
    }
    CHECK(is_valid_talk_id(std::string(kMaxTalkIdBytes - 2, 'a') + "/b"));
    CHECK_FALSE(is_valid_talk_id(std::string(kMaxTalkIdBytes, 'a') + "/b"));
    CHECK(talk_path("../x").empty());
}

TEST_CASE("a talk's path escapes each segment and reads back as its id", "[talk]") {
    CHECK(talk_path("e/a b") == "/talk/e/a%20b");
    CHECK(talk_path("e/\xeb\xb0\x95") == "/talk/e/%EB%B0%95");
    for (const std::string id : {"e/a b", "pycon-apac-2016/\xeb\xb0\x95-x", "a/b.c~d_e"})
        CHECK(talk_id_from_path(talk_path(id).substr(6)) == id);
    CHECK(talk_id_from_path("e/%eb%b0%95") == "e/\xeb\xb0\x95");
    for (const std::string bad : {"%2e%2e/x", "e%2Fs", "e/%", "e/%4", "e/%zz", "e/%FF", "e/%00"}) {
        INFO(bad);
        CHECK_FALSE(talk_id_from_path(bad));
    }
}

TEST_CASE("talk_query_from_params reads q and a second, and ignores a malformed second", "[talk]") {
    const TalkQuery q = talk_query_from_params("e/s", {{"q", "decorators"}, {"t", "95"}});
    CHECK(q.request.id == "e/s");
    CHECK(q.request.query == "decorators");
    CHECK(q.start_s == 95);
    for (const std::string bad : {"-1", "1.5", "95s", "", "99999999999"})
        CHECK_FALSE(talk_query_from_params("e/s", {{"t", bad}}).start_s);
}

TEST_CASE("player_url starts YouTube and Vimeo players at a second and frames nothing else",
          "[talk]") {
    CHECK(player_url("https://www.youtube-nocookie.com/embed/dCr8Gr0unD1", 104) ==
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1?start=104");
    CHECK(player_url("https://player.vimeo.com/video/700000123", 5) ==
          "https://player.vimeo.com/video/700000123#t=5s");
    CHECK(player_url("https://player.vimeo.com/video/700000123", std::nullopt) ==
          "https://player.vimeo.com/video/700000123");
    CHECK_FALSE(player_url("https://example.org/talk.mp4", 5));
    CHECK_FALSE(player_url("https://www.youtube-nocookie.com/embed/x\"onload=", 5));
    CHECK(talk_time_path("e/s", 42) == "/talk/e/s?t=42#t-42");
}

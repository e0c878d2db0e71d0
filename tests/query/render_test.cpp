#include "query/render.h"

#include <simdjson.h>

#include <catch2/catch.hpp>

using namespace talksearch;

namespace {

SearchResult hostile_result() {
    SearchResult r;
    r.query = "x\"<script>";
    r.total = 1;
    r.total_exact = true;
    r.limit = 10;
    Hit h;
    h.rank = 1;
    h.talk.id = "ev/slug";
    h.talk.title = "<img src=x onerror=alert(1)>";
    h.talk.speakers = {"\"><svg onload=alert(2)>"};
    h.talk.event_title = "</script><script>alert(3)</script>";
    h.talk.catalogue_url = "https://pyvideo.org/ev/slug.html\" onmouseover=\"alert(4)";
    Moment m;
    m.start_ms = 754000;
    m.snippet = {{"say ", false}, {"<decorators>", true}, {" \xE2\x80\xA8 end\x01", false}};
    m.link.url = "https://www.youtube.com/watch?v=abc&t=752s";
    h.moments.push_back(m);
    r.hits.push_back(h);
    return r;
}

}  // namespace

TEST_CASE("render_html escapes every field so that hostile metadata creates no element",
          "[render]") {
    const std::string html = render_html(hostile_result());
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<svg") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("\" onmouseover") == std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
    CHECK(html.find("<mark>&lt;decorators&gt;</mark>") != std::string::npos);
    CHECK(html.find("href=\"https://www.youtube.com/watch?v=abc&amp;t=752s\"") !=
          std::string::npos);
}

TEST_CASE("render_json is valid JSON that keeps the hostile text as text", "[render]") {
    const std::string json = render_json(hostile_result());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(json)).get(doc));
    CHECK(std::string(doc["results"].at(0)["title"].get_string().value()) ==
          "<img src=x onerror=alert(1)>");
    const auto moment = doc["results"].at(0)["moments"].at(0);
    CHECK(std::string(moment["time"].get_string().value()) == "12:34");
    CHECK(
        std::string(moment["html"].get_string().value()).find("<mark>&lt;decorators&gt;</mark>") !=
        std::string::npos);
    CHECK(json.find("\\u2028") != std::string::npos);
    CHECK(json.find("\\u0001") != std::string::npos);
}

TEST_CASE("render_text writes no control characters from captions and bolds only on a terminal",
          "[render]") {
    const std::string plain = render_text(hostile_result(), TextStyle{false});
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(plain.find('\x01') == std::string::npos);
    CHECK(plain.find("12:34") != std::string::npos);
    const std::string color = render_text(hostile_result(), TextStyle{true});
    CHECK(color.find("\x1b[1m<decorators>\x1b[0m") != std::string::npos);
}

TEST_CASE("render_html shows a moment's time without a link when the host has none", "[render]") {
    SearchResult r = hostile_result();
    r.hits[0].moments[0].link = JumpLink{};
    const std::string html = render_html(r);
    CHECK(html.find("href=\"\"") == std::string::npos);
    CHECK(html.find("<span class=\"talksearch-time\">12:34</span>") != std::string::npos);
}

TEST_CASE("render_text blanks C1 controls and bidirectional overrides", "[render]") {
    SearchResult r = hostile_result();
    r.hits[0].talk.title =
        "Evil \xC2\x9B"
        "31m \xE2\x80\xAE"
        "desrever";
    const std::string text = render_text(r, TextStyle{false});
    CHECK(text.find("\xC2\x9B") == std::string::npos);
    CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(text.find("Evil") != std::string::npos);
}

namespace {

// One hit with a timed moment and one from a transcript without times.
SearchResult untimed_result() {
    SearchResult r;
    r.query = "wombat";
    r.total = 1;
    r.total_exact = true;
    r.limit = 10;
    Hit h;
    h.rank = 1;
    h.talk.id = "ev/wombats";
    h.talk.title = "Wombats";
    h.link = {"https://www.youtube.com/watch?v=Tx4Pl9BnM8a&t=0s", "", "youtube", ""};
    Moment timed;
    timed.start_ms = 65000;
    timed.end_ms = 70000;
    timed.jump_ms = 63000;
    timed.snippet = {{"a ", false}, {"wombat", true}};
    timed.link = {"https://www.youtube.com/watch?v=Tx4Pl9BnM8a&t=63s",
                  "https://www.youtube.com/embed/Tx4Pl9BnM8a?start=63&end=70", "youtube", ""};
    Moment untimed;
    untimed.timed = false;
    untimed.snippet = {{"the common ", false}, {"wombat", true}};
    // What the searcher builds from the zero times: it must not be shown.
    untimed.link = {"https://www.youtube.com/watch?v=Tx4Pl9BnM8a&t=0s",
                    "https://www.youtube.com/embed/Tx4Pl9BnM8a?start=0&end=1", "youtube", ""};
    h.moments = {timed, untimed};
    r.hits.push_back(h);
    return r;
}

}  // namespace

TEST_CASE("render_json marks an untimed moment, gives it no time and the talk's link",
          "[render][untimed]") {
    const std::string json = render_json(untimed_result());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(json)).get(doc));
    const auto moments = doc["results"].at(0)["moments"];
    CHECK(moments.at(0)["timed"].get_bool().value());
    CHECK(std::string_view(moments.at(0)["time"].get_string().value()) == "1:05");
    const auto untimed = moments.at(1);
    CHECK_FALSE(untimed["timed"].get_bool().value());
    CHECK(untimed["time"].is_null());
    CHECK(std::string_view(untimed["link"]["url"].get_string().value()) ==
          "https://www.youtube.com/watch?v=Tx4Pl9BnM8a&t=0s");
    CHECK(untimed["link"]["clip_url"].is_null());
}

TEST_CASE("render_text and render_html show an untimed moment without a clock time",
          "[render][untimed]") {
    const std::string text = render_text(untimed_result());
    CHECK_THAT(text, Catch::Contains("   1:05  a wombat\n"));
    CHECK_THAT(text, Catch::Contains("   (no time)  the common wombat\n"));
    CHECK(text.find("0:00") == std::string::npos);
    const std::string html = render_html(untimed_result());
    CHECK_THAT(html, Catch::Contains("class=\"talksearch-time talksearch-untimed\""));
    CHECK_THAT(html, Catch::Contains(">no time</a>"));
    CHECK(html.find("start=0&amp;end=1") == std::string::npos);
    CHECK(html.find(">0:00<") == std::string::npos);
}

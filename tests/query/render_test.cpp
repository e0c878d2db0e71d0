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

namespace {

// "Decorators in Depth" with a moment of its transcript, the chapter moment
// of "Memoization with lru_cache" and a chapter moment with a hostile title.
const std::string kHostileChapter = "\"Quotes\" & <script>alert('x')</script>";

SearchResult chapter_result() {
    SearchResult r;
    r.query = "class memoization script";
    r.total = 1;
    r.total_exact = true;
    r.limit = 10;
    Hit h;
    h.rank = 1;
    h.talk.id = "pyfictional-channel/dEc0rAt0r5X";
    h.talk.title = "Decorators in Depth";
    h.link = {"https://www.youtube.com/watch?v=dEc0rAt0r5X&t=0s", "", "youtube", ""};
    Moment said;
    said.start_ms = 100200;
    said.end_ms = 105500;
    said.jump_ms = 98200;
    said.language = "en";
    said.snippet = {{"A ", false}, {"class", true}, {" can act as a wrapper", false}};
    said.link = {"https://www.youtube.com/watch?v=dEc0rAt0r5X&t=98s", "", "youtube", ""};
    Moment chapter;
    chapter.start_ms = chapter.jump_ms = 300500;
    chapter.end_ms = 612400;
    chapter.language = "en";
    chapter.snippet = {{"Memoization", true}, {" with lru_cache", false}};
    chapter.chapter = "Memoization with lru_cache";
    chapter.link = {"https://www.youtube.com/watch?v=dEc0rAt0r5X&t=300s", "", "youtube", ""};
    Moment hostile;
    hostile.start_ms = hostile.jump_ms = 612400;
    hostile.end_ms = 700000;
    hostile.language = "en";
    hostile.snippet = {{"\"Quotes\" & <", false},
                       {"script", true},
                       {">alert('x')</", false},
                       {"script", true},
                       {">", false}};
    hostile.chapter = kHostileChapter;
    hostile.link = {"https://www.youtube.com/watch?v=dEc0rAt0r5X&t=612s", "", "youtube", ""};
    h.moments = {said, chapter, hostile};
    r.hits.push_back(h);
    return r;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("render_text tags a chapter moment and shows its title at the chapter's start",
          "[render][chapters]") {
    const std::string plain = render_text(chapter_result(), TextStyle{false});
    CHECK_THAT(plain, Catch::Contains("   5:00  [chapter] Memoization with lru_cache\n"
                                      "          https://www.youtube.com/watch?v=dEc0rAt0r5X"
                                      "&t=300s\n"));
    CHECK_THAT(plain, Catch::Contains("   1:40  A class can act as a wrapper\n"));
    CHECK(count_of(plain, "[chapter]") == 2);
    const std::string color = render_text(chapter_result(), TextStyle{true});
    CHECK_THAT(color, Catch::Contains("[chapter] \x1b[1mMemoization\x1b[0m with lru_cache\n"));
}

TEST_CASE("render_html marks a chapter moment's item and escapes a hostile chapter title",
          "[render][chapters]") {
    const std::string html = render_html(chapter_result());
    CHECK_THAT(html, Catch::Contains(
                         "<li class=\"talksearch-chapter\"><a class=\"talksearch-time\" "
                         "href=\"https://www.youtube.com/watch?v=dEc0rAt0r5X&amp;t=300s\">5:00</a> "
                         "<span class=\"talksearch-snippet\"><mark>Memoization</mark> with "
                         "lru_cache</span></li>"));
    CHECK_THAT(html, Catch::Contains("<li><a class=\"talksearch-time\" "
                                     "href=\"https://www.youtube.com/watch?v=dEc0rAt0r5X&amp;"
                                     "t=98s\">1:40</a>"));
    CHECK(count_of(html, "talksearch-chapter") == 2);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("\"Quotes\"") == std::string::npos);
    CHECK_THAT(html, Catch::Contains("&quot;Quotes&quot; &amp; &lt;<mark>script</mark>&gt;alert("
                                     "&#39;x&#39;)&lt;/<mark>script</mark>&gt;"));
}

TEST_CASE("render_json gives every moment a chapter: the chapter's title or null",
          "[render][chapters]") {
    const std::string json = render_json(chapter_result());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(json)).get(doc));
    const auto moments = doc["results"].at(0)["moments"];
    CHECK(moments.at(0)["chapter"].is_null());
    const auto chapter = moments.at(1);
    CHECK(std::string_view(chapter["chapter"].get_string().value()) ==
          "Memoization with lru_cache");
    CHECK(std::string_view(chapter["time"].get_string().value()) == "5:00");
    CHECK(chapter["jump_ms"].get_int64().value() == 300500);
    CHECK(std::string_view(chapter["html"].get_string().value()) ==
          "<mark>Memoization</mark> with lru_cache");
    CHECK(std::string_view(chapter["link"]["url"].get_string().value()) ==
          "https://www.youtube.com/watch?v=dEc0rAt0r5X&t=300s");
    CHECK(std::string_view(moments.at(2)["chapter"].get_string().value()) == kHostileChapter);
}

TEST_CASE("render_json gives each result the embed URL of its video's player, or null",
          "[render][embed]") {
    SearchResult r;
    r.query = "x";
    for (const char* url :
         {"https://www.youtube.com/watch?v=dCr8Gr0unD1", "https://vimeo.com/700000123",
          "https://media.example/a.mp4", "https://archive.org/details/talk", ""}) {
        Hit h;
        h.talk.video_url = url;
        r.hits.push_back(h);
    }
    const std::string json = render_json(r);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(json)).get(doc));
    const auto results = doc["results"];
    CHECK(std::string_view(results.at(0)["embed_url"].get_string().value()) ==
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1");
    CHECK(std::string_view(results.at(1)["embed_url"].get_string().value()) ==
          "https://player.vimeo.com/video/700000123");
    CHECK(std::string_view(results.at(2)["embed_url"].get_string().value()) ==
          "https://media.example/a.mp4");
    CHECK(results.at(3)["embed_url"].is_null());
    CHECK(results.at(4)["embed_url"].is_null());
}

TEST_CASE("facets show their top values by count in every output, the rest summed, escaped",
          "[render][facets]") {
    SearchResult r;
    r.query = "x";
    r.total = 3;
    Facets f;
    f.events.top = {{"pycon-us-2019", "PyCon <US> 2019", 12},
                    {"europython-2019", "EuroPython 2019", 8}};
    f.events.other_values = 40;
    f.events.other_count = 57;
    f.years.top = {{"2019", "2019", 20}};
    r.facets = f;
    const std::string text = render_text(r);
    CHECK_THAT(text, Catch::Contains("  event: PyCon <US> 2019 (12), EuroPython 2019 (8), and 40 "
                                     "more (57)\n"));
    CHECK_THAT(text, Catch::Contains("  year: 2019 (20)\n"));
    CHECK_THAT(text, !Catch::Contains("speaker:"));  // an empty facet is left out
    const std::string json = render_json(r);
    CHECK_THAT(json, Catch::Contains(
                         R"("event":{"values":[{"value":"pycon-us-2019","label":"PyCon <US> 2019",)"
                         R"("count":12},{"value":"europython-2019","label":"EuroPython 2019",)"
                         R"("count":8}],"other_values":40,"other_count":57})"));
    const std::string html = render_html(r);
    CHECK_THAT(html, Catch::Contains("PyCon &lt;US&gt; 2019 <span class=\"talksearch-count\">12"));
    CHECK_THAT(html, Catch::Contains("40 more <span class=\"talksearch-count\">57"));
    CHECK_THAT(html, !Catch::Contains("<US>"));
}

#include "query/http_api.h"

#include <catch2/catch.hpp>

#include "query/metrics.h"

using namespace talksearch;

TEST_CASE("search_request_from_params reads every parameter of the search API", "[http_api]") {
    const SearchRequest r = search_request_from_params({{"q", "decorators"},
                                                        {"event", "pycon-us-2019"},
                                                        {"event", "pycon-us-2018"},
                                                        {"event", ""},
                                                        {"speaker", " Ada Lovelace "},
                                                        {"language", "es"},
                                                        {"year", "2014..2019"},
                                                        {"lang", "es"},
                                                        {"sort", "date"},
                                                        {"limit", "25"},
                                                        {"offset", "50"},
                                                        {"moments", "5"},
                                                        {"preroll", "1.5"},
                                                        {"facets", ""},
                                                        {"all_recordings", "1"},
                                                        {"utm_source", "ignored"}},
                                                       ApiEndpoint::kSearch);
    CHECK(r.query == "decorators");
    CHECK(r.events == std::vector<std::string>{"pycon-us-2019", "pycon-us-2018"});
    CHECK(r.speakers == std::vector<std::string>{"Ada Lovelace"});
    CHECK(r.languages == std::vector<std::string>{"es"});
    CHECK(r.year_from == 2014);
    CHECK(r.year_to == 2019);
    CHECK(r.language == "es");
    CHECK(r.sort == SortOrder::kDate);
    CHECK(r.limit == 25);
    CHECK(r.offset == 50);
    CHECK(r.moments.max_moments == 5);
    CHECK(r.moments.preroll_ms == 1500);
    CHECK(r.facets);
    CHECK_FALSE(r.group_recordings);
}

TEST_CASE("search_request_from_params has the CLI's defaults and the feed has its own",
          "[http_api]") {
    const SearchRequest search = search_request_from_params({{"q", "x"}}, ApiEndpoint::kSearch);
    CHECK(search.limit == 10);
    CHECK(search.sort == SortOrder::kRelevance);
    CHECK(search.moments.max_moments == 3);
    CHECK(search.moments.preroll_ms == 2000);
    CHECK(search.group_recordings);
    CHECK_FALSE(search.facets);
    const SearchRequest feed = search_request_from_params(
        {{"q", "x"}, {"sort", "relevance"}, {"facets", "1"}}, ApiEndpoint::kFeed);
    CHECK(feed.limit == kDefaultFeedLimit);
    CHECK(feed.sort == SortOrder::kDate);
    CHECK_FALSE(feed.facets);
}

TEST_CASE("search_request_from_params refuses malformed values naming the parameter",
          "[http_api]") {
    const std::vector<QueryParam> bad = {
        {"limit", "101"},        {"limit", "-1"},     {"limit", "1e3"},   {"limit", ""},
        {"limit", "9999999999"}, {"offset", "10001"}, {"moments", "21"},  {"preroll", "60.5"},
        {"preroll", "-0"},       {"preroll", "inf"},  {"sort", "newest"}, {"facets", "yes"},
        {"year", "soon"},        {"lang", "en;rm"},   {"lang", ""},       {"all_recordings", "2"}};
    for (const QueryParam& p : bad) {
        INFO(p.name << "=" << p.value);
        try {
            search_request_from_params({{"q", "x"}, p}, ApiEndpoint::kSearch);
            FAIL("accepted");
        } catch (const QueryRejected& e) {
            CHECK_THAT(e.what(), Catch::StartsWith(p.name == "year" ? "year" : p.name + ":"));
        }
    }
    CHECK_THROWS_AS(search_request_from_params({{"q", "a"}, {"q", "b"}}, ApiEndpoint::kSearch),
                    QueryRejected);
    CHECK_THROWS_AS(search_request_from_params({{"q", "a"}, {"limit", "1"}, {"limit", "2"}},
                                               ApiEndpoint::kFeed),
                    QueryRejected);
    // Repeatable ones may repeat.
    CHECK_NOTHROW(
        search_request_from_params({{"speaker", "a"}, {"speaker", "b"}}, ApiEndpoint::kSearch));
}

TEST_CASE("xml_escape makes any text safe XML content", "[http_api]") {
    CHECK(xml_escape("<a href=\"x\">Tom & Jerry's</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    CHECK(xml_escape("tab\there\nline\r") == "tab\there\nline\r");
    CHECK(xml_escape(std::string("a\x01\x0b\x1f") + "b") == "ab");
    CHECK(xml_escape("x\xEF\xBF\xBEy\xEF\xBF\xBFz") == "xyz");  // U+FFFE, U+FFFF
    CHECK(xml_escape("\xff") == "\xEF\xBF\xBD");                // invalid UTF-8 -> U+FFFD
    CHECK(xml_escape("caf\xC3\xA9 ]]>") == "caf\xC3\xA9 ]]&gt;");
}

TEST_CASE("is_clean_path lets through only plain paths", "[http_api]") {
    for (const char* ok : {"/", "/api/v1/search", "/widget.js", "/a-b_c~d.e/f"}) {
        INFO(ok);
        CHECK(is_clean_path(ok));
    }
    for (const char* bad :
         {"", "x", "*", "/..", "/../etc/passwd", "/a/../b", "/./a", "/a/.", "//a", "/a//b", "/a/",
          "/%2e%2e/", "/a%00.png", "/a\\b", "/a b", "/a?b", "http://x/"}) {
        INFO(bad);
        CHECK_FALSE(is_clean_path(bad));
    }
}

TEST_CASE("url_encode and is_http_url", "[http_api]") {
    CHECK(url_encode("a b&c=d/é~") == "a%20b%26c%3Dd%2F%C3%A9~");
    CHECK(is_http_url("https://www.youtube.com/watch?v=x"));
    CHECK(is_http_url("HTTP://example.org/"));
    CHECK_FALSE(is_http_url("javascript:alert(1)"));
    CHECK_FALSE(is_http_url("data:text/html,x"));
    CHECK_FALSE(is_http_url("https://x/ y"));
    CHECK_FALSE(is_http_url(""));
    CHECK_FALSE(is_http_url("vbscript:msgbox(1)"));
    CHECK_FALSE(is_http_url(" javascript:alert(1)"));
    CHECK_FALSE(is_http_url("//www.youtube.com/watch?v=x"));
    CHECK_FALSE(is_http_url("https://x/\x01y"));
    CHECK_FALSE(is_http_url("https:x"));
}

TEST_CASE("render_atom escapes every text and drops links that are not http(s)", "[http_api]") {
    SearchResult result;
    result.query = "decorators <b>";
    Hit hit;
    hit.talk.id = "conf/talk";
    hit.talk.title = "<script>alert(1)</script>";
    hit.talk.speakers = {"A & B"};
    hit.talk.event = "conf";
    hit.talk.recorded = "2019-05-04";
    hit.talk.summary = "\"quoted\"";
    hit.link.url = "javascript:alert(2)";
    hit.talk.catalogue_url = "https://pyvideo.org/conf/talk.html";
    Moment m;
    m.start_ms = 75000;
    m.snippet = {{"a ", false}, {"<decorator>", true}};
    m.link.url = "https://www.youtube.com/watch?v=x&t=73s";
    hit.moments.push_back(m);
    Moment bad = m;
    bad.link.url = "javascript:alert(3)";
    hit.moments.push_back(bad);
    result.hits.push_back(hit);
    Hit undated;
    undated.talk.id = "conf/other";
    undated.talk.title = "Other";
    result.hits.push_back(undated);

    const std::string atom = render_atom(result, {"https://talks.example.org", "/api/v1/feed?q=d"});
    CHECK(atom.find("<script") == std::string::npos);
    CHECK(atom.find("javascript:") == std::string::npos);
    CHECK_THAT(atom, Catch::Contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
    CHECK_THAT(atom, Catch::Contains("<name>A &amp; B</name>"));
    CHECK_THAT(atom, Catch::Contains("<updated>2019-05-04T00:00:00Z</updated>"));
    CHECK_THAT(atom, Catch::Contains("href=\"https://pyvideo.org/conf/talk.html\""));
    CHECK_THAT(atom,
               Catch::Contains(
                   "<link rel=\"related\" href=\"https://www.youtube.com/watch?v=x&amp;t=73s\" "
                   "title=\"1:15 a &lt;decorator&gt;\"/>"));
    // The HTML content is escaped twice: once as HTML, once as XML.
    CHECK_THAT(atom, Catch::Contains("&lt;mark&gt;&amp;lt;decorator&amp;gt;&lt;/mark&gt;"));
    CHECK_THAT(atom, Catch::Contains("<id>https://talks.example.org/api/v1/feed?q=d</id>"));
    CHECK_THAT(atom, Catch::Contains("href=\"https://talks.example.org/?q=decorators%20%3Cb%3E\""));
    // An undated talk takes the feed's date.
    CHECK(atom.find("<updated>2019-05-04T00:00:00Z</updated>") !=
          atom.rfind("<updated>2019-05-04T00:00:00Z</updated>"));
}

TEST_CASE("render_opensearch points at the base URL", "[http_api]") {
    const std::string xml = render_opensearch("https://t.example.org");
    CHECK_THAT(xml, Catch::Contains("template=\"https://t.example.org/?q={searchTerms}\""));
    CHECK_THAT(xml,
               Catch::Contains("template=\"https://t.example.org/api/v1/feed?q={searchTerms}\""));
    CHECK_THAT(xml, Catch::Contains("<ShortName>talksearch</ShortName>"));
}

TEST_CASE("json_error is one JSON object with the message", "[http_api]") {
    CHECK(json_error("limit: at most 100") == "{\"error\":\"limit: at most 100\"}\n");
    CHECK(json_error("a \"q\"\n\xff") == "{\"error\":\"a \\\"q\\\"\\n\xEF\xBF\xBD\"}\n");
}

TEST_CASE("HttpMetrics counts by endpoint and status with cumulative buckets", "[http_api]") {
    HttpMetrics m;
    m.record("search", 200, 0.0004);
    m.record("search", 200, 0.03);
    m.record("search", 400, 7.0);
    m.record("healthz", 200, 0.0001);
    const std::string out = m.render();
    CHECK_THAT(out, Catch::Contains(
                        "talksearch_http_requests_total{endpoint=\"search\",code=\"200\"} 2\n"));
    CHECK_THAT(out, Catch::Contains(
                        "talksearch_http_requests_total{endpoint=\"search\",code=\"400\"} 1\n"));
    CHECK_THAT(out, Catch::Contains("talksearch_http_request_duration_seconds_bucket{endpoint="
                                    "\"search\",le=\"0.001\"} 1\n"));
    CHECK_THAT(out, Catch::Contains("talksearch_http_request_duration_seconds_bucket{endpoint="
                                    "\"search\",le=\"0.05\"} 2\n"));
    CHECK_THAT(
        out,
        Catch::Contains(
            "talksearch_http_request_duration_seconds_bucket{endpoint=\"search\",le=\"5\"} 2\n"));
    CHECK_THAT(out, Catch::Contains("talksearch_http_request_duration_seconds_bucket{endpoint="
                                    "\"search\",le=\"+Inf\"} 3\n"));
    CHECK_THAT(out, Catch::Contains(
                        "talksearch_http_request_duration_seconds_count{endpoint=\"search\"} 3\n"));
}

// End-to-end tests of the talk page (issue 21): `talksearch-query serve` on
// 127.0.0.1 over an index of data/ and tests/data/xss-talk, asked for
// /talk/<id> and /api/v1/talk/<id> over real HTTP.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/http.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::HttpClient;
using talksearch::test::HttpResponse;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

const fs::path kSource = TALKSEARCH_SOURCE_DIR;
const std::string kDecorators = "lakeshore-pyconf-2017/decorators-from-the-ground-up";
const std::string kOtherRecording =
    "pydays-sierra-azul-2022/decorators-from-the-ground-up-marisol-quenby";
const std::string kXss = "xss-conf-2024/sanitizer-payloads";

// The server on the sample talks, the hostile one and the yt-dlp fixture (a talk with
// chapters), started once for every test here.
class TalkServer {
  public:
    TalkServer() {
        const fs::path data = kSource / "data", xss = kSource / "tests/data/xss-talk";
        const ProcessResult built =
            run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", (data / "talks").string(),
                         "--talks", (xss / "talks").string(), "--captions",
                         (data / "captions").string(), "--captions", (xss / "captions").string(),
                         "--talks", (kSource / "tests/data/unicode-slug/talks").string(), "--ytdlp",
                         (kSource / "tests/data/ytdlp").string(), "--index", index_.string()});
        // 1: a file was skipped (the yt-dlp fixture has a broken one on purpose).
        if (built.exit_code != 0 && built.exit_code != 1)
            throw std::runtime_error("build failed: " + built.err);
        server_ = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{TALKSEARCH_QUERY_BIN, "serve", "--index", index_.string(),
                                     "--port", "0", "--threads", "2"});
        const std::string& line = server_->first_line();
        base_ = line.substr(line.find("http://"));
    }
    HttpResponse get(const std::string& path) { return client_.get(base_ + path); }

  private:
    TempDir dir_;
    fs::path index_ = dir_.path() / "index";
    std::unique_ptr<BackgroundProcess> server_;
    std::string base_;
    HttpClient client_;
};

TalkServer& server() {
    static TalkServer s;
    return s;
}

// Every match of `pattern`'s first group in `text`.
std::vector<std::string> all_of(const std::string& text, const std::string& pattern) {
    const std::regex re(pattern);
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
         ++it)
        out.push_back((*it)[1]);
    return out;
}

// The text of the section whose heading has id `heading_id`.
std::string section(const std::string& html, const std::string& heading_id) {
    const std::size_t at = html.find("aria-labelledby=\"" + heading_id + "\"");
    if (at == std::string::npos) return {};
    return html.substr(at, html.find("</section>", at) - at);
}

// The event-handler attributes (onload=, onerror=, ...) of the document's
// tags, their quoted values aside (escaped text may say "onerror=" there).
std::vector<std::string> event_handlers(const std::string& html) {
    std::vector<std::string> out;
    static const std::regex quoted("\"[^\"]*\"");
    for (const std::string& tag : all_of(html, "(<[A-Za-z][^>]*>)")) {
        const std::string bare = std::regex_replace(tag, quoted, "\"\"");
        for (const std::string& h : all_of(bare, "\\s(on[a-z]+)\\s*=")) out.push_back(h);
    }
    return out;
}

}  // namespace

TEST_CASE(
    "the talk page shows the title, the speakers and event as search links, and a time "
    "for every paragraph",
    "[e2e][talk]") {
    const HttpResponse r = server().get("/talk/" + kDecorators);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    CHECK_THAT(r.header("content-security-policy"), Catch::Contains("frame-src"));
    CHECK_THAT(r.body, Catch::Contains("<h1>Decorators from the Ground Up</h1>"));
    CHECK_THAT(r.body,
               Catch::Contains("<a href=\"/?speaker=Marisol%20Quenby\">Marisol Quenby</a>"));
    CHECK_THAT(r.body, Catch::Contains(
                           "<a href=\"/?event=lakeshore-pyconf-2017\">Lakeshore PyConf 2017</a>"));
    CHECK_THAT(r.body, Catch::Contains("<time datetime=\"2017-09-16\">"));
    // The player: YouTube's privacy-enhanced embed, from the start.
    CHECK_THAT(r.body, Catch::Contains(
                           "<iframe src=\"https://www.youtube-nocookie.com/embed/dCr8Gr0unD1\""));
    // Every paragraph starts with its time, a permalink to it; the first cue is at 0:04.2.
    const std::vector<std::string> paragraphs =
        all_of(r.body, "<p class=\"talk-para[^>]*>(.{0,160})");
    REQUIRE(paragraphs.size() >= 4);
    for (const std::string& p : paragraphs)
        CHECK_THAT(p, Catch::StartsWith("<a class=\"talk-time\""));
    CHECK_THAT(r.body,
               Catch::Contains("<p class=\"talk-para\" id=\"t-4\" data-start=\"4\"><a "
                               "class=\"talk-time\" href=\"/talk/" +
                               kDecorators + "?t=4#t-4\" data-t=\"4\">0:04</a> Okay, I think"));
    // Paragraphs are readable lengths: more than one cue, at most a minute apart.
    const std::vector<std::string> starts = all_of(r.body, "data-start=\"(\\d+)\"");
    REQUIRE(starts.size() == paragraphs.size());
    CHECK(paragraphs.size() < 57 / 2);  // the talk has 57 cues
    for (std::size_t i = 1; i < starts.size(); ++i)
        CHECK(std::stoi(starts[i]) - std::stoi(starts[i - 1]) <= 65);
    // Script and styles come from the server's own files, none inline.
    CHECK_THAT(r.body, Catch::Contains("<script src=\"/talk.js\" defer></script>"));
    CHECK(all_of(r.body, "(<script)").size() == 1);
    CHECK(r.body.find("<style") == std::string::npos);
    CHECK(r.body.find(" style=") == std::string::npos);
    CHECK(server().get("/talk.js").status == 200);
}

TEST_CASE("?t= starts the player at that second and marks the paragraph that holds it",
          "[e2e][talk]") {
    const HttpResponse r = server().get("/talk/" + kDecorators + "?t=104");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains("src=\"https://www.youtube-nocookie.com/embed/"
                                       "dCr8Gr0unD1?start=104\""));
    // The paragraph that starts at 1:40 holds 1:44: it carries the anchor #t-104.
    const std::vector<std::string> current =
        all_of(r.body,
               "<p class=\"talk-para talk-current\" aria-current=\"true\" id=\"t-(\\d+)\" "
               "data-start=\"(?:\\d+)\">");
    REQUIRE(current.size() == 1);
    CHECK(current[0] == "104");
    CHECK_THAT(r.body, Catch::Contains("id=\"t-104\" data-start=\"100\">"));
    // A malformed second is no error: the page from the start, nothing marked.
    const HttpResponse bad = server().get("/talk/" + kDecorators + "?t=1e9");
    CHECK(bad.status == 200);
    CHECK(bad.body.find("talk-current") == std::string::npos);
}

TEST_CASE("?q= marks the words a search marks in its snippets, stems included", "[e2e][talk]") {
    const HttpResponse page = server().get("/talk/" + kDecorators + "?q=decorator");
    REQUIRE(page.status == 200);
    const std::vector<std::string> marked = all_of(page.body, "<mark>([^<]*)</mark>");
    REQUIRE(marked.size() > 1);
    const std::set<std::string> words(marked.begin() + 1, marked.end());  // [0]: the query shown
    CHECK(words == std::set<std::string>{"decorator", "decorators"});
    // The search API's snippets of the same talk mark the same words.
    const HttpResponse search =
        server().get("/api/v1/search?q=decorator&moments=20&event=lakeshore-pyconf-2017");
    const std::vector<std::string> in_snippets = all_of(search.body, "<mark>([^<]*)</mark>");
    REQUIRE_FALSE(in_snippets.empty());
    for (const std::string& w : in_snippets) CHECK(words.count(w) == 1);
    // Without ?q= nothing is marked.
    CHECK(server().get("/talk/" + kDecorators).body.find("<mark>") == std::string::npos);
}

TEST_CASE("the talk page links the talk's other recordings and related talks", "[e2e][talk]") {
    const HttpResponse r = server().get("/talk/" + kDecorators);
    REQUIRE(r.status == 200);
    const std::string recordings = section(r.body, "recordings-heading");
    CHECK_THAT(recordings, Catch::Contains("<a href=\"/talk/" + kOtherRecording +
                                           "\">PyDays Sierra Azul 2022 · 2022-10-08</a>"));
    const std::vector<std::string> related =
        all_of(section(r.body, "related-heading"), "<a href=\"/talk/([^\"]+)\"");
    CHECK(related.size() >= 3);
    CHECK(related.size() <= 8);
    const std::set<std::string> distinct(related.begin(), related.end());
    CHECK(distinct.size() == related.size());
    CHECK(distinct.count(kDecorators) == 0);
    CHECK(distinct.count(kOtherRecording) == 0);
    // Every related talk has a page.
    for (const std::string& id : related) CHECK(server().get("/talk/" + id).status == 200);
}

TEST_CASE(
    "the talk API gives a search result's talk fields with its cues, chapters, "
    "recordings and related talks",
    "[e2e][talk]") {
    const HttpResponse r = server().get("/api/v1/talk/" + kDecorators);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.header("access-control-allow-origin") == "*");
    simdjson::dom::parser parser, search_parser;
    simdjson::dom::element talk;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.body)).get(talk));
    // The same fields as the talk's search result.
    const HttpResponse s = server().get("/api/v1/search?q=decorators&all_recordings=1");
    simdjson::dom::element results;
    REQUIRE_FALSE(search_parser.parse(simdjson::padded_string(s.body))["results"].get(results));
    bool found = false;
    for (simdjson::dom::element hit : results.get_array()) {
        if (std::string_view(hit["id"].get_string().value()) != kDecorators) continue;
        found = true;
        for (const char* key :
             {"title", "speakers", "event", "event_title", "recorded", "language", "duration_s",
              "captions", "catalogue_url", "video_url", "thumbnail_url", "embed_url"}) {
            INFO(key);
            CHECK(simdjson::to_string(talk[key]) == simdjson::to_string(hit[key]));
        }
    }
    CHECK(found);
    CHECK(std::string_view(talk["url"].get_string().value()) == "/talk/" + kDecorators);
    simdjson::dom::array cues = talk["cues"].get_array().value();
    REQUIRE(cues.size() == 57);
    simdjson::dom::element first = cues.at(0).value();
    CHECK(first["start_ms"].get_int64().value() == 4200);
    CHECK(first["end_ms"].get_int64().value() == 7890);
    CHECK(std::string_view(first["text"].get_string().value()) ==
          "Okay, I think the mic is on. Can folks in the back hear me?");
    CHECK(first["speaker"].is_null());
    CHECK(talk["chapters"].get_array().value().size() == 0);
    simdjson::dom::array recordings = talk["recordings"].get_array().value();
    REQUIRE(recordings.size() == 1);
    CHECK(std::string_view(recordings.at(0)["id"].get_string().value()) == kOtherRecording);
    CHECK(talk["related"].get_array().value().size() >= 3);
}

TEST_CASE("an unknown or malformed talk id is a 404 page, and a 404 from the API", "[e2e][talk]") {
    const HttpResponse page = server().get("/talk/no-such-event/no-such-talk");
    CHECK(page.status == 404);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK_THAT(page.body, Catch::Contains("<h1>No such talk</h1>"));
    const HttpResponse api = server().get("/api/v1/talk/no-such-event/no-such-talk");
    CHECK(api.status == 404);
    CHECK(api.header("access-control-allow-origin") == "*");
    CHECK_THAT(api.body, Catch::Contains("\"error\""));
    for (const std::string& path :
         {std::string("/talk/"), std::string("/talk/lakeshore-pyconf-2017/"),
          std::string("/talk/lakeshore-pyconf-2017/../pycon-valdoria-2019/pytest-beyond-assert"),
          std::string("/talk/lakeshore-pyconf-2017%2Fdecorators-from-the-ground-up"),
          "/talk/" + std::string(400, 'a') + "/b", std::string("/api/v1/talk/%00")}) {
        INFO(path);
        CHECK(server().get(path).status == 404);
    }
}

TEST_CASE("a talk whose slug is Korean and holds a space has a page at its percent-encoded path",
          "[e2e][talk]") {
    // "pycon-apac-2016/김하늘-파이썬-삼총사 pycon-apac-2016", each segment percent-encoded.
    const std::string path =
        "/talk/pycon-apac-2016/"
        "%EA%B9%80%ED%95%98%EB%8A%98-%ED%8C%8C%EC%9D%B4%EC%8D%AC-%EC%82%BC%EC%B4%9D%EC%82%AC"
        "%20pycon-apac-2016";
    const HttpResponse page = server().get(path);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<h1>\xED\x8C\x8C\xEC\x9D\xB4\xEC\x8D\xAC"));
    const HttpResponse api = server().get("/api/v1" + path);
    CHECK(api.status == 200);
    CHECK_THAT(api.body, Catch::Contains("\"url\":\"" + path + "\""));
    // Lower-case escapes name the same talk; an escaped slash or a bad escape does not.
    std::string lower = path;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(server().get(lower).status == 200);
    CHECK(server().get("/talk/pycon-apac-2016%2Fx").status == 404);
    CHECK(server().get("/talk/pycon-apac-2016/%E").status == 404);
    CHECK(server().get("/talk/pycon-apac-2016/%FF").status == 404);
}

TEST_CASE("the talk page of a talk with payloads in every field shows them as text",
          "[e2e][talk][security]") {
    const HttpResponse r = server().get("/talk/" + kXss + "?q=sanitizer&t=21");
    REQUIRE(r.status == 200);
    // No element comes from the catalogue or the captions: one script (talk.js), no img or svg.
    CHECK(all_of(r.body, "(<script)").size() == 1);
    CHECK(r.body.find("<img") == std::string::npos);
    CHECK(r.body.find("<svg") == std::string::npos);
    CHECK(event_handlers(r.body).empty());
    CHECK_THAT(r.body,
               Catch::Contains("<h1>Sanitizer &lt;img src=x onerror=alert(1)&gt; payloads "
                               "&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;</h1>"));
    CHECK_THAT(r.body, Catch::Contains("&quot;&gt;&lt;svg onload=alert(2)&gt; Mallory</a>"));
    CHECK_THAT(r.body, Catch::Contains("&lt;img src=x onerror=alert(3)&gt; in a caption"));
    // The speaker's name is percent-encoded in its link.
    CHECK_THAT(r.body, Catch::Contains(
                           "href=\"/?speaker=%22%3E%3Csvg%20onload%3Dalert%282%29%3E%20Mallory\""));
    const HttpResponse api = server().get("/api/v1/talk/" + kXss);
    CHECK_THAT(api.body, Catch::Contains("\"title\":\"Sanitizer <img src=x onerror=alert(1)>"));
}

TEST_CASE("the talk page names who speaks and lists the video's chapters as time links",
          "[e2e][talk]") {
    // The async talk's captions name two voices: a paragraph starts where the voice changes.
    const HttpResponse async = server().get("/talk/pycon-valdoria-2019/async-await-without-tears");
    REQUIRE(async.status == 200);
    const std::vector<std::string> voices =
        all_of(async.body, "<span class=\"talk-speaker\">([^<]*):</span>");
    REQUIRE(voices.size() >= 2);
    CHECK(voices[0] == "Dario Fenwick");
    CHECK(voices[1] == "Keiko Ashdown");
    // A yt-dlp talk's chapters, each a permalink to its start.
    const std::string id = "pyfictional-channel/dEc0rAt0r5X";
    const HttpResponse page = server().get("/talk/" + id);
    REQUIRE(page.status == 200);
    const std::string chapters = section(page.body, "chapters-heading");
    const std::vector<std::string> links =
        all_of(chapters, "<li><a class=\"talk-time\" href=\"([^\"]+)\"");
    REQUIRE(links.size() >= 2);
    for (const std::string& href : links)
        CHECK(std::regex_match(href, std::regex("/talk/" + id + "\\?t=(\\d+)#t-\\1")));
    CHECK_THAT(chapters, Catch::Contains("Class-based decorators"));
    simdjson::dom::parser parser;
    simdjson::dom::element talk;
    REQUIRE_FALSE(
        parser.parse(simdjson::padded_string(server().get("/api/v1/talk/" + id).body)).get(talk));
    CHECK(talk["chapters"].get_array().value().size() == links.size());
}

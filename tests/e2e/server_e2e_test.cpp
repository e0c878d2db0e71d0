// End-to-end tests of `talksearch-query serve`: the real binary on 127.0.0.1,
// real HTTP (libcurl, and raw sockets for what libcurl would not send).
#include <signal.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <regex>
#include <thread>

#include "core/text.h"
#include "query/searcher.h"
#include "query/server.h"
#include "tests/support/http.h"
#include "tests/support/process.h"
#include "tests/support/quantile.h"
#include "tests/support/query_soup.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::HttpClient;
using talksearch::test::HttpResponse;
using talksearch::test::ProcessResult;
using talksearch::test::quantile;
using talksearch::test::raw_exchange;
using talksearch::test::raw_status;
using talksearch::test::RawConnection;
using talksearch::test::rss_kib;
using talksearch::test::run_process;
using talksearch::test::slurp;
using talksearch::test::TempDir;
using talksearch::test::url_escape;
using talksearch::test::write_file;
using namespace std::chrono_literals;

namespace {

const fs::path kSource = TALKSEARCH_SOURCE_DIR;

void build_index(const fs::path& talks, const fs::path& captions, const fs::path& index,
                 const std::string& mode = "build") {
    const ProcessResult r =
        run_process({TALKSEARCH_INDEX_BIN, mode, "--talks", talks.string(), "--captions",
                     captions.string(), "--index", index.string()});
    if (r.exit_code != 0)
        throw std::runtime_error("talksearch-index " + mode + " failed: " + r.err);
}

// The sample index (data/), built once for the tests of this file.
const fs::path& sample_index() {
    static TempDir dir;
    static const fs::path index = [] {
        const fs::path p = dir.path() / "index";
        build_index(kSource / "data/talks", kSource / "data/captions", p);
        return p;
    }();
    return index;
}

// A copy of data/ that a test can add talks to, with its own index.
struct Corpus {
    TempDir dir;
    fs::path talks = dir.path() / "talks";
    fs::path captions = dir.path() / "captions";
    fs::path index = dir.path() / "index";
    Corpus() {
        fs::copy(kSource / "data/talks", talks, fs::copy_options::recursive);
        fs::copy(kSource / "data/captions", captions, fs::copy_options::recursive);
    }
    // Adds a talk of event `event` (created when new) whose title and summary say `words`.
    void add_talk(const std::string& event, const std::string& slug, const std::string& title,
                  const std::string& summary, const std::string& recorded) {
        write_file(talks / event / "category.json", R"({"title": "Test Event"})");
        write_file(talks / event / "videos" / (slug + ".json"),
                   R"({"title": )" + talksearch::json_string(title) + R"(, "slug": )" +
                       talksearch::json_string(slug) + R"(, "summary": )" +
                       talksearch::json_string(summary) +
                       R"(, "description": "", "speakers": ["Ada <b>Bold</b> & Co"],)"
                       R"( "tags": [], "language": "eng", "recorded": ")" +
                       recorded +
                       R"(", "videos": [{"type": "youtube",)"
                       R"( "url": "https://www.youtube.com/watch?v=Zz9xXsS0aQ1"}]})");
    }
    void build(const std::string& mode = "build") const {
        build_index(talks, captions, index, mode);
    }
};

// talksearch-query serve on a free port of 127.0.0.1.
struct ServerProcess {
    BackgroundProcess proc;
    std::uint16_t port = 0;
    std::string base;
    explicit ServerProcess(const fs::path& index, std::vector<std::string> extra = {})
        : proc([&] {
              std::vector<std::string> argv = {TALKSEARCH_QUERY_BIN, "serve",  "--index",
                                               index.string(),       "--port", "0",
                                               "--threads",          "4"};
              // No per-address cap unless the test sets one: every client here is 127.0.0.1.
              if (std::find(extra.begin(), extra.end(), "--per-ip-limit") == extra.end()) {
                  extra.insert(extra.end(), {"--per-ip-limit", "0"});
              }
              argv.insert(argv.end(), extra.begin(), extra.end());
              return argv;
          }()) {
        const std::string& line = proc.first_line();
        REQUIRE_THAT(line, Catch::StartsWith("listening on http://127.0.0.1:"));
        port = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        base = "http://127.0.0.1:" + std::to_string(port);
    }
};

ProcessResult cli_query(const fs::path& index, std::vector<std::string> args) {
    args.insert(args.begin(), {TALKSEARCH_QUERY_BIN, "--index", index.string()});
    args.push_back("--format");
    args.push_back("json");
    return run_process(args);
}

simdjson::dom::element parse_json(simdjson::dom::parser& parser, const std::string& text) {
    INFO(text);
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(text)).get(doc));
    return doc;
}

bool is_json_error(const HttpResponse& r) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(simdjson::padded_string(r.body)).get(doc)) return false;
    std::string_view message;
    return !doc["error"].get(message) && !message.empty();
}

// `n` connections to `port`, each holding a request whose head never ends.
std::vector<std::unique_ptr<RawConnection>> unfinished_requests(std::uint16_t port, int n) {
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < n; ++i) {
        held.push_back(std::make_unique<RawConnection>(port));
        held.back()->send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    }
    return held;
}

std::string generation_of(const fs::path& index) {
    std::string stub(talksearch::trim(slurp(index / "XAPIANDB")));
    return stub.substr(stub.find("gen-"));
}

// A small XML well-formedness check: one root, tags nest and match, attribute
// values quoted, every '&' starts a reference, no '<' in text or attributes,
// valid UTF-8. Returns "" when well-formed, else what is wrong.
std::string xml_problem(const std::string& doc) {
    if (!talksearch::is_valid_utf8(doc)) return "invalid UTF-8";
    static const std::regex reference("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);");
    auto check_text = [&](std::string_view text) -> std::string {
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '<') return "'<' in text";
            if (text[i] == '&' && !std::regex_search(std::string(text.substr(i, 12)), reference)) {
                return "bad reference at " + std::string(text.substr(i, 12));
            }
        }
        return "";
    };
    std::vector<std::string> open;
    std::size_t i = 0, roots = 0;
    if (doc.starts_with("<?xml")) i = doc.find("?>") + 2;
    while (i < doc.size()) {
        const std::size_t lt = doc.find('<', i);
        const std::string_view text(doc.data() + i,
                                    (lt == std::string::npos ? doc.size() : lt) - i);
        if (open.empty() && !talksearch::trim(text).empty()) return "text outside the root";
        if (auto p = check_text(text); !p.empty()) return p;
        if (lt == std::string::npos) break;
        const std::size_t gt = doc.find('>', lt);
        if (gt == std::string::npos) return "unclosed tag";
        std::string tag = doc.substr(lt + 1, gt - lt - 1);
        i = gt + 1;
        if (tag.starts_with("/")) {
            if (open.empty() || open.back() != tag.substr(1)) return "mismatched </" + tag + ">";
            open.pop_back();
            continue;
        }
        const bool empty = tag.ends_with("/");
        if (empty) tag.pop_back();
        const std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
        static const std::regex attr_re(R"(\s+([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"<]*)\")");
        std::string rest = tag.substr(name.size());
        std::smatch m;
        while (std::regex_search(rest, m, attr_re, std::regex_constants::match_continuous)) {
            if (auto p = check_text(m[2].str()); !p.empty()) return "attribute: " + p;
            rest = m.suffix();
        }
        if (!talksearch::trim(rest).empty()) return "malformed attributes in <" + tag + ">";
        if (open.empty() && ++roots > 1) return "two roots";
        if (!empty) open.push_back(name);
    }
    return open.empty() && roots == 1 ? "" : "unclosed elements";
}

}  // namespace

TEST_CASE("the search API answers with the same JSON as talksearch-query --format json",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    struct Case {
        std::string query_string;
        std::vector<std::string> cli;
    };
    const std::vector<Case> cases = {
        {"q=decorators", {"decorators"}},
        {"q=wraps+the+function", {"wraps the function"}},
        {"q=%22wraps%20the%20function%22&moments=1&preroll=0",
         {"\"wraps the function\"", "--moments", "1", "--preroll", "0"}},
        {"q=python&event=pycon-valdoria-2019&event=lakeshore-pyconf-2017&facets=1",
         {"python", "--event", "pycon-valdoria-2019", "--event", "lakeshore-pyconf-2017",
          "--facets"}},
        {"q=python&year=2019..2022&sort=date&limit=2&offset=1",
         {"python", "--year", "2019..2022", "--sort", "date", "--limit", "2", "--offset", "1"}},
        {"q=python&speaker=marisol+quenby&language=en",
         {"python", "--speaker", "marisol quenby", "--language", "en"}},
        {"q=decorators&all_recordings=1", {"decorators", "--all-recordings"}},
        {"q=tipos&lang=es", {"tipos", "--lang", "es"}},
        {"q=decorators+AND+OR+%28", {"decorators AND OR ("}},
        {"q=pyhton", {"pyhton"}},
    };
    for (const Case& c : cases) {
        INFO(c.query_string);
        const HttpResponse r = client.get(server.base + "/api/v1/search?" + c.query_string);
        const ProcessResult cli = cli_query(sample_index(), c.cli);
        REQUIRE(r.status == 200);
        CHECK(r.header("content-type") == "application/json");
        CHECK_FALSE(cli.out.empty());
        CHECK(r.body == cli.out);
    }
}

TEST_CASE("responses carry CORS and safety headers and OPTIONS answers a preflight",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    SECTION("the API: ACAO *, no credentials, nosniff, no referrer, a short cache") {
        // An Origin that tries to smuggle a header is not reflected.
        const HttpResponse r = client.request(server.base + "/api/v1/search?q=python", "GET",
                                              {"Origin: https://x%0d%0aSet-Cookie:a=b"});
        REQUIRE(r.status == 200);
        CHECK(r.header("access-control-allow-origin") == "*");
        CHECK(r.header("access-control-allow-credentials").empty());
        CHECK(r.header("set-cookie").empty());
        CHECK(r.header("x-content-type-options") == "nosniff");
        CHECK(r.header("referrer-policy") == "no-referrer");
        CHECK_THAT(r.header("cache-control"), Catch::Contains("max-age=30"));
    }
    SECTION("a preflight gets 204 with the allowed methods") {
        const HttpResponse r = client.request(
            server.base + "/api/v1/search?q=python", "OPTIONS",
            {"Origin: https://blog.example.org", "Access-Control-Request-Method: GET"});
        CHECK(r.status == 204);
        CHECK(r.header("access-control-allow-origin") == "*");
        CHECK_THAT(r.header("access-control-allow-methods"), Catch::Contains("GET"));
        CHECK(r.body.empty());
    }
    SECTION("HEAD answers the headers of GET without the body") {
        const HttpResponse get = client.get(server.base + "/api/v1/search?q=python");
        const HttpResponse head = client.request(server.base + "/api/v1/search?q=python", "HEAD");
        CHECK(head.status == 200);
        CHECK(head.body.empty());
        CHECK(head.header("content-length") == std::to_string(get.body.size()));
    }
    SECTION("the page has a strict Content-Security-Policy and revalidates by ETag") {
        const HttpResponse r = client.get(server.base + "/");
        REQUIRE(r.status == 200);
        CHECK_THAT(r.header("content-type"), Catch::StartsWith("text/html"));
        const std::string csp = r.header("content-security-policy");
        CHECK_THAT(csp, Catch::Contains("default-src 'self'"));
        CHECK_THAT(csp, Catch::Contains("frame-src https://www.youtube-nocookie.com"));
        CHECK_THAT(csp, !Catch::Contains("unsafe-eval"));
        CHECK(r.header("x-content-type-options") == "nosniff");
        CHECK(r.header("access-control-allow-origin").empty());
        const std::string etag = r.header("etag");
        REQUIRE_FALSE(etag.empty());
        const HttpResponse again =
            client.request(server.base + "/?q=python", "GET", {"If-None-Match: " + etag});
        CHECK(again.status == 304);
        CHECK(again.body.empty());
    }
    SECTION("a connection serves request after request") {
        REQUIRE(client.get(server.base + "/healthz").status == 200);
        for (const char* path : {"/api/v1/search?q=python", "/api/v1/feed?q=python", "/",
                                 "/opensearch.xml", "/metrics"}) {
            INFO(path);
            const HttpResponse r = client.get(server.base + path);
            CHECK(r.status == 200);
            CHECK(r.new_connections == 0);
            CHECK(r.header("connection") != "close");
        }
    }
    SECTION("there is no JSONP") {
        const HttpResponse r = client.get(server.base + "/api/v1/search?q=python&callback=x");
        CHECK(r.status == 200);
        CHECK(r.body.starts_with("{"));
    }
}

TEST_CASE(
    "bad parameters and refused queries get a 400 with a JSON error but parser trouble does not",
    "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    std::string forty_terms;
    for (int i = 0; i < 40; ++i) forty_terms += "word" + std::to_string(i) + "+";
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"q=" + std::string(600, 'a'), "512"},
        {"q=" + forty_terms, "32"},
        {"q=python&limit=101", "limit"},
        {"q=python&limit=abc", "limit"},
        {"q=python&limit=-1", "limit"},
        {"q=python&limit=99999999999999999999", "limit"},
        {"q=python&offset=10001", "offset"},
        {"q=python&sort=newest", "sort"},
        {"q=python&year=abc", "year"},
        {"q=python&moments=999", "moments"},
        {"q=python&preroll=61", "preroll"},
        {"q=python&preroll=nan", "preroll"},
        {"q=python&facets=maybe", "facets"},
        {"q=python&lang=e%24", "lang"},
        {"q=python&q=java", "q"},
        {"q=", "empty"},
        {"", "empty"},
    };
    for (const auto& [query_string, word] : bad) {
        INFO(query_string.substr(0, 80));
        const HttpResponse r = client.get(server.base + "/api/v1/search?" + query_string);
        CHECK(r.status == 400);
        CHECK(r.header("content-type") == "application/json");
        CHECK(r.header("access-control-allow-origin") == "*");
        CHECK(is_json_error(r));
        CHECK_THAT(r.body, Catch::Contains(word));
        CHECK(r.seconds < 0.5);
    }
    // The query cap answers fast: no search is run.
    const HttpResponse too_long =
        client.get(server.base + "/api/v1/search?q=" + std::string(600, 'a'));
    CHECK(too_long.seconds < 0.1);

    for (const std::string q : {"decorators AND OR (", "\"unclosed", "title:", "NEAR NEAR", "*",
                                "year:..", "((((", "-", "\xff\xfe"}) {
        INFO(q);
        const HttpResponse r = client.get(server.base + "/api/v1/search?q=" + url_escape(q));
        CHECK(r.status == 200);
    }
}

TEST_CASE("methods other than GET HEAD and OPTIONS get a 405 and their body is never read",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    for (const std::string method : {"POST", "PUT", "DELETE", "PATCH"}) {
        INFO(method);
        const HttpResponse r =
            client.request(server.base + "/api/v1/search?q=python", method, {}, "q=python");
        CHECK(r.status == 405);
        CHECK(r.header("allow") == "GET, HEAD, OPTIONS");
        CHECK(is_json_error(r));
    }

    SECTION("a chunked POST that never ends is answered at once and cut off") {
        const long rss_before = rss_kib(server.proc.pid());
        RawConnection c(server.port);
        REQUIRE(c.send_all(
            "POST /api/v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        const std::string chunk = "4000\r\n" + std::string(0x4000, 'a') + "\r\n";
        REQUIRE(c.send_all(chunk));
        const auto t0 = std::chrono::steady_clock::now();
        const std::string answer = c.read(2s, 12);
        CHECK(raw_status(answer) == 405);
        CHECK(std::chrono::steady_clock::now() - t0 < 1s);
        // Up to 64 MB more: the server has closed the connection, so sending
        // fails once the socket buffers are full (a few MB on loopback).
        std::size_t sent = 0;
        while (sent < (64u << 20) && c.send_all(chunk)) sent += chunk.size();
        CHECK(sent < (32u << 20));
        CHECK(rss_kib(server.proc.pid()) - rss_before < 5 * 1024);
    }
    SECTION("a POST with Expect: 100-continue gets the 405 and no 100") {
        const std::string answer =
            raw_exchange(server.port,
                         "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n"
                         "Expect: 100-continue\r\n\r\n",
                         2s);
        CHECK(raw_status(answer) == 405);
        CHECK(answer.find("100 Continue") == std::string::npos);
    }
    CHECK(client.get(server.base + "/healthz").status == 200);
}

TEST_CASE("unknown paths and path traversal forms get a 404", "[e2e][server]") {
    ServerProcess server(sample_index());
    for (const std::string path :
         {"/nope", "/api/v2/search", "/api/v1/search/", "/../etc/passwd",
          "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/%00.png", "/index.html%00",
          "/%252e%252e/etc/passwd", "//..//etc/passwd", "/..\\..\\etc\\passwd",
          "/api/v1/../../etc/passwd", "/./", "/%2fetc%2fpasswd", "/healthz/.", "*"}) {
        INFO(path);
        const std::string answer = raw_exchange(
            server.port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        CHECK(raw_status(answer) == 404);
        CHECK(answer.find("root:") == std::string::npos);
        CHECK(answer.find("Content-Type: application/json") != std::string::npos);
    }
}

TEST_CASE("over-long URLs get a 414 and huge header lines a 431 and the server goes on serving",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    const long rss_before = rss_kib(server.proc.pid());
    SECTION("a 9 KB query string: 414 as JSON") {
        const HttpResponse r =
            client.get(server.base + "/api/v1/search?q=python&pad=" + std::string(9000, 'a'));
        CHECK(r.status == 414);
        CHECK(is_json_error(r));
    }
    SECTION("a 100 KB one: 414 from libmicrohttpd") {
        const std::string answer = raw_exchange(
            server.port, "GET /api/v1/search?q=" + std::string(100000, 'a') + " HTTP/1.1\r\n\r\n");
        CHECK(raw_status(answer) == 414);
    }
    SECTION("a 1 MB header line") {
        const std::string answer = raw_exchange(
            server.port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\n\r\n");
        const int status = raw_status(answer);
        CHECK((status == 431 || status == 400));
    }
    SECTION("10,000 headers") {
        std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 10000; ++i) request += "X-H" + std::to_string(i) + ": v\r\n";
        const int status = raw_status(raw_exchange(server.port, request + "\r\n"));
        CHECK((status == 431 || status == 400));
    }
    CHECK(rss_kib(server.proc.pid()) - rss_before < 5 * 1024);
    const HttpResponse health = client.get(server.base + "/healthz");
    CHECK(health.status == 200);
    CHECK(health.seconds < 0.5);
}

TEST_CASE("/healthz reports the live generation and the talk count", "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    const HttpResponse r = client.get(server.base + "/healthz");
    REQUIRE(r.status == 200);
    CHECK(r.header("cache-control") == "no-store");
    simdjson::dom::parser parser;
    const auto doc = parse_json(parser, r.body);
    CHECK(std::string_view(doc["status"]) == "ok");
    CHECK(std::string(std::string_view(doc["generation"])) == generation_of(sample_index()));
    talksearch::Searcher searcher(sample_index());
    CHECK(std::uint64_t(doc["talks"]) == searcher.talk_count());
    CHECK(searcher.talk_count() > 0);
}

TEST_CASE("/metrics counts requests by endpoint and status with a latency histogram",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    for (int i = 0; i < 3; ++i)
        REQUIRE(client.get(server.base + "/api/v1/search?q=python").status == 200);
    REQUIRE(client.get(server.base + "/api/v1/search?q=python&limit=x").status == 400);
    REQUIRE(client.get(server.base + "/nope").status == 404);
    const HttpResponse r = client.get(server.base + "/metrics");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.header("content-type"), Catch::StartsWith("text/plain; version=0.0.4"));
    const std::string& m = r.body;
    auto value = [&](const std::string& series) -> double {
        const auto at = m.find("\n" + series + " ");
        if (at == std::string::npos) return -1;
        return std::atof(m.c_str() + at + series.size() + 2);
    };
    CHECK(value(R"(talksearch_http_requests_total{endpoint="search",code="200"})") == 3);
    CHECK(value(R"(talksearch_http_requests_total{endpoint="search",code="400"})") == 1);
    CHECK(value(R"(talksearch_http_requests_total{endpoint="other",code="404"})") == 1);
    CHECK_THAT(m, Catch::Contains("# TYPE talksearch_http_request_duration_seconds histogram"));
    // Buckets are cumulative and end at the count.
    double previous = 0;
    for (const char* le : {"0.001", "0.01", "0.1", "1", "5", "+Inf"}) {
        const double v =
            value(std::string(
                      R"(talksearch_http_request_duration_seconds_bucket{endpoint="search",le=")") +
                  le + "\"}");
        CHECK(v >= previous);
        previous = v;
    }
    CHECK(previous == 4);
    CHECK(value(R"(talksearch_http_request_duration_seconds_count{endpoint="search"})") == 4);
    CHECK(value(R"(talksearch_http_request_duration_seconds_sum{endpoint="search"})") > 0);
    CHECK(value("talksearch_index_info{generation=\"" + generation_of(sample_index()) + "\"}") ==
          1);
    talksearch::Searcher searcher(sample_index());
    CHECK(value("talksearch_index_talks") == double(searcher.talk_count()));
    CHECK(value("talksearch_http_requests_in_flight") == 1);  // this request
}

TEST_CASE("/opensearch.xml points browsers at /?q={searchTerms} under the public base URL",
          "[e2e][server]") {
    SECTION("--base-url") {
        ServerProcess server(sample_index(), {"--base-url", "https://talks.example.org/"});
        HttpClient client;
        const HttpResponse r = client.get(server.base + "/opensearch.xml");
        REQUIRE(r.status == 200);
        CHECK_THAT(r.header("content-type"),
                   Catch::StartsWith("application/opensearchdescription+xml"));
        CHECK_THAT(r.body,
                   Catch::Contains("template=\"https://talks.example.org/?q={searchTerms}\""));
        CHECK(xml_problem(r.body).empty());
    }
    SECTION("the default is the address listened on") {
        ServerProcess server(sample_index());
        HttpClient client;
        const HttpResponse r = client.get(server.base + "/opensearch.xml");
        CHECK_THAT(r.body, Catch::Contains("template=\"" + server.base + "/?q={searchTerms}\""));
    }
}

TEST_CASE("the Atom feed lists matching talks newest first escaped and well-formed",
          "[e2e][server]") {
    Corpus corpus;
    corpus.add_talk("xss-conf-2024", "payloads",
                    "<script>alert(\"x\")</script> & ]]> Decorators \x0b Unsafe",
                    "Decorators in <b>bold</b> & \"quotes\"", "2024-05-04");
    corpus.build();
    ServerProcess server(corpus.index);
    HttpClient client;
    const HttpResponse r = client.get(server.base + "/api/v1/feed?q=decorators");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.header("content-type"), Catch::StartsWith("application/atom+xml"));
    CHECK(r.header("access-control-allow-origin") == "*");
    INFO(r.body);
    CHECK(xml_problem(r.body).empty());
    CHECK(r.body.find("<script") == std::string::npos);
    CHECK(r.body.find('\x0b') == std::string::npos);
    CHECK_THAT(r.body, Catch::Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;"));

    // Entries: as many as the JSON API finds, newest first.
    const HttpResponse json = client.get(server.base + "/api/v1/search?q=decorators&sort=date");
    simdjson::dom::parser parser;
    const auto doc = parse_json(parser, json.body);
    const std::size_t results = doc["results"].get_array().size();
    std::vector<std::string> updated;
    static const std::regex entry_updated(R"(<entry>[\s\S]*?<updated>([^<]*)</updated>)");
    for (auto it = std::sregex_iterator(r.body.begin(), r.body.end(), entry_updated);
         it != std::sregex_iterator(); ++it)
        updated.push_back((*it)[1]);
    CHECK(updated.size() == results);
    CHECK(updated.size() >= 3);
    CHECK(std::is_sorted(updated.rbegin(), updated.rend()));
    CHECK(updated.front() == "2024-05-04T00:00:00Z");
    // Each moment the JSON API gives is a related link of its entry.
    const std::string loop_q = "q=%22event+loop%22";
    const HttpResponse feed = client.get(server.base + "/api/v1/feed?" + loop_q);
    simdjson::dom::parser parser2;
    const auto loop =
        parse_json(parser2, client.get(server.base + "/api/v1/search?sort=date&" + loop_q).body);
    std::size_t links = 0;
    for (auto hit : loop["results"].get_array()) {
        for (auto moment : hit["moments"].get_array()) {
            std::string url{std::string_view(moment["link"]["url"])};
            url = std::regex_replace(url, std::regex("&"), "&amp;");
            CHECK_THAT(feed.body, Catch::Contains("<link rel=\"related\" href=\"" + url + "\""));
            ++links;
        }
    }
    CHECK(links >= 1);
    CHECK(xml_problem(feed.body).empty());
    // Parameters are checked as for the search.
    CHECK(client.get(server.base + "/api/v1/feed?q=python&limit=500").status == 400);
}

TEST_CASE(
    "a rebuild and an update of the index while the server runs are served within a second "
    "with no failed request",
    "[e2e][server]") {
    Corpus corpus;
    corpus.build();
    ServerProcess server(corpus.index);
    std::atomic<bool> done{false};
    std::atomic<int> ok{0}, failed{0};
    std::thread load([&] {
        HttpClient client;
        while (!done) {
            const HttpResponse r = client.get(server.base + "/api/v1/search?q=decorators");
            const bool found = r.body.find("Decorators from the Ground Up") != std::string::npos;
            (r.status == 200 && found ? ok : failed)++;
        }
    });
    HttpClient client;
    auto seconds_until_found = [&](const std::string& word) {
        const auto t0 = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - t0 < 3s) {
            const HttpResponse r = client.get(server.base + "/api/v1/search?q=" + word);
            if (r.status == 200 && r.body.find("\"total\":0,") == std::string::npos) break;
            std::this_thread::sleep_for(10ms);
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    REQUIRE(client.get(server.base + "/api/v1/search?q=zanzibarquux").body.find("\"total\":0,") !=
            std::string::npos);
    const std::string before = generation_of(corpus.index);

    corpus.add_talk("rebuild-conf-2025", "zanzibar", "Zanzibarquux Patterns", "", "2025-03-01");
    corpus.build();
    const double after_build = seconds_until_found("zanzibarquux");
    CHECK(after_build < 1.0);
    CHECK(generation_of(corpus.index) != before);
    const HttpResponse health = client.get(server.base + "/healthz");
    CHECK_THAT(health.body, Catch::Contains(generation_of(corpus.index)));

    corpus.add_talk("rebuild-conf-2025", "quokka", "Quokkafrobnicate Internals", "", "2025-03-02");
    corpus.build("update");
    const double after_update = seconds_until_found("quokkafrobnicate");
    CHECK(after_update < 1.0);

    std::this_thread::sleep_for(100ms);
    done = true;
    load.join();
    INFO("build seen after " << after_build << " s, update after " << after_update << " s");
    CHECK(failed == 0);
    CHECK(ok > 20);
}

TEST_CASE("SIGTERM lets a slow request in flight finish and exits 0 within 5 seconds",
          "[e2e][server]") {
    ServerProcess server(sample_index(), {"--test-hooks"});
    HttpResponse slow;
    std::thread request([&] {
        HttpClient client;
        slow = client.get(server.base + "/api/v1/search?q=python&_delay_ms=1500");
    });
    std::this_thread::sleep_for(300ms);
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(::kill(server.proc.pid(), SIGTERM) == 0);
    std::this_thread::sleep_for(100ms);
    // No new connections once stopping.
    HttpClient late;
    CHECK(late.get(server.base + "/healthz").status == 0);
    const int code = server.proc.wait_for_exit(6s);
    const double took =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    request.join();
    CHECK(code == 0);
    CHECK(took < 5.0);
    CHECK(slow.status == 200);
    simdjson::dom::parser parser;
    const auto doc = parse_json(parser, slow.body);
    CHECK(std::uint64_t(doc["total"]) > 0);
}

TEST_CASE("a failure inside a handler is a generic 500 and the server goes on", "[e2e][server]") {
    ServerProcess server(sample_index(), {"--test-hooks"});
    HttpClient client;
    const HttpResponse r = client.get(server.base + "/api/v1/search?q=python&_fail=1");
    CHECK(r.status == 500);
    CHECK(r.body == "{\"error\":\"internal error\"}\n");
    CHECK(client.get(server.base + "/api/v1/search?q=python").status == 200);
    // Without --test-hooks the hooks do nothing.
    ServerProcess plain(sample_index());
    CHECK(client.get(plain.base + "/api/v1/search?q=python&_fail=1").status == 200);
}

TEST_CASE("idle and slow connections do not hold up other requests", "[e2e][server]") {
    ServerProcess server(sample_index());
    std::vector<std::unique_ptr<RawConnection>> idle, slow;
    for (int i = 0; i < 50; ++i) idle.push_back(std::make_unique<RawConnection>(server.port));
    for (int i = 0; i < 20; ++i) {
        slow.push_back(std::make_unique<RawConnection>(server.port));
        slow.back()->send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    }
    HttpClient client;
    for (int i = 0; i < 10; ++i) {
        for (auto& c : slow) c->send_all("X-Slow-" + std::to_string(i) + ": 1\r\n");
        const HttpResponse r = client.get(server.base + "/api/v1/search?q=decorators");
        CHECK(r.status == 200);
        CHECK(r.seconds < 0.5);
        std::this_thread::sleep_for(50ms);
    }
}

TEST_CASE("two thousand random operator-soup requests never get a 5xx",
          "[e2e][server][robustness]") {
    ServerProcess server(sample_index());
    HttpClient client;
    talksearch::test::QuerySoup soup;
    const std::vector<std::string> extras = {
        "",           "&limit=0",          "&limit=100",      "&limit=101",     "&offset=9999",
        "&offset=-1", "&sort=date",        "&facets=1",       "&year=2019..",   "&year=..",
        "&moments=0", "&moments=20",       "&preroll=0.5",    "&event=nope",    "&speaker=%00",
        "&lang=xx",   "&all_recordings=1", "&language=pt-BR", "&year=1..99999", "&q=again"};
    std::mt19937 rng(20261122);
    std::uniform_int_distribution<std::size_t> extra(0, extras.size() - 1);
    int answered = 0, refused = 0;
    for (int i = 0; i < 2000; ++i) {
        const std::string q = soup.next();
        const std::string endpoint = i % 10 == 0 ? "/api/v1/feed" : "/api/v1/search";
        const HttpResponse r =
            client.get(server.base + endpoint + "?q=" + url_escape(q) + extras[extra(rng)]);
        INFO(q);
        REQUIRE(r.status != 0);
        REQUIRE(r.status < 500);
        if (r.status == 200) ++answered;
        if (r.status == 400) ++refused;
    }
    INFO("answered " << answered << ", refused " << refused);
    CHECK(answered + refused == 2000);
    CHECK(answered > 1000);
}

TEST_CASE("a Server runs in-process and stops", "[e2e][server]") {
    talksearch::ServerOptions options;
    options.index_dir = sample_index();
    options.port = 0;
    options.threads = 2;
    talksearch::Server server(options);
    server.start();
    REQUIRE(server.port() != 0);
    CHECK(server.base_url() == "http://127.0.0.1:" + std::to_string(server.port()));
    HttpClient client;
    CHECK(client.get(server.base_url() + "/healthz").status == 200);
    server.stop();
    CHECK(client.get(server.base_url() + "/healthz").status == 0);

    talksearch::ServerOptions missing;
    missing.index_dir = "/nonexistent/index";
    CHECK_THROWS_AS(talksearch::Server(missing), talksearch::Error);
}

TEST_CASE(
    "a client address gets no more connections than --per-ip-limit and gets them back once "
    "closed",
    "[e2e][server]") {
    ServerProcess server(sample_index(), {"--per-ip-limit", "4"});
    // Four connections hold a request each, unfinished.
    std::vector<std::unique_ptr<RawConnection>> held = unfinished_requests(server.port, 4);
    std::this_thread::sleep_for(200ms);
    // A fifth is closed without an answer.
    const std::string fifth = raw_exchange(
        server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2s);
    CHECK(raw_status(fifth) == 0);
    // Once one of the four is closed, a new connection is served.
    held.pop_back();
    std::this_thread::sleep_for(200ms);
    HttpClient client;
    CHECK(client.get(server.base + "/api/v1/search?q=decorators").status == 200);
}

TEST_CASE("a connection over --connection-limit is refused at once, not left waiting",
          "[e2e][server]") {
    ServerProcess server(sample_index(), {"--connection-limit", "5"});
    std::vector<std::unique_ptr<RawConnection>> held = unfinished_requests(server.port, 5);
    std::this_thread::sleep_for(200ms);
    const auto t0 = std::chrono::steady_clock::now();
    const std::string sixth = raw_exchange(
        server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3s);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    CHECK(raw_status(sixth) == 0);
    CHECK(took.count() < 0.5);
    // A slot given back is taken by the next client.
    held.pop_back();
    std::this_thread::sleep_for(200ms);
    HttpClient client;
    CHECK(client.get(server.base + "/api/v1/search?q=decorators").status == 200);
    CHECK_THAT(client.get(server.base + "/metrics").body,
               Catch::Contains("talksearch_http_connections_refused_total{reason=\"full\"} 1\n"));
}

TEST_CASE("a request head trickled a byte at a time is cut off at --header-timeout",
          "[e2e][server]") {
    ServerProcess server(sample_index(), {"--header-timeout", "1"});
    RawConnection slow(server.port);
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    // One byte each 100 ms keeps libmicrohttpd's idle timeout (10 s) from ever running out.
    const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa";
    double closed_after = 0;
    for (std::size_t i = 0; i < head.size() && closed_after == 0 && elapsed() < 4; ++i) {
        const double before = elapsed();
        // Closed: the send fails, or the read sees the end before its 100 ms are out.
        if (!slow.send_all(head.substr(i, 1)) ||
            (slow.read(100ms).empty() && elapsed() - before < 0.09)) {
            closed_after = elapsed();
        }
    }
    INFO("closed after " << closed_after << " s");
    CHECK(closed_after > 0.9);
    CHECK(closed_after < 2.0);
    HttpClient client;
    CHECK(client.get(server.base + "/healthz").status == 200);
    CHECK_THAT(client.get(server.base + "/metrics").body,
               Catch::Contains("talksearch_http_request_heads_timed_out_total 1\n"));
}

TEST_CASE(
    "searches over kept-alive connections answer in milliseconds, with no delayed-ACK stall, "
    "alone and at 16 connections",
    "[e2e][server]") {
    ServerProcess server(sample_index());
    // A small write held back by Nagle's algorithm until the client's delayed ACK costs 40 ms
    // a request.
    const bool sanitized = std::getenv("TALKSEARCH_SANITIZED") != nullptr;
    const std::string url = server.base + "/api/v1/search?q=decorators";
    HttpClient one;
    REQUIRE(one.get(url).status == 200);  // warm up
    std::vector<double> alone;
    for (int i = 0; i < 50; ++i) {
        const HttpResponse r = one.get(url);
        REQUIRE(r.status == 200);
        CHECK(r.new_connections == 0);
        alone.push_back(r.seconds);
    }
    std::vector<std::vector<double>> per_thread(16);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < per_thread.size(); ++t) {
        threads.emplace_back([&, t] {
            HttpClient client;
            for (int i = 0; i < 21; ++i) {
                const HttpResponse r = client.get(url);
                if (i > 0 && r.status == 200) per_thread[t].push_back(r.seconds);
            }
        });
    }
    for (std::thread& t : threads) t.join();
    std::vector<double> sixteen;
    for (const auto& v : per_thread) sixteen.insert(sixteen.end(), v.begin(), v.end());
    REQUIRE(sixteen.size() == 16 * 20);
    // The matrix's bound alone: a median under 10 ms (measured here: 0.13 ms; 0.7 ms in CI).
    // At 16 connections on 2 cores the median is queueing, and it depends on what else runs:
    // 1 ms alone, 14.5 ms once in CI beside another test. A delayed-ACK stall costs at least
    // 40 ms a request, so a median under 30 ms still rules it out. Sanitized code is slower
    // (bounds 30 and 50 ms): the unsanitized run is the one that would show a stall.
    const double m1 = quantile(alone, 0.5), m16 = quantile(sixteen, 0.5);
    std::cout << "keep-alive searches: median alone " << m1 * 1000 << " ms, at 16 connections "
              << m16 * 1000 << " ms\n";
    INFO("median alone " << m1 * 1000 << " ms, at 16 connections " << m16 * 1000 << " ms");
    CHECK(m1 < (sanitized ? 0.03 : 0.01));
    CHECK(m16 < (sanitized ? 0.05 : 0.03));
}

TEST_CASE("API answers, the page and its files are gzip'ed for clients that accept gzip",
          "[e2e][server][gzip]") {
    ServerProcess server(sample_index());
    HttpClient client;
    const std::string url = server.base + "/api/v1/search?q=python&limit=10";
    const HttpResponse plain = client.get(url);
    REQUIRE(plain.status == 200);
    REQUIRE(plain.body.size() >= 1024);
    SECTION("gzip accepted: Content-Encoding, Vary, a distinct ETag, the same JSON inflated") {
        const HttpResponse gz = client.request(url, "GET", {"Accept-Encoding: gzip, br"});
        REQUIRE(gz.status == 200);
        CHECK(gz.header("content-encoding") == "gzip");
        CHECK(gz.header("vary") == "Accept-Encoding");
        CHECK(plain.header("vary") == "Accept-Encoding");
        CHECK(plain.header("content-encoding").empty());
        CHECK_FALSE(gz.header("etag").empty());
        CHECK(gz.header("etag") != plain.header("etag"));
        CHECK(talksearch::test::gunzip(gz.body) == plain.body);
        const HttpResponse head = client.request(url, "HEAD", {"Accept-Encoding: gzip"});
        CHECK(head.status == 200);
        CHECK(head.body.empty());
        for (const char* name : {"content-encoding", "vary", "etag", "content-type"}) {
            INFO(name);
            CHECK(head.header(name) == gz.header(name));
        }
        CHECK(head.header("content-length") == std::to_string(gz.body.size()));
    }
    SECTION("gzip refused with q=0 or not offered: the body as it is") {
        for (const std::string ae : {"gzip;q=0, *", "identity", "br"}) {
            INFO(ae);
            const HttpResponse r = client.request(url, "GET", {"Accept-Encoding: " + ae});
            CHECK(r.header("content-encoding").empty());
            CHECK(r.body == plain.body);
        }
    }
    SECTION("the feed, the page and the widget are gzip'ed; small answers are not") {
        for (const std::string path : {"/api/v1/feed?q=python", "/", "/widget.js"}) {
            INFO(path);
            const HttpResponse gz =
                client.request(server.base + path, "GET", {"Accept-Encoding: gzip"});
            CHECK(gz.status == 200);
            CHECK(gz.header("content-encoding") == "gzip");
            CHECK(talksearch::test::gunzip(gz.body) == client.get(server.base + path).body);
        }
        const HttpResponse health =
            client.request(server.base + "/healthz", "GET", {"Accept-Encoding: gzip"});
        CHECK(health.header("content-encoding").empty());
        CHECK(health.body.starts_with("{"));
    }
}

TEST_CASE("a 10-result API answer of the sample corpus is at least 3 times smaller gzip'ed",
          "[e2e][server][gzip]") {
    ServerProcess server(sample_index());
    HttpClient client;
    // The largest page of data/: `a*` matches 8 of its 9 talks, with 3 moments each.
    const std::string url = server.base + "/api/v1/search?q=a*&limit=10";
    const HttpResponse plain = client.get(url);
    const HttpResponse gz = client.request(url, "GET", {"Accept-Encoding: gzip"});
    REQUIRE(plain.status == 200);
    REQUIRE(gz.header("content-encoding") == "gzip");
    const double ratio = double(plain.body.size()) / double(gz.body.size());
    std::cout << "gzip: " << plain.body.size() << " -> " << gz.body.size() << " bytes, " << ratio
              << "x\n";
    INFO(plain.body.size() << " -> " << gz.body.size() << " bytes");
    CHECK(ratio >= 3);
}

TEST_CASE("an API answer has an ETag and a matching If-None-Match gets 304 without a body",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    const std::string url = server.base + "/api/v1/search?q=decorators";
    const HttpResponse first = client.get(url);
    REQUIRE(first.status == 200);
    const std::string etag = first.header("etag");
    REQUIRE_THAT(etag, Catch::StartsWith("\""));
    CHECK(client.get(url).header("etag") == etag);  // the same answer, the same tag
    for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        INFO(inm);
        const HttpResponse r = client.request(url, "GET", {"If-None-Match: " + inm});
        CHECK(r.status == 304);
        CHECK(r.body.empty());
        CHECK(r.header("etag") == etag);
        CHECK(r.header("access-control-allow-origin") == "*");
    }
    SECTION("the tag of the other form, or of another answer, is no match") {
        const HttpResponse gz = client.request(url, "GET", {"Accept-Encoding: gzip"});
        CHECK(client.request(url, "GET", {"If-None-Match: " + gz.header("etag")}).status == 200);
        const HttpResponse r =
            client.request(url, "GET", {"Accept-Encoding: gzip", "If-None-Match: " + etag});
        CHECK(r.status == 200);
        const HttpResponse other =
            client.request(url + "&limit=1", "GET", {"If-None-Match: " + etag});
        CHECK(other.status == 200);
    }
    SECTION("a static file follows the same rules") {
        const HttpResponse js = client.get(server.base + "/widget.js");
        const std::string tag = js.header("etag");
        REQUIRE_FALSE(tag.empty());
        CHECK(
            client.request(server.base + "/widget.js", "GET", {"If-None-Match: W/" + tag}).status ==
            304);
        // Once a substring sufficed: a tag that merely contains it is no match.
        CHECK(
            client
                .request(server.base + "/widget.js", "GET", {"If-None-Match: \"x" + tag.substr(1)})
                .status == 200);
    }
}

TEST_CASE("pages may not be framed by other sites but the API and the widget script may be used",
          "[e2e][server]") {
    ServerProcess server(sample_index());
    HttpClient client;
    const HttpResponse page = client.get(server.base + "/");
    REQUIRE(page.status == 200);
    CHECK_THAT(page.header("content-security-policy"), Catch::Contains("frame-ancestors 'none'"));
    CHECK(page.header("x-frame-options") == "DENY");
    for (const char* path : {"/api/v1/search?q=python", "/widget.js"}) {
        INFO(path);
        const HttpResponse r = client.get(server.base + path);
        CHECK(r.status == 200);
        CHECK(r.header("x-frame-options").empty());
    }
}

TEST_CASE("an HTTP/1.1 request without a Host header or with two gets a 400", "[e2e][server]") {
    ServerProcess server(sample_index());
    const std::string no_host =
        raw_exchange(server.port, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK(raw_status(no_host) == 400);
    CHECK_THAT(no_host, Catch::Contains("Host"));
    CHECK(raw_status(raw_exchange(server.port,
                                  "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                                  "Connection: close\r\n\r\n")) == 400);
    // HTTP/1.0 had no Host header: it is answered.
    CHECK(raw_status(raw_exchange(server.port, "GET /healthz HTTP/1.0\r\n\r\n")) == 200);
    CHECK(raw_status(raw_exchange(
              server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) ==
          200);
}

TEST_CASE(
    "javascript: data: and vbscript: URLs of a talk are dropped at indexing with a warning naming "
    "the file and the field and are never served",
    "[e2e][server][urls]") {
    TempDir tmp;
    const fs::path talks = fs::path(TALKSEARCH_TEST_DATA) / "script-urls/talks";
    const fs::path index = tmp.path() / "index", report = tmp.path() / "report.json";
    const ProcessResult build =
        run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", talks.string(), "--index",
                     index.string(), "--report", report.string(), "--verbose"});
    // Warnings, like the parser's: the talk is indexed and the run exits 0.
    CHECK(build.exit_code == 0);
    const std::string file = (talks / "script-url-conf-2024/videos/hostile-links.json").string();
    for (const std::string warning : {"videos[0].url: not an http(s) URL (javascript:); dropped",
                                      "videos[1].url: not an http(s) URL (data:); dropped",
                                      "related_urls[0]: not an http(s) URL (vbscript:); dropped",
                                      "related_urls[1]: not an http(s) URL (javascript:); dropped",
                                      "thumbnail_url: not an http(s) URL (data:); dropped"}) {
        INFO(warning);
        CHECK_THAT(build.err, Catch::Contains(file + ": warning: " + warning));
        CHECK_THAT(slurp(report), Catch::Contains(warning));
    }

    ServerProcess server(index);
    HttpClient client;
    for (const std::string path : {"/api/v1/search?q=hostile", "/api/v1/feed?q=hostile"}) {
        INFO(path);
        const HttpResponse r = client.get(server.base + path);
        REQUIRE(r.status == 200);
        CHECK_THAT(r.body, Catch::Contains("https://www.youtube.com/watch?v=HoStIlE0001"));
        const std::string lower = talksearch::ascii_lower(r.body);
        for (const char* scheme : {"javascript:", "data:", "vbscript:"}) {
            INFO(scheme);
            CHECK(lower.find(scheme) == std::string::npos);
        }
    }
}

TEST_CASE(
    "a misspelt word that a talk holds gets a did-you-mean suggestion when the results are few and "
    "the correction finds clearly more",
    "[e2e][server][spelling]") {
    // data/ with one talk that misspells "python": "pyhton" now finds that talk. 40 more talks
    // say "python", so that the correction is held by 20 times as many talks as the typo.
    Corpus corpus;
    corpus.add_talk("typo-conf-2024", "packaging-for-the-impatient", "Packaging for the impatient",
                    "Pyhton packaging in five minutes.", "2024-03-02");
    for (int k = 0; k < 40; ++k) {
        corpus.add_talk("python-tips-2024", "tip-" + std::to_string(k), "Tip " + std::to_string(k),
                        "A python tip.", "2024-04-01");
    }
    corpus.build();
    ServerProcess server(corpus.index);
    HttpClient client;
    simdjson::dom::parser parser;
    const auto search = [&](const std::string& q) {
        const HttpResponse r = client.get(server.base + "/api/v1/search?q=" + url_escape(q));
        REQUIRE(r.status == 200);
        return r.body;
    };
    const std::string few = search("pyhton");
    const auto doc = parse_json(parser, few);
    CHECK(doc["total"].get_uint64().value() == 1);
    CHECK(std::string_view(doc["suggestion"].get_string().value()) == "python");
    // The correction finds clearly more talks.
    CHECK(parse_json(parser, search("python"))["total"].get_uint64().value() >= 45);
    // Few results and no close word that finds more: no suggestion.
    CHECK(parse_json(parser, search("tipos de datos"))["suggestion"].is_null());
    // A real word in one talk is not corrected to a common word held by a few times as many
    // ("many" is said in one talk of data/, "any" in most).
    for (const char* word : {"many", "timer", "thread"}) {
        INFO(word);
        const auto found = parse_json(parser, search(word));
        CHECK(found["total"].get_uint64().value() >= 1);
        CHECK(found["suggestion"].is_null());
    }
}

// End-to-end tests of the fetcher: fetch_all against tests/support/http_fixture.py, a scripted
// server started as a real process on 127.0.0.1 (nothing else is ever contacted). The server's
// /log, read over a plain socket, shows what reached it and when.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "indexer/sources/fetch.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::fetch_all;
using talksearch::FetchOptions;
using talksearch::FetchResult;
using talksearch::test::BackgroundProcess;
using talksearch::test::FixtureServer;
using talksearch::test::Logged;
using talksearch::test::ServerLog;
using talksearch::test::TempDir;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMiB = 1u << 20;
constexpr const char* kLastModified = "Wed, 21 Oct 2015 07:28:00 GMT";

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Options for a server on 127.0.0.1 with short timeouts and quick retries.
FetchOptions local_options() {
    FetchOptions o;
    o.allow_private_addresses = true;
    o.connect_timeout_ms = 2000;
    o.total_timeout_ms = 10'000;
    o.low_speed_time_s = 5;
    o.backoff_initial_ms = 50;
    o.max_attempts = 2;
    o.user_agent = "talksearch-test";
    return o;
}

FetchResult fetch_one(const std::string& url, const FetchOptions& options) {
    std::vector<FetchResult> results = fetch_all({url}, options);
    REQUIRE(results.size() == 1);
    return std::move(results[0]);
}

// Peak resident memory of this process in bytes (VmHWM), after resetting the peak when the
// kernel allows it.
std::int64_t reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) * 1024;
    }
    return -1;
}

std::int64_t peak_rss() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmHWM:")) return std::stoll(line.substr(6)) * 1024;
    }
    return -1;
}

// A port on 127.0.0.1 where nothing listens (bound, then released).
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("fetch_all returns a 200 body, decodes gzip and sends the configured user agent",
          "[fetch][e2e]") {
    FixtureServer server;
    const auto results = fetch_all({server.url("/ok"), server.url("/gzip")}, local_options());
    REQUIRE(results.size() == 2);
    const FetchResult& ok = results[0];
    CHECK(ok.ok);
    CHECK(ok.error.empty());
    CHECK(ok.http_status == 200);
    CHECK(ok.body == "hello\n");
    CHECK(ok.attempts == 1);
    CHECK(ok.url == server.url("/ok"));
    CHECK(ok.final_url == server.url("/ok"));
    CHECK_FALSE(ok.from_cache);
    CHECK_FALSE(ok.stale);
    std::string expected;
    for (int i = 0; i < 100; ++i) expected += "gzip encoded body\n";
    CHECK(results[1].ok);
    CHECK(results[1].body == expected);

    const ServerLog log = server.log();
    REQUIRE(log.requests.size() == 2);
    for (const Logged& r : log.requests) {
        CHECK(r.user_agent == "talksearch-test");
        CHECK(r.accept_encoding.find("gzip") != std::string::npos);
        CHECK(r.if_none_match.empty());
    }
}

TEST_CASE("fetching a 500 fails as http 500 after a retry, with no body without a cache",
          "[fetch][e2e]") {
    FixtureServer server;
    const FetchResult r = fetch_one(server.url("/500"), local_options());
    CHECK_FALSE(r.ok);
    CHECK(r.error == "http 500");
    CHECK(r.http_status == 500);
    CHECK(r.attempts == 2);
    CHECK(r.body.empty());
    CHECK_FALSE(r.stale);
    CHECK(server.log().starting_with("/500").size() == 2);
}

TEST_CASE("fetching a 500 after a good fetch returns the last good cached copy, marked stale",
          "[fetch][e2e]") {
    FixtureServer server;
    TempDir cache;
    FetchOptions options = local_options();
    options.cache_dir = cache.path() / "cache";
    const FetchResult first = fetch_one(server.url("/ok-then-500"), options);
    REQUIRE(first.ok);
    CHECK(first.body == "good copy\n");
    CHECK(first.etag == "\"good\"");

    const FetchResult second = fetch_one(server.url("/ok-then-500"), options);
    CHECK(second.ok);
    CHECK(second.stale);
    CHECK(second.from_cache);
    CHECK_FALSE(second.not_modified);
    CHECK(second.error == "http 500");
    CHECK(second.http_status == 500);
    CHECK(second.attempts == 2);
    CHECK(second.body == "good copy\n");
    CHECK(second.etag == "\"good\"");
    const auto requests = server.log().starting_with("/ok-then-500");
    REQUIRE(requests.size() == 3);
    CHECK(requests[1].if_none_match == "\"good\"");
}

TEST_CASE(
    "fetching from a server that never answers times out within the total timeout plus a second",
    "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.total_timeout_ms = 1000;
    options.max_attempts = 1;
    const auto start = Clock::now();
    const FetchResult r = fetch_one(server.url("/hang"), options);
    const double elapsed = seconds_since(start);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "timed out after 1 s");
    CHECK(r.http_status == 0);
    CHECK(elapsed >= 0.9);
    CHECK(elapsed < 2.0);
}

TEST_CASE("fetch timeouts and refused connections are retried, a 404 is not", "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.total_timeout_ms = 500;
    options.backoff_initial_ms = 100;
    options.max_attempts = 3;
    const std::string refused = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
    const auto start = Clock::now();
    const auto results = fetch_all({server.url("/hang"), refused, server.url("/404")}, options);
    const double elapsed = seconds_since(start);
    REQUIRE(results.size() == 3);

    CHECK(results[0].error == "timed out after 0.5 s");
    CHECK(results[0].attempts == 3);
    CHECK(results[1].error.starts_with("cannot connect"));
    CHECK(results[1].attempts == 3);
    CHECK(results[2].error == "http 404");
    CHECK(results[2].http_status == 404);
    CHECK(results[2].attempts == 1);
    // Three 0.5 s timeouts and waits of 0.1 s and 0.2 s.
    CHECK(elapsed >= 1.7);
    CHECK(elapsed < 3.5);

    const ServerLog log = server.log();
    CHECK(log.starting_with("/hang").size() == 3);
    CHECK(log.starting_with("/404").size() == 1);
}

TEST_CASE(
    "fetching from a server that drips a byte every half second is aborted by the low-speed limit",
    "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.low_speed_bytes = 1024;
    options.low_speed_time_s = 1;
    options.total_timeout_ms = 20'000;
    options.max_attempts = 1;
    const auto start = Clock::now();
    const FetchResult r = fetch_one(server.url("/drip"), options);
    const double elapsed = seconds_since(start);
    CHECK_FALSE(r.ok);
    CHECK(r.error == "too slow: under 1024 bytes/s for 1 s");
    CHECK(r.http_status == 200);
    CHECK(r.body.empty());
    CHECK(elapsed >= 0.9);
    CHECK(elapsed < 2.5);  // LOW_SPEED_TIME + 1 s, and far below the total timeout
}

TEST_CASE("fetching a huge chunked body stops at the byte cap and memory stays bounded",
          "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.max_bytes = kMiB;
    const std::int64_t before = reset_peak_rss();
    const auto start = Clock::now();
    const FetchResult r = fetch_one(server.url("/huge-chunked"), options);
    const double elapsed = seconds_since(start);
    const std::int64_t growth = peak_rss() - before;
    CHECK_FALSE(r.ok);
    CHECK(r.error == "body over 1048576 bytes");
    CHECK(r.attempts == 1);
    CHECK(r.body.empty());
    CHECK(growth < std::int64_t{32} * static_cast<std::int64_t>(kMiB));  // the server sends 256 MiB
    CHECK(elapsed < 5.0);
}

TEST_CASE("fetching a huge body with a Content-Length is refused at the byte cap", "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.max_bytes = kMiB;
    const std::int64_t before = reset_peak_rss();
    const FetchResult r = fetch_one(server.url("/huge-length"), options);
    const std::int64_t growth = peak_rss() - before;
    CHECK_FALSE(r.ok);
    CHECK(r.error == "body over 1048576 bytes");
    CHECK(r.attempts == 1);
    CHECK(r.body.empty());
    CHECK(growth < std::int64_t{32} * static_cast<std::int64_t>(kMiB));
}

TEST_CASE("fetching a gzip bomb stops at the cap on decoded bytes", "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.max_bytes = kMiB;  // the bomb is about 64 KB on the wire, 64 MiB decoded
    const std::int64_t before = reset_peak_rss();
    const FetchResult r = fetch_one(server.url("/gzip-bomb"), options);
    const std::int64_t growth = peak_rss() - before;
    CHECK_FALSE(r.ok);
    CHECK(r.error == "body over 1048576 bytes");
    CHECK(r.attempts == 1);
    CHECK(growth < std::int64_t{32} * static_cast<std::int64_t>(kMiB));

    // With room for it, the same body decodes whole: the cap, nothing else, stopped it above.
    options.max_bytes = 65 * kMiB;
    const FetchResult whole = fetch_one(server.url("/gzip-bomb"), options);
    CHECK(whole.ok);
    CHECK(whole.body.size() == 64 * kMiB);
    CHECK(whole.body.find_first_not_of('\0') == std::string::npos);
}

TEST_CASE("fetch_all follows redirects up to max_redirects and fails a loop as too many redirects",
          "[fetch][e2e]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.max_redirects = 5;
    const auto results =
        fetch_all({server.url("/redirect-chain/5"), server.url("/redirect-chain/6"),
                   server.url("/redirect-loop/0")},
                  options);
    REQUIRE(results.size() == 3);
    CHECK(results[0].ok);
    CHECK(results[0].body == "end of chain\n");
    CHECK(results[0].final_url == server.url("/redirect-chain/0"));
    CHECK_FALSE(results[1].ok);
    CHECK(results[1].error == "too many redirects");
    CHECK_FALSE(results[2].ok);
    CHECK(results[2].error == "too many redirects");
    CHECK(results[2].attempts == 1);
    CHECK(results[2].http_status == 302);
    // The first request and five redirects followed, then curl stops.
    CHECK(server.log().starting_with("/redirect-loop/").size() == 6);
}

TEST_CASE("fetch redirects to file, ftp and gopher URLs fail as unsupported protocol",
          "[fetch][e2e]") {
    FixtureServer server;
    const auto results = fetch_all(
        {server.url("/redirect-file"), server.url("/redirect-ftp"), server.url("/redirect-gopher")},
        local_options());
    REQUIRE(results.size() == 3);
    for (const FetchResult& r : results) {
        INFO(r.url);
        CHECK_FALSE(r.ok);
        CHECK(r.error == "unsupported protocol");
        CHECK(r.http_status == 302);
        CHECK(r.attempts == 1);
        CHECK(r.body.empty());
    }
    CHECK(server.log().requests.size() == 3);  // no retries, and nothing else reached the server
}

TEST_CASE("the fetch SSRF guard refuses 127.0.0.1 in every spelling before any request is sent",
          "[fetch][e2e][ssrf]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.allow_private_addresses = false;
    const std::string port = ":" + std::to_string(server.port());
    const std::vector<std::string> urls = {
        "http://127.0.0.1" + port + "/ok",       "http://2130706433" + port + "/ok",
        "http://0x7f000001" + port + "/ok",      "http://0177.0.0.1" + port + "/ok",
        "http://127.1" + port + "/ok",           "http://[::ffff:127.0.0.1]" + port + "/ok",
        "http://localhost" + port + "/ok",       "https://127.0.0.1" + port + "/ok",
        "http://127.0.0.1" + port + "/redirect", "http://0x7f.0.0.1" + port + "/ok",
    };
    const auto results = fetch_all(urls, options);
    REQUIRE(results.size() == urls.size());
    for (const FetchResult& r : results) {
        INFO(r.url << ": " << r.error);
        CHECK_FALSE(r.ok);
        CHECK(r.error.starts_with("blocked address "));
        CHECK(r.attempts == 1);  // never retried
        CHECK(r.http_status == 0);
    }
    CHECK(results[0].error == "blocked address 127.0.0.1");
    CHECK(results[1].error == "blocked address 127.0.0.1");
    CHECK(results[5].error == "blocked address ::ffff:127.0.0.1");
    // Nothing reached the server: not a request, not even a connection (the guard runs before
    // the socket is opened).
    const ServerLog log = server.log();
    CHECK(log.requests.empty());
    CHECK(log.connections == 0);
}

TEST_CASE("the fetch SSRF guard checks every redirect target, also in a decimal spelling",
          "[fetch][e2e][ssrf]") {
    FixtureServer origin;
    FixtureServer target;
    FetchOptions options = local_options();
    options.allow_private_addresses = false;
    options.allowed_private = {"127.0.0.1:" + std::to_string(origin.port())};
    const std::string hop =
        origin.url("/redirect?to=http://2130706433:" + std::to_string(target.port()) + "/ok");
    const FetchResult blocked = fetch_one(hop, options);
    CHECK_FALSE(blocked.ok);
    // The hop named as libcurl holds it: its host already read as an address.
    CHECK(blocked.error == "blocked address 127.0.0.1 at redirect 1 to http://127.0.0.1:" +
                               std::to_string(target.port()) + "/ok");
    CHECK(blocked.http_status == 302);
    CHECK(blocked.attempts == 1);
    CHECK(origin.log().requests.size() == 1);
    const ServerLog target_log = target.log();
    CHECK(target_log.requests.empty());
    CHECK(target_log.connections == 0);

    // Allowing the target too lets the same redirect through: the guard, nothing else, stopped it.
    options.allowed_private.push_back("127.0.0.1:" + std::to_string(target.port()));
    const FetchResult allowed = fetch_one(hop, options);
    CHECK(allowed.ok);
    CHECK(allowed.body == "hello\n");
    CHECK(target.log().requests.size() == 1);
}

TEST_CASE(
    "a redirect to the cloud metadata address in any spelling is refused at that hop, also with "
    "private addresses allowed",
    "[fetch][e2e][ssrf]") {
    FixtureServer origin;
    FetchOptions options = local_options();
    options.allow_private_addresses = GENERATE(false, true);
    options.allowed_private = {"127.0.0.1"};
    // curl reads each of these as 169.254.169.254; the guard sees the address, not the text.
    const std::vector<std::string> hosts = {"169.254.169.254", "2852039166", "0xA9FEA9FE",
                                            "0251.0376.0251.0376", "[::ffff:169.254.169.254]"};
    std::vector<std::string> urls;
    for (const std::string& host : hosts) {
        urls.push_back(origin.url("/redirect?to=http://" + host + "/talksearch-ssrf-test/"));
    }
    const Clock::time_point start = Clock::now();
    const auto results = fetch_all(urls, options);
    REQUIRE(results.size() == urls.size());
    for (const FetchResult& r : results) {
        INFO("allow_private_addresses " << options.allow_private_addresses << ", " << r.url << ": "
                                        << r.error);
        CHECK_FALSE(r.ok);
        CHECK_THAT(r.error, Catch::StartsWith("blocked address "));
        CHECK_THAT(r.error, Catch::Contains("169.254.169.254 (link-local or metadata) at "
                                            "redirect 1 to http://"));
        CHECK_THAT(r.error, Catch::EndsWith("/talksearch-ssrf-test/"));
        CHECK(r.http_status == 302);
        CHECK(r.attempts == 1);  // a refusal is not retried
    }
    CHECK(results[1].error ==
          "blocked address 169.254.169.254 (link-local or metadata) at redirect 1 to "
          "http://169.254.169.254/talksearch-ssrf-test/");
    // Refused before any socket: no connect attempt ran into the 2 s connect timeout.
    CHECK(seconds_since(start) < 1.5);
    CHECK(origin.log().requests.size() == urls.size());
}

TEST_CASE("a refused redirect is reported without the credentials and query its Location held",
          "[fetch][e2e][ssrf]") {
    FixtureServer origin;
    FetchOptions options = local_options();
    options.allowed_private = {"127.0.0.1"};
    const FetchResult r = fetch_one(
        origin.url("/redirect?to=http://admin:s3cret@169.254.169.254/talksearch-ssrf-test/"
                   "?X-Amz-Signature=deadbeef"),
        options);
    CHECK_FALSE(r.ok);
    CHECK(r.error ==
          "blocked address 169.254.169.254 (link-local or metadata) at redirect 1 to "
          "http://169.254.169.254/talksearch-ssrf-test/");
    CHECK(r.error.find("s3cret") == std::string::npos);
    CHECK(r.error.find("deadbeef") == std::string::npos);
}

TEST_CASE("a redirect to a second loopback address connects only when allowed_private covers it",
          "[fetch][e2e][ssrf]") {
    FixtureServer origin;                          // 127.0.0.1
    FixtureServer target(false, "", "127.0.0.2");  // a second address of this machine
    FetchOptions options = local_options();
    options.allow_private_addresses = false;
    options.allowed_private = {"127.0.0.1"};
    const std::string hop = origin.url("/redirect?to=" + target.url("/ok"));
    const FetchResult refused = fetch_one(hop, options);
    CHECK_FALSE(refused.ok);
    CHECK(refused.error == "blocked address 127.0.0.2 at redirect 1 to " + target.url("/ok"));
    CHECK(refused.http_status == 302);
    const ServerLog untouched = target.log();
    CHECK(untouched.requests.empty());
    CHECK(untouched.connections == 0);

    // The same redirect goes through once the target's address is allowed, in each way the
    // guard knows: the refusal above was the guard's, made on the address connected to.
    SECTION("named by address") { options.allowed_private.push_back("127.0.0.2"); }
    SECTION("in a range") { options.allowed_private = {"127.0.0.0/30"}; }
    SECTION("by address and port") {
        options.allowed_private.push_back("127.0.0.2:" + std::to_string(target.port()));
    }
    SECTION("as a private address, all of which are allowed") {
        options.allowed_private.clear();
        options.allow_private_addresses = true;
    }
    const FetchResult allowed = fetch_one(hop, options);
    INFO(allowed.error);
    CHECK(allowed.ok);
    CHECK(allowed.body == "hello\n");
    CHECK(allowed.final_url == target.url("/ok"));
    CHECK(target.log().requests.size() == 1);
}

TEST_CASE("a second fetch sends the cached validators and a 304 returns the cached body",
          "[fetch][e2e][cache]") {
    FixtureServer server;
    TempDir tmp;
    FetchOptions options = local_options();
    options.cache_dir = tmp.path() / "cache";
    const std::vector<std::string> urls = {server.url("/etag"), server.url("/last-modified")};

    const auto first = fetch_all(urls, options);
    REQUIRE(first.size() == 2);
    CHECK(first[0].ok);
    CHECK(first[0].body == "etag body v1\n");
    CHECK(first[0].etag == "\"v1\"");
    CHECK(first[0].last_modified == kLastModified);
    CHECK_FALSE(first[0].from_cache);
    CHECK(first[1].body == "dated body\n");
    CHECK(first[1].etag.empty());
    // Per URL a body and a meta file named by a hash of the URL; no temporary files left.
    const std::vector<fs::path> files = files_in(options.cache_dir);
    REQUIRE(files.size() == 4);
    for (const fs::path& f : files) {
        INFO(f);
        CHECK(f.stem().string().size() == 16);
        CHECK((f.extension() == ".body" || f.extension() == ".meta"));
    }

    const auto second = fetch_all(urls, options);
    REQUIRE(second.size() == 2);
    for (const FetchResult& r : second) {
        INFO(r.url);
        CHECK(r.ok);
        CHECK(r.not_modified);
        CHECK(r.from_cache);
        CHECK_FALSE(r.stale);
        CHECK(r.http_status == 304);
        CHECK(r.error.empty());
        CHECK(r.cache_error.empty());
    }
    CHECK(second[0].body == "etag body v1\n");
    CHECK(second[0].etag == "\"v1\"");
    CHECK(second[1].body == "dated body\n");
    CHECK(second[1].last_modified == kLastModified);

    const ServerLog log = server.log();
    const auto etag = log.starting_with("/etag");
    REQUIRE(etag.size() == 2);
    CHECK(etag[0].if_none_match.empty());
    CHECK(etag[1].if_none_match == "\"v1\"");
    CHECK(etag[1].if_modified_since == kLastModified);
    const auto dated = log.starting_with("/last-modified");
    REQUIRE(dated.size() == 2);
    CHECK(dated[1].if_modified_since == kLastModified);
    CHECK(dated[1].if_none_match.empty());
}

TEST_CASE("a damaged cached copy is never served by fetch_all", "[fetch][e2e][cache]") {
    FixtureServer server;
    TempDir tmp;
    FetchOptions options = local_options();
    options.cache_dir = tmp.path() / "cache";
    REQUIRE(fetch_one(server.url("/etag"), options).ok);
    fs::path body;
    for (const fs::path& f : files_in(options.cache_dir)) {
        if (f.extension() == ".body") body = f;
    }
    REQUIRE(!body.empty());

    SECTION("a body of another size: the copy is ignored and no validator is sent") {
        talksearch::test::write_file(body, "short");
        const FetchResult r = fetch_one(server.url("/etag"), options);
        CHECK(r.ok);
        CHECK_FALSE(r.from_cache);
        CHECK(r.body == "etag body v1\n");
        CHECK(server.log().starting_with("/etag").back().if_none_match.empty());
    }
    SECTION("a body of the same size with other bytes: after the 304 it is fetched again") {
        talksearch::test::write_file(body, "etag body XX\n");
        const FetchResult r = fetch_one(server.url("/etag"), options);
        CHECK(r.ok);
        CHECK_FALSE(r.from_cache);
        CHECK(r.body == "etag body v1\n");
        CHECK(r.attempts == 2);
        CHECK(r.cache_error == "the cached copy is damaged");
        const auto requests = server.log().starting_with("/etag");
        REQUIRE(requests.size() == 3);
        CHECK(requests[1].if_none_match == "\"v1\"");
        CHECK(requests[2].if_none_match.empty());
    }
    // Either way the cache holds the good copy again.
    const FetchResult again = fetch_one(server.url("/etag"), options);
    CHECK(again.not_modified);
    CHECK(again.body == "etag body v1\n");
}

TEST_CASE("fetching 503, 503, 200 succeeds on the third attempt after backoffs of 1 s and 2 s",
          "[fetch][e2e][retry]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.backoff_initial_ms = 1000;
    options.max_attempts = 4;
    const FetchResult r = fetch_one(server.url("/flaky-503"), options);
    CHECK(r.ok);
    CHECK(r.error.empty());
    CHECK(r.body == "finally\n");
    CHECK(r.attempts == 3);
    const auto requests = server.log().starting_with("/flaky-503");
    REQUIRE(requests.size() == 3);
    const double first_gap = requests[1].time - requests[0].time;
    const double second_gap = requests[2].time - requests[1].time;
    CHECK(first_gap >= 0.95);
    CHECK(first_gap < 1.4);
    CHECK(second_gap >= 1.95);
    CHECK(second_gap < 2.4);
}

TEST_CASE("fetch_all retries a 429 after its Retry-After, in seconds or as a date, capped",
          "[fetch][e2e][retry]") {
    FixtureServer server;
    FetchOptions options = local_options();
    options.backoff_initial_ms = 50;  // far shorter than what the server asks for
    options.max_retry_after_ms = 30'000;
    const auto results = fetch_all(
        {server.url("/429-retry-after?after=1"), server.url("/429-retry-after-date?after=2")},
        options);
    options.max_retry_after_ms = 300;
    const FetchResult capped = fetch_one(server.url("/429-retry-after?after=3600"), options);
    REQUIRE(results.size() == 2);
    for (const FetchResult& r : results) {
        INFO(r.url);
        CHECK(r.ok);
        CHECK(r.attempts == 2);
        CHECK(r.body == "thanks for waiting\n");
    }
    CHECK(capped.ok);
    CHECK(capped.attempts == 2);

    const ServerLog log = server.log();
    auto gap = [&log](const std::string& path) {
        const auto requests = log.starting_with(path);
        REQUIRE(requests.size() == 2);
        return requests[1].time - requests[0].time;
    };
    const double seconds = gap("/429-retry-after?after=1");
    CHECK(seconds >= 0.95);
    CHECK(seconds < 1.4);
    const double date = gap("/429-retry-after-date?after=2");  // a date has whole seconds
    CHECK(date >= 0.9);
    CHECK(date < 2.5);
    const double cap = gap("/429-retry-after?after=3600");
    CHECK(cap >= 0.28);
    CHECK(cap < 0.7);
}

TEST_CASE("several URLs are fetched in parallel, never more than options.parallel at a time",
          "[fetch][e2e]") {
    FetchOptions options = local_options();
    std::vector<std::string> urls;
    SECTION("three at a time") {
        FixtureServer server;
        for (int i = 0; i < 6; ++i)
            urls.push_back(server.url("/delay?ms=400&id=" + std::to_string(i)));
        options.parallel = 3;
        const auto start = Clock::now();
        const auto results = fetch_all(urls, options);
        const double elapsed = seconds_since(start);
        REQUIRE(results.size() == 6);
        for (std::size_t i = 0; i < results.size(); ++i) {
            CHECK(results[i].ok);
            CHECK(results[i].url == urls[i]);
            CHECK(results[i].body == "delayed 400\n");
        }
        CHECK(elapsed >= 0.75);
        CHECK(elapsed < 1.6);  // one at a time would take 2.4 s
        CHECK(server.log().max_in_flight == 3);
    }
    SECTION("one at a time") {
        FixtureServer server;
        for (int i = 0; i < 3; ++i)
            urls.push_back(server.url("/delay?ms=100&id=" + std::to_string(i)));
        options.parallel = 1;
        const auto results = fetch_all(urls, options);
        for (const FetchResult& r : results) CHECK(r.ok);
        CHECK(server.log().max_in_flight == 1);
    }
}

TEST_CASE("fetching from an https server with a self-signed certificate is refused, not retried",
          "[fetch][e2e][tls]") {
    FixtureServer server(/*tls=*/true);
    FetchOptions options = local_options();
    options.max_attempts = 3;
    const FetchResult r =
        fetch_one("https://127.0.0.1:" + std::to_string(server.port()) + "/ok", options);
    CHECK_FALSE(r.ok);
    INFO(r.error);
    CHECK(r.error.starts_with("tls: "));
    CHECK(r.error.find("certificate") != std::string::npos);
    CHECK(r.attempts == 1);
    CHECK(r.body.empty());
}

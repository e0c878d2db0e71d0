// Unit tests of the fetcher's guards: no network traffic at all (the transfers themselves are
// tested against a local server in tests/e2e/fetch_e2e_test.cpp).
#include "indexer/sources/fetch.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.h"
#include "indexer/sources/fetch_guard.h"

using talksearch::check_url;
using talksearch::fetch_all;
using talksearch::FetchOptions;
using talksearch::is_blocked_address;

TEST_CASE(
    "is_blocked_address refuses loopback, private and link-local IPv4 addresses to fetch from",
    "[fetch][ssrf]") {
    for (const char* ip :
         {"127.0.0.1",       "127.255.255.254", "10.0.0.1",        "10.255.255.255",  "172.16.0.1",
          "172.31.255.255",  "192.168.0.1",     "192.168.255.255", "169.254.169.254", "169.254.0.1",
          "100.64.0.1",      "100.127.255.255", "0.0.0.0",         "0.1.2.3",         "224.0.0.1",
          "239.255.255.250", "240.0.0.1",       "255.255.255.255", "198.18.0.1",      "192.0.0.8",
          "192.0.2.1"}) {
        INFO(ip);
        CHECK(is_blocked_address(ip));
    }
}

TEST_CASE(
    "is_blocked_address lets public IPv4 addresses through to fetch, also at the ranges' edges",
    "[fetch][ssrf]") {
    for (const char* ip : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.0",
                           "100.63.255.255", "100.128.0.0", "169.253.255.255", "11.0.0.0",
                           "192.169.0.0", "126.255.255.255", "128.0.0.0", "223.255.255.255"}) {
        INFO(ip);
        CHECK_FALSE(is_blocked_address(ip));
    }
}

TEST_CASE("is_blocked_address reads decimal, hex, octal and short IPv4 spellings of a fetch target",
          "[fetch][ssrf]") {
    for (const char* ip :
         {"2130706433", "0x7f000001", "0x7F.0.0.1", "0177.0.0.1", "0177.1", "127.1", "017700000001",
          "0x7f.1", "0xa9.0xfe.0xa9.0xfe", "3232235521", "0"}) {
        INFO(ip);
        CHECK(is_blocked_address(ip));
    }
    // The same spellings of a public address are not blocked: the check reads, not pattern-matches.
    for (const char* ip : {"134744072", "0x08080808", "010.010.010.010"}) {
        INFO(ip);
        CHECK_FALSE(is_blocked_address(ip));
    }
}

TEST_CASE("is_blocked_address refuses internal IPv6 fetch targets and IPv4 hidden inside IPv6",
          "[fetch][ssrf]") {
    for (const char* ip : {"::1",
                           "::",
                           "[::1]",
                           "0:0:0:0:0:0:0:1",
                           "::ffff:127.0.0.1",
                           "::ffff:7f00:1",
                           "[::ffff:127.0.0.1]",
                           "::ffff:10.0.0.1",
                           "::ffff:169.254.169.254",
                           "::ffff:0.0.0.0",
                           "::127.0.0.1",
                           "::ffff:0:127.0.0.1",
                           "64:ff9b::127.0.0.1",
                           "64:ff9b::a9fe:a9fe",
                           "2002:7f00:1::",
                           "2002:c0a8:101::1",
                           "fe80::1",
                           "fe80::1%eth0",
                           "febf::1",
                           "fc00::1",
                           "fd12:3456:789a::1",
                           "ff02::1",
                           "ff05::2",
                           "fec0::1",
                           "2001:db8::1",
                           "100::1"}) {
        INFO(ip);
        CHECK(is_blocked_address(ip));
    }
    for (const char* ip : {"2606:4700:4700::1111", "2001:4860:4860::8888", "::ffff:8.8.8.8",
                           "64:ff9b::808:808", "2002:808:808::1", "2a00:1450:4001::1"}) {
        INFO(ip);
        CHECK_FALSE(is_blocked_address(ip));
    }
}

TEST_CASE("is_blocked_address blocks a fetch target that is not a numeric address",
          "[fetch][ssrf]") {
    for (const char* ip : {"", "localhost", "example.org", "127.0.0.1 ", " 8.8.8.8", "1.2.3.4.5",
                           "::g", "[::1", "8.8.8.8:80", "0x", "999.1.1.1"}) {
        INFO('"' << ip << '"');
        CHECK(is_blocked_address(ip));
    }
}

namespace {

// The guard's decision for a connection to ip:port (numeric, as libcurl reports it).
bool may_connect(const std::string& ip, bool allow_private,
                 const std::vector<std::string>& allowed_private, long port = 80) {
    return talksearch::connection_allowed(ip, port, allow_private,
                                          talksearch::parse_allowed(allowed_private));
}

}  // namespace

TEST_CASE(
    "with private addresses allowed the fetch guard still refuses link-local and metadata "
    "addresses",
    "[fetch][ssrf]") {
    for (const char* ip : {"10.0.0.5", "127.0.0.1", "192.168.1.1", "fd12:3456::1", "::1",
                           "100.64.0.1", "8.8.8.8", "::ffff:10.0.0.5"}) {
        INFO(ip);
        CHECK(may_connect(ip, true, {}));
    }
    for (const char* ip :
         {"169.254.169.254", "169.254.0.1", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe",
          "::169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1", "fe80::1", "febf::1",
          "fd00:ec2::254", "100.100.100.200", "168.63.129.16", "192.0.0.192"}) {
        INFO(ip);
        CHECK_FALSE(may_connect(ip, true, {}));
        CHECK_FALSE(may_connect(ip, false, {}));
    }
}

TEST_CASE("a link-local or metadata address is fetched from only when allowed_private names it",
          "[fetch][ssrf]") {
    const bool allow_private = GENERATE(false, true);
    INFO("allow_private_addresses " << allow_private);
    // A range never opens them, however wide.
    const std::vector<std::string> ranges = {"169.254.0.0/16", "0.0.0.0/0",     "::/0",
                                             "fe80::/10",      "::ffff:0:0/96", "100.64.0.0/10"};
    for (const char* ip : {"169.254.169.254", "fe80::1", "fd00:ec2::254", "100.100.100.200"}) {
        INFO(ip);
        CHECK_FALSE(may_connect(ip, allow_private, ranges));
        CHECK(may_connect(ip, allow_private, {ip}));
    }
    // The address in either notation, and with a port when the entry names one.
    CHECK(may_connect("::ffff:169.254.169.254", allow_private, {"169.254.169.254"}));
    CHECK(may_connect("169.254.169.254", allow_private, {"::ffff:169.254.169.254"}));
    CHECK_FALSE(may_connect("169.254.169.253", allow_private, {"169.254.169.254"}));
    CHECK(may_connect("169.254.169.254", allow_private, {"169.254.169.254:80"}, 80));
    CHECK_FALSE(may_connect("169.254.169.254", allow_private, {"169.254.169.254:80"}, 8080));
}

TEST_CASE("allowed_private ranges let the fetch guard connect to the private addresses they cover",
          "[fetch][ssrf]") {
    CHECK(may_connect("10.1.2.3", false, {"10.0.0.0/8"}));
    CHECK(may_connect("::ffff:10.1.2.3", false, {"10.0.0.0/8"}));
    CHECK_FALSE(may_connect("172.16.0.1", false, {"10.0.0.0/8"}));
    CHECK(may_connect("fd12::1", false, {"fd00::/8"}));
    CHECK_FALSE(may_connect("fc00::1", false, {"fd00::/8"}));
    CHECK(may_connect("127.0.0.1", false, {"127.0.0.1"}));
    CHECK_FALSE(may_connect("127.0.0.2", false, {"127.0.0.1"}));
    CHECK(may_connect("127.0.0.2", false, {"127.0.0.0/30"}));
    CHECK_FALSE(may_connect("127.0.0.4", false, {"127.0.0.0/30"}));
    CHECK(may_connect("8.8.8.8", false, {}));           // public addresses need no entry
    CHECK_FALSE(may_connect("", true, {"0.0.0.0/0"}));  // an address libcurl did not report
}

TEST_CASE("check_url accepts http and https URLs with a host to fetch", "[fetch][url]") {
    for (const char* url :
         {"http://example.org/", "https://example.org/talks.json",
          "HTTPS://Example.org:8443/a?b=c#d", "http://127.0.0.1:8080/x", "http://[::1]:80/",
          "https://example.org", "https://pyvideo.org/events/pycon-us-2019.json?x=%20y"}) {
        INFO(url);
        CHECK(check_url(url) == std::nullopt);
    }
}

TEST_CASE("check_url refuses to fetch from any scheme but http and https", "[fetch][url]") {
    for (const char* url :
         {"file:///etc/passwd", "file://localhost/etc/passwd", "ftp://example.org/x",
          "ftps://example.org/x", "dict://127.0.0.1:11211/stat", "gopher://127.0.0.1:6379/_x",
          "ldap://example.org", "smb://host/share", "scp://host/x", "telnet://host",
          "javascript:alert(1)", "data:text/plain,hi", "example.org/x", "//example.org/x",
          "http:/example.org/x", "http:example.org", "httpx://example.org"}) {
        INFO(url);
        const auto error = check_url(url);
        REQUIRE(error.has_value());
        CHECK(*error == "not an http or https URL");
    }
}

TEST_CASE("check_url refuses a fetch URL with CR, LF, other control characters or spaces",
          "[fetch][url]") {
    CHECK(check_url("http://example.org/\r\nX-Injected: 1") == "CR or LF in URL");
    CHECK(check_url("http://example.org/a\nb") == "CR or LF in URL");
    CHECK(check_url("http://example.org/a\rb") == "CR or LF in URL");
    CHECK(check_url(std::string("http://example.org/a\0b", 22)) == "control character in URL");
    CHECK(check_url("http://example.org/a\tb") == "control character in URL");
    CHECK(check_url("http://example.org/a\x7f") == "control character in URL");
    CHECK(check_url("http://example.org/a b") == "space in URL");
}

TEST_CASE("check_url refuses credentials in a fetch URL", "[fetch][url]") {
    for (const char* url : {"http://user:secret@example.org/", "https://user@example.org/",
                            "http://:secret@example.org/", "http://@example.org/",
                            "http://example.org@127.0.0.1/", "https://a%40b:c@example.org/"}) {
        INFO(url);
        CHECK(check_url(url) == "credentials in URL");
    }
}

TEST_CASE("check_url refuses a fetch URL without a host", "[fetch][url]") {
    for (const char* url :
         {"http://", "https://", "http:///path", "http://:80/", "https://?q", "http://#x"}) {
        INFO(url);
        CHECK(check_url(url) == "no host in URL");
    }
    CHECK(check_url("") == "empty URL");
    CHECK(check_url("http://example.org/" + std::string(9000, 'a')) ==
          "URL longer than 8192 bytes");
    const auto bad_port = check_url("http://example.org:99999/");
    REQUIRE(bad_port.has_value());
    CHECK(bad_port->starts_with("malformed URL"));
}

TEST_CASE("fetch_all refuses a bad URL without any request and reports why", "[fetch][url]") {
    FetchOptions options;
    const auto results = fetch_all(
        {"file:///etc/passwd", "dict://127.0.0.1:11211/", "http://u:p@example.org/"}, options);
    REQUIRE(results.size() == 3);
    CHECK(results[0].error == "not an http or https URL");
    CHECK(results[1].error == "not an http or https URL");
    CHECK(results[2].error == "credentials in URL");
    for (const auto& r : results) {
        CHECK_FALSE(r.ok);
        CHECK(r.attempts == 0);
        CHECK(r.body.empty());
        CHECK(r.final_url.empty());
    }
    CHECK(fetch_all({}, options).empty());
}

TEST_CASE("fetch_all throws for a user agent with CR or LF, and for a bad allowed address",
          "[fetch][url]") {
    FetchOptions options;
    options.user_agent = "talksearch\r\nX-Injected: 1";
    CHECK_THROWS_AS(fetch_all({"http://example.org/"}, options), talksearch::Error);
    options.user_agent = "talksearch";
    options.allowed_private = {"localhost"};
    CHECK_THROWS_AS(fetch_all({"http://example.org/"}, options), talksearch::Error);
    options.allowed_private = {"127.0.0.1:port"};
    CHECK_THROWS_AS(fetch_all({"http://example.org/"}, options), talksearch::Error);
}

TEST_CASE("the fetcher never turns TLS verification off", "[fetch][tls]") {
    // A lint as a test: no source of the fetcher names the options that disable verification.
    for (const char* file :
         {"indexer/sources/fetch.cpp", "indexer/sources/fetch.h", "indexer/sources/fetch_cache.cpp",
          "indexer/sources/fetch_cache.h", "indexer/sources/fetch_curl.h",
          "indexer/sources/fetch_guard.cpp", "indexer/sources/fetch_guard.h"}) {
        std::ifstream in(std::string(TALKSEARCH_SOURCE_DIR) + "/" + file);
        REQUIRE(in);
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        INFO(file);
        CHECK(text.find("SSL_VERIFYPEER") == std::string::npos);
        CHECK(text.find("SSL_VERIFYHOST") == std::string::npos);
        CHECK(text.find("PROXY_SSL_VERIFY") == std::string::npos);
        CHECK(text.find("CURLOPT_SSL_OPTIONS") == std::string::npos);
    }
}

// Tests of the sources file that cron runs read.
#include "indexer/sources/config.h"

#include <catch2/catch.hpp>

#include "core/error.h"

using namespace talksearch;
namespace fs = std::filesystem;

TEST_CASE("the shipped example sources file parses", "[config]") {
    const Config c =
        load_config(fs::path(TALKSEARCH_SOURCE_DIR) / "docs" / "examples" / "sources.json");
    REQUIRE(c.index);
    CHECK(*c.index == "/var/lib/talksearch/index");
    CHECK(c.talk_roots == std::vector<fs::path>{"/srv/talksearch/pyvideo-data"});
    CHECK(c.ytdlp_roots.size() == 1);
    REQUIRE(c.urls.size() == 4);
    CHECK(c.urls[2].kind == "captions");
    CHECK(c.urls[2].talk == "pycon-us-2024/keynote");
    CHECK(c.fetch.parallel == 4u);
    CHECK(c.fetch.allow_private_addresses == false);
    CHECK(c.fetch.allowed_private.empty());
}

TEST_CASE("relative paths in a sources file are relative to its folder", "[config]") {
    const Config c = parse_config(
        R"({"index": "idx", "sources": [{"type": "captions", "path": "../caps"}]})", "/etc/ts");
    CHECK(*c.index == "/etc/ts/idx");
    CHECK(c.caption_roots == std::vector<fs::path>{"/etc/caps"});
}

namespace {

// The message parse_config throws for `json`, or "no error".
std::string error_of(const std::string& json) {
    try {
        parse_config(json, "/");
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return "no error";
}

}  // namespace

TEST_CASE("a sources file with a typo, a bad URL or a wrong type names the field", "[config]") {
    CHECK(error_of(R"({"sources": [], "indx": "x"})") == "indx: unknown key");
    CHECK(error_of(R"({"sources": [{"type": "pyvideo", "pth": "x"}]})") ==
          "sources[0].pth: unknown key");
    CHECK_THAT(
        error_of(R"({"sources": [{"type": "url", "kind": "talk", "url": "file:///etc/passwd"}]})"),
        Catch::StartsWith("sources[0].url: only http and https"));
    CHECK_THAT(
        error_of(R"({"sources": [{"type": "url", "kind": "talk", "url": "http://a/\r\nX: y"}]})"),
        Catch::StartsWith("sources[0].url: control characters"));
    CHECK_THAT(error_of(R"({"sources": [{"type": "url", "kind": "video", "url": "http://a/b"}]})"),
               Catch::StartsWith("sources[0].kind: expected talk, category, captions or manifest"));
    CHECK_THAT(error_of(R"({"sources": [{"type": "ftp", "path": "x"}]})"),
               Catch::StartsWith("sources[0].type: expected pyvideo"));
    CHECK(error_of(R"({"sources": [], "fetch": {"parallel": 0}})") ==
          "fetch.parallel: expected a positive integer");
    CHECK(error_of(R"({"sources": {}})") == "sources: expected an array");
    CHECK_THAT(error_of("{\"sources\": [}"), Catch::StartsWith("invalid JSON"));
}

TEST_CASE("a sources file allows private addresses and ranges in fetch.allowed_private",
          "[config][ssrf]") {
    const Config c = parse_config(R"({"sources": [], "fetch": {"allowed_private": [
        "10.0.0.5", "127.0.0.1:8080", "[::1]:8080", "192.168.0.0/16", "fd00::/8",
        "169.254.169.254"]}})",
                                  "/");
    CHECK(c.fetch.allowed_private == std::vector<std::string>{"10.0.0.5", "127.0.0.1:8080",
                                                              "[::1]:8080", "192.168.0.0/16",
                                                              "fd00::/8", "169.254.169.254"});
}

TEST_CASE("a bad fetch.allowed_private entry in a sources file is named with its index",
          "[config][ssrf]") {
    auto fetch = [](const std::string& list) {
        return error_of(R"({"sources": [], "fetch": {"allowed_private": )" + list + "}}");
    };
    CHECK(fetch(R"("10.0.0.5")") == "fetch.allowed_private: expected an array of addresses");
    CHECK(fetch(R"(["10.0.0.5", "intranet.example"])") ==
          "fetch.allowed_private[1]: not a numeric address or range: intranet.example");
    // Only the plain notations: a config says which address it means in one way.
    CHECK(fetch(R"(["2852039166"])") ==
          "fetch.allowed_private[0]: not a numeric address or range: 2852039166");
    CHECK(fetch(R"(["10.0.0.0/33"])") ==
          "fetch.allowed_private[0]: bad prefix length: 10.0.0.0/33");
    CHECK(fetch(R"(["10.0.0.1/8"])") ==
          "fetch.allowed_private[0]: bits set after the prefix (10.0.0.0/8?): 10.0.0.1/8");
    CHECK(fetch(R"(["127.0.0.1:http"])") == "fetch.allowed_private[0]: bad port: 127.0.0.1:http");
    CHECK(fetch(R"(["127.0.0.1:0"])") ==
          "fetch.allowed_private[0]: port out of 1-65535: 127.0.0.1:0");
    CHECK(fetch(R"(["[::1]:65536"])") ==
          "fetch.allowed_private[0]: port out of 1-65535: [::1]:65536");
    CHECK(fetch(R"([5])") == "fetch.allowed_private[0]: expected a string");
}

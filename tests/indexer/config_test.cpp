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
}

TEST_CASE("relative paths in a sources file are relative to its folder", "[config]") {
    const Config c = parse_config(
        R"({"index": "idx", "sources": [{"type": "captions", "path": "../caps"}]})", "/etc/ts");
    CHECK(*c.index == "/etc/ts/idx");
    CHECK(c.caption_roots == std::vector<fs::path>{"/etc/caps"});
}

TEST_CASE("a sources file with a typo, a bad URL or a wrong type names the field", "[config]") {
    auto error_of = [](const std::string& json) {
        try {
            parse_config(json, "/");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
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

// Remote sources end to end: talk, category, caption and manifest URLs served
// by a local HTTP server on 127.0.0.1 (tests/support/http_fixture.py --root),
// indexed with build and kept in step with update.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "indexer/sources/fetch.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

struct Site {
    TempDir tmp;
    fs::path www, index, config, report;
    std::unique_ptr<BackgroundProcess> server;
    std::string base;

    Site() {
        www = tmp.path() / "www";
        fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data", www, fs::copy_options::recursive);
        server = std::make_unique<BackgroundProcess>(
            std::vector<std::string>{TALKSEARCH_PYTHON3, TALKSEARCH_HTTP_FIXTURE, "--port", "0",
                                     "--lifetime", "120", "--root", www.string()});
        base = "http://127.0.0.1:" + server->first_line() + "/files/";
        talksearch::test::write_file(
            www / "list.json",
            R"({"talks": [")" + base +
                R"(talks/lakeshore-pyconf-2017/videos/decorators-from-the-ground-up.json"],
                "captions": [{"url": ")" +
                base + R"(captions/dCr8Gr0unD1.en.vtt",
                "talk": "lakeshore-pyconf-2017/decorators-from-the-ground-up"}]})");
        index = tmp.path() / "index";
        report = tmp.path() / "report.json";
        config = tmp.path() / "sources.json";
        write_config(R"("allow_private_addresses": true)");
    }

    // `guard`: the SSRF guard's keys of "fetch"; `more`: sources put first, each with a comma.
    void write_config(const std::string& guard, const std::string& more = "") {
        const std::string v = base + "talks/pycon-valdoria-2019/";
        talksearch::test::write_file(config, R"({"index": "index", "sources": [)" + more + R"(
              {"type": "url", "kind": "talk", "url": ")" +
                                                 v + R"(videos/pytest-beyond-assert.json"},
              {"type": "url", "kind": "talk", "url": ")" +
                                                 v + R"(videos/async-await-without-tears.json"},
              {"type": "url", "kind": "category", "url": ")" +
                                                 v + R"(category.json"},
              {"type": "url", "kind": "captions", "url": ")" +
                                                 base + R"(captions/tStX-3fxR8u.en.srt",
               "talk": "pycon-valdoria-2019/pytest-beyond-assert", "language": "en"},
              {"type": "url", "kind": "captions", "url": ")" +
                                                 base + R"(captions/aW4t_sYnc9Q.en.vtt",
               "talk": "pycon-valdoria-2019/async-await-without-tears"},
              {"type": "url", "kind": "manifest", "url": ")" +
                                                 base + R"(list.json"}],
              "fetch": {"attempts": 1, "timeout_seconds": 5, )" +
                                                 guard + "}}");
    }

    ProcessResult run(const std::string& command) {
        return run_process({TALKSEARCH_INDEX_BIN, command, "--config", config.string(), "--report",
                            report.string(), "--verbose"});
    }

    std::map<std::string, std::int64_t> counts() {
        simdjson::dom::parser parser;
        simdjson::dom::element doc = parser.load(report.string());
        std::map<std::string, std::int64_t> out;
        for (const char* k : {"added", "replaced", "deleted", "unchanged", "talks"})
            out[k] = doc[k].get_int64();
        out["fetch_errors"] = static_cast<std::int64_t>(doc["fetch_errors"].get_array().size());
        return out;
    }

    ProcessResult query(const std::string& q) {
        return run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(), q});
    }
};

}  // namespace

TEST_CASE("talks and captions fetched from URLs are indexed and kept in step by update",
          "[e2e][remote]") {
    Site site;
    const ProcessResult built = site.run("build");
    INFO(built.err);
    REQUIRE(built.exit_code == 0);
    CHECK(site.counts()["talks"] == 3);
    // The caption URL's cue, with the second in the link, and the category's title.
    const ProcessResult fixtures = site.query("fixtures");
    CHECK_THAT(fixtures.out, Catch::Contains("pytest Beyond assert"));
    CHECK_THAT(fixtures.out, Catch::Contains("PyCon Valdoria 2019"));
    CHECK_THAT(fixtures.out, Catch::Contains("https://www.youtube.com/watch?v=tStX-3fxR8u&t="));
    CHECK_THAT(site.query("decorators").out, Catch::Contains("Decorators from the Ground Up"));

    SECTION("an unchanged re-run sends the validators, gets 304s and changes nothing") {
        const ProcessResult r = site.run("update");
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("no change: unchanged 3 talks"));
        // The server's log: the second run's requests carried the ETags it had sent.
        talksearch::FetchOptions o;
        o.allow_private_addresses = true;
        const auto log = talksearch::fetch_all({site.base + "../log"}, o);
        REQUIRE(log[0].ok);
        simdjson::dom::parser parser;
        std::size_t conditional = 0;
        for (simdjson::dom::element req : parser.parse(log[0].body)["requests"].get_array()) {
            if (req["if_none_match"].is_string()) ++conditional;
        }
        CHECK(conditional == 8);
    }
    SECTION("a changed talk file and a changed caption file are replaced, nothing else") {
        const fs::path talk =
            site.www / "talks/pycon-valdoria-2019/videos/pytest-beyond-assert.json";
        std::string json = talksearch::test::slurp(talk);
        json.replace(json.find("pytest Beyond assert"), 20, "pytest Beyond assert, fetched");
        talksearch::test::write_file(talk, json);
        std::ofstream(site.www / "captions/aW4t_sYnc9Q.en.vtt", std::ios::app)
            << "\n00:09:00.000 --> 00:09:03.000\nA remote remark about quokkas.\n";
        REQUIRE(site.run("update").exit_code == 0);
        CHECK(site.counts() == std::map<std::string, std::int64_t>{{"added", 0},
                                                                   {"replaced", 2},
                                                                   {"deleted", 0},
                                                                   {"unchanged", 1},
                                                                   {"talks", 3},
                                                                   {"fetch_errors", 0}});
        CHECK_THAT(site.query("quokkas").out, Catch::Contains("9:0"));
        CHECK_THAT(site.query("fetched").out, Catch::Contains("pytest Beyond assert, fetched"));
    }
    SECTION("a server error keeps the last good copy and the talk") {
        talksearch::test::write_file(
            site.www / "talks/pycon-valdoria-2019/videos/pytest-beyond-assert.json.fail", "");
        const ProcessResult r = site.run("update");
        CHECK(r.exit_code == 0);  // a warning: the cached copy was used
        CHECK_THAT(
            r.err,
            Catch::Contains(
                "pytest-beyond-assert.json: warning: http 500 (the last good copy was used)"));
        CHECK(site.counts()["fetch_errors"] == 1);
        CHECK(site.counts()["unchanged"] == 3);
        CHECK_THAT(site.query("fixtures").out, Catch::Contains("pytest Beyond assert"));
    }
    SECTION("a talk dropped from the manifest of URLs is deleted") {
        talksearch::test::write_file(site.www / "list.json", R"({"talks": []})");
        REQUIRE(site.run("update").exit_code == 0);
        CHECK(site.counts()["deleted"] == 1);
        CHECK(site.query("\"ground up\"").exit_code == 1);
    }
    SECTION("with the address guard on, loopback is refused and the cached copies are kept") {
        site.write_config(R"("allow_private_addresses": false)");
        const ProcessResult r = site.run("update");
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.err, Catch::Contains("blocked address 127.0.0.1"));
        CHECK(site.counts()["fetch_errors"] == 8);  // 6 in the config, 2 in the manifest
        CHECK(site.counts()["talks"] == 3);
    }
}

TEST_CASE(
    "a source redirecting to the cloud metadata address fails alone with the refused hop "
    "reported, while the sources file allows 127.0.0.1",
    "[e2e][remote][ssrf]") {
    Site site;
    const std::string origin =
        site.base.substr(0, site.base.size() - std::string("/files/").size());
    auto redirecting_to = [&origin](const std::string& target) {
        return R"({"type": "url", "kind": "captions", "url": ")" + origin +
               "/redirect?to=" + target + R"("},)";
    };
    const std::string allow_private = GENERATE("false", "true");
    site.write_config(
        R"("allowed_private": ["127.0.0.1"], "allow_private_addresses": )" + allow_private,
        redirecting_to("http://169.254.169.254/talksearch-ssrf-test/") +
            redirecting_to("http://2852039166/talksearch-ssrf-test/"));
    const ProcessResult r = site.run("build");
    INFO("allow_private_addresses " << allow_private << "\n" << r.err);
    CHECK(r.exit_code == 1);  // a source was skipped, the others indexed
    const std::string refusal =
        "blocked address 169.254.169.254 (link-local or metadata) at redirect 1 to "
        "http://169.254.169.254/talksearch-ssrf-test/";
    CHECK_THAT(r.err,
               Catch::Contains(origin + "/redirect?to=http://2852039166/talksearch-ssrf-test/"));
    CHECK_THAT(r.err, Catch::Contains(refusal));

    simdjson::dom::parser parser;
    const simdjson::dom::element report = parser.load(site.report.string());
    std::vector<std::string> errors;
    for (simdjson::dom::element e : report["fetch_errors"].get_array()) {
        errors.emplace_back(std::string_view(e["error"].get_string()));
    }
    CHECK(errors == std::vector<std::string>{refusal, refusal});
    CHECK(site.counts()["talks"] == 3);
    CHECK_THAT(site.query("fixtures").out, Catch::Contains("pytest Beyond assert"));
}

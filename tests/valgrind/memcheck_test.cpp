// valgrind memcheck over a small end-to-end run (label `valgrind`; row B12 of the reliability
// matrix): the real binaries build, update and search an index of 200 synthetic talks and the
// sample corpus, and serve HTTP on 127.0.0.1, each under memcheck, which must report 0 errors
// and no definitely lost block. Skipped in the sanitizer build (valgrind cannot run ASan code).
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/http.h"
#include "tests/support/process.h"
#include "tests/support/synthetic_corpus.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::HttpClient;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::slurp;
using talksearch::test::SyntheticCorpus;
using talksearch::test::TempDir;

namespace {

const char* const kValgrind = "/usr/bin/valgrind";

/// memcheck's arguments: a definitely lost block is an error, and any error exits 99.
std::vector<std::string> memcheck(const fs::path& log) {
    return {kValgrind,
            "--tool=memcheck",
            "--error-exitcode=99",
            "--leak-check=full",
            "--show-leak-kinds=definite",
            "--errors-for-leak-kinds=definite",
            "--num-callers=30",
            "--suppressions=" TALKSEARCH_SOURCE_DIR "/tests/sanitizers/valgrind.supp",
            "--log-file=" + log.string()};
}

/// Checks a memcheck log: "ERROR SUMMARY: 0 errors", and no definitely lost bytes.
void check_clean(const fs::path& log) {
    const std::string text = slurp(log);
    INFO(log.filename().string() << ":\n" << text);
    CHECK(text.find("ERROR SUMMARY: 0 errors from 0 contexts") != std::string::npos);
    std::smatch lost;
    if (std::regex_search(text, lost, std::regex(R"(definitely lost: ([0-9,]+) bytes)"))) {
        CHECK(lost[1].str() == "0");
    }
}

/// Runs a binary under memcheck and checks its exit code and its log.
ProcessResult run_checked(const fs::path& logs, const std::string& name,
                          std::vector<std::string> argv, int expected_exit = 0) {
    std::vector<std::string> full = memcheck(logs / (name + ".log"));
    full.insert(full.end(), argv.begin(), argv.end());
    const ProcessResult r = run_process(full);
    std::cout << "memcheck " << name << ": exit " << r.exit_code << ", " << r.seconds << " s\n";
    INFO(name << " stderr:\n" << r.err);
    CHECK(r.exit_code == expected_exit);
    check_clean(logs / (name + ".log"));
    return r;
}

}  // namespace

TEST_CASE(
    "valgrind memcheck finds no error and no leak in building, updating, searching and "
    "serving a small index") {
    if (std::getenv("TALKSEARCH_SANITIZED") != nullptr) {
        std::cout << "SKIPPED: valgrind cannot run a sanitized build\n";
        return;
    }
    if (!fs::exists(kValgrind)) {
        std::cout << "SKIPPED: " << kValgrind << " is not installed (scripts/setup installs it)\n";
        return;
    }
    TempDir tmp;
    SyntheticCorpus corpus;
    corpus.talks = 200;
    corpus.cues_per_talk = 30;
    talksearch::test::write_synthetic_corpus(tmp.path() / "synth", corpus);
    const fs::path logs = tmp.path() / "logs";
    fs::create_directories(logs);
    const fs::path index = tmp.path() / "index";
    const std::string data = TALKSEARCH_SOURCE_DIR "/data";

    // A build from two catalogues and two caption folders (one caption file of data/ matches no
    // talk and becomes one), with 2 shards written at once.
    const ProcessResult built = run_checked(
        logs, "build",
        {TALKSEARCH_INDEX_BIN, "build", "--talks", (tmp.path() / "synth" / "talks").string(),
         "--talks", data + "/talks", "--captions", (tmp.path() / "synth" / "captions").string(),
         "--captions", data + "/captions", "--index", index.string(), "--jobs", "2",
         "--shard-talks", "120"});
    INFO(built.out);
    CHECK(built.out.find("indexed 209 talks (207 with captions") != std::string::npos);

    // An update in place after one caption file changed.
    corpus.variant = 1;
    talksearch::test::write_synthetic_corpus(tmp.path() / "synth", corpus);
    run_checked(
        logs, "update",
        {TALKSEARCH_INDEX_BIN, "update", "--talks", (tmp.path() / "synth" / "talks").string(),
         "--talks", data + "/talks", "--captions", (tmp.path() / "synth" / "captions").string(),
         "--captions", data + "/captions", "--index", index.string()});
    run_checked(logs, "stats", {TALKSEARCH_INDEX_BIN, "stats", "--index", index.string()});

    // Searches: JSON with a phrase, a wildcard and a filter; HTML; text; a rejected query.
    const ProcessResult json = run_checked(logs, "query-json",
                                           {TALKSEARCH_QUERY_BIN, "--index", index.string(),
                                            "--format", "json", talksearch::test::kMarkerWord});
    CHECK(json.out.find("\"total\":16") != std::string::npos);  // talks 1, 14, ... 196
    run_checked(logs, "query-phrase",
                {TALKSEARCH_QUERY_BIN, "--index", index.string(), "--format", "html",
                 "\"wraps the function\" OR decor* year:2019"});
    run_checked(logs, "query-text",
                {TALKSEARCH_QUERY_BIN, "--index", index.string(), "python NEAR generator"});
    run_checked(logs, "query-refused",
                {TALKSEARCH_QUERY_BIN, "--index", index.string(), std::string(600, 'x')}, 2);

    // The HTTP server: a few pages, then SIGTERM; memcheck writes its log on the way out.
    const fs::path serve_log = logs / "serve.log";
    std::vector<std::string> serve = memcheck(serve_log);
    serve.insert(serve.end(), {TALKSEARCH_QUERY_BIN, "serve", "--index", index.string(), "--port",
                               "0", "--threads", "2", "--per-ip-limit", "0"});
    BackgroundProcess server(serve, std::chrono::seconds(60));
    const std::string& line = server.first_line();
    REQUIRE(line.rfind("listening on http://127.0.0.1:", 0) == 0);
    const std::string base = "http://127.0.0.1:" + line.substr(line.rfind(':') + 1);
    HttpClient http;
    for (const std::string path :
         {"/api/v1/search?q=zebrafinch&facets=1", "/?q=decorators", "/api/v1/search?q=%22unclosed",
          "/api/v1/feed?q=python", "/healthz", "/metrics", "/nope",
          "/api/v1/search?q=python&offset=10&sort=date"}) {
        INFO(path);
        const long status = http.get(base + path).status;
        CHECK((status == 200 || status == 404));
    }
    ::kill(server.pid(), SIGTERM);
    CHECK(server.wait_for_exit(std::chrono::seconds(120)) == 0);
    check_clean(serve_log);
}

// End-to-end tests of chapter moments: the real binaries on the yt-dlp
// fixture (tests/data/ytdlp), whose "Decorators in Depth" has the chapters
// "Introduction" (0-95 s), "Class-based decorators" (95-300.5 s) and
// "Memoization with lru_cache" (300.5-612.4 s), and captions at 0:02
// ("wrappers"), 1:40 ("class", "wrapper") and 5:10 ("cache").
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

// The yt-dlp fixture's index, built once for the tests in this file. The
// fixture holds one broken info.json on purpose: the build exits 1.
const fs::path& ytdlp_index() {
    static TempDir dir;
    static const fs::path index = [] {
        const fs::path p = dir.path() / "index";
        const ProcessResult r = run_process({TALKSEARCH_INDEX_BIN, "build", "--ytdlp",
                                             (fs::path(TALKSEARCH_TEST_DATA) / "ytdlp").string(),
                                             "--index", p.string()});
        if (r.exit_code != 1)
            throw std::runtime_error("building the yt-dlp index failed: " + r.err);
        return p;
    }();
    return index;
}

ProcessResult query(std::vector<std::string> args) {
    args.insert(args.begin(), {TALKSEARCH_QUERY_BIN, "--index", ytdlp_index().string()});
    return run_process(args);
}

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

// One moment as the JSON output gives it.
struct ShownMoment {
    std::int64_t start_ms = 0;
    std::int64_t jump_ms = 0;
    std::string time;
    std::string chapter;  // empty for null
    std::string text;
    std::string url;
};

// The moments of the query's first result, which must be "Decorators in Depth".
std::vector<ShownMoment> moments_of_depth(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    const ProcessResult r = query(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
    const auto first = doc["results"].at(0);
    REQUIRE(str(first["id"]) == "pyfictional-channel/dEc0rAt0r5X");
    std::vector<ShownMoment> out;
    for (simdjson::dom::element m : first["moments"].get_array()) {
        ShownMoment s;
        s.start_ms = m["start_ms"].get_int64();
        s.jump_ms = m["jump_ms"].get_int64();
        s.time = str(m["time"]);
        s.chapter = m["chapter"].is_null() ? "" : str(m["chapter"]);
        s.text = str(m["text"]);
        s.url = str(m["link"]["url"]);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

TEST_CASE("a query for a word of a chapter title gives the chapter's moment at its start",
          "[e2e][query][chapters]") {
    for (const char* word : {"lru_cache", "memoization", "Memoization"}) {
        INFO(word);
        const std::vector<ShownMoment> moments = moments_of_depth({word});
        REQUIRE(moments.size() == 1);
        const ShownMoment& m = moments[0];
        CHECK(m.chapter == "Memoization with lru_cache");
        CHECK(m.text == "Memoization with lru_cache");
        CHECK(m.start_ms == 300500);
        CHECK(m.jump_ms == 300500);  // no pre-roll before a chapter's start
        CHECK(m.time == "5:00");
        CHECK(m.url == "https://www.youtube.com/watch?v=dEc0rAt0r5X&t=300s");
    }
}

TEST_CASE("the text output shows a chapter moment tagged, with its link",
          "[e2e][query][chapters]") {
    const ProcessResult r = query({"memoization"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1. Decorators in Depth\n"));
    CHECK_THAT(r.out, Catch::Contains("   5:00  [chapter] Memoization with lru_cache\n"
                                      "          https://www.youtube.com/watch?v=dEc0rAt0r5X"
                                      "&t=300s\n"));
}

TEST_CASE("the HTML output marks a chapter moment's item", "[e2e][query][chapters]") {
    const ProcessResult r = query({"memoization", "--format", "html"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out,
               Catch::Contains("<li class=\"talksearch-chapter\"><a class=\"talksearch-time\" "
                               "href=\"https://www.youtube.com/watch?v=dEc0rAt0r5X&amp;"
                               "t=300s\">5:00</a> <span class=\"talksearch-snippet\">"
                               "<mark>Memoization</mark> with lru_cache</span></li>"));
}

TEST_CASE("a query matching a chapter title and the captions gives both moments in time order",
          "[e2e][query][chapters]") {
    SECTION("the chapter starts before the cue that says the word") {
        // "class": the chapter "Class-based decorators" at 1:35, said at 1:40.
        const std::vector<ShownMoment> moments = moments_of_depth({"class"});
        REQUIRE(moments.size() == 2);
        CHECK(moments[0].chapter == "Class-based decorators");
        CHECK(moments[0].start_ms == 95000);
        CHECK(moments[0].url == "https://www.youtube.com/watch?v=dEc0rAt0r5X&t=95s");
        CHECK(moments[1].chapter.empty());
        CHECK(moments[1].start_ms >= 100000);
        CHECK(moments[1].start_ms < 105500);
        CHECK_THAT(moments[1].text, Catch::Contains("A class can act as a wrapper"));
    }
    SECTION("the chapter comes after what was said") {
        // "wrappers" is said at 0:02 and 1:40; the chapter on memoization is at 5:00.
        const std::vector<ShownMoment> moments = moments_of_depth({"wrappers memoization"});
        REQUIRE(moments.size() == 3);
        CHECK(moments[0].chapter.empty());
        CHECK(moments[0].start_ms >= 2000);
        CHECK(moments[0].start_ms < 6000);
        CHECK(moments[1].chapter.empty());
        CHECK(moments[1].start_ms >= 100000);
        CHECK(moments[2].chapter == "Memoization with lru_cache");
        CHECK(moments[2].start_ms == 300500);
    }
    SECTION("chapter moments keep their place when --moments leaves room for fewer") {
        const std::vector<ShownMoment> moments =
            moments_of_depth({"wrappers memoization", "--moments", "2"});
        REQUIRE(moments.size() == 2);
        CHECK(moments[0].chapter.empty());
        CHECK(moments[0].start_ms < 6000);  // the earlier of two equal transcript moments
        CHECK(moments[1].chapter == "Memoization with lru_cache");
        CHECK(moments_of_depth({"wrappers memoization", "--moments", "1"})[0].chapter ==
              "Memoization with lru_cache");
    }
}

TEST_CASE("a query matching only the captions gives no chapter moment", "[e2e][query][chapters]") {
    const std::vector<ShownMoment> moments = moments_of_depth({"cache"});
    REQUIRE(moments.size() == 1);
    CHECK(moments[0].chapter.empty());
    CHECK(moments[0].start_ms >= 310000);
}

// End-to-end tests of the caption formats beyond WebVTT and SubRip: the real
// talksearch-index and talksearch-query on tests/data/captions-formats, which
// holds one file of each format (and a yt-dlp .info.json that must be skipped).
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

const fs::path kFormats = fs::path(TALKSEARCH_TEST_DATA) / "captions-formats";

// The index of the formats folder, built once for the tests in this file.
const fs::path& formats_index() {
    static TempDir dir;
    static const fs::path index = [] {
        const fs::path p = dir.path() / "index";
        const ProcessResult r = run_process({TALKSEARCH_INDEX_BIN, "build", "--captions",
                                             kFormats.string(), "--index", p.string()});
        // 0: every caption file was read and nothing was skipped (the .info.json is not
        // taken for a caption file).
        if (r.exit_code != 0) {
            throw std::runtime_error("building the formats index failed (" +
                                     std::to_string(r.exit_code) + "): " + r.err);
        }
        return p;
    }();
    return index;
}

ProcessResult query(std::vector<std::string> args) {
    args.insert(args.begin(), {TALKSEARCH_QUERY_BIN, "--index", formats_index().string()});
    return run_process(args);
}

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

// The `t=` second of a YouTube watch link.
std::int64_t youtube_second(const std::string& url) {
    const auto p = url.find("&t=");
    REQUIRE(p != std::string::npos);
    return std::stoll(url.substr(p + 3));
}

}  // namespace

TEST_CASE("a word said in each caption format is found with the right second in its link",
          "[e2e][captions][formats]") {
    // The link opens 2 s before the word (never later than 3 s into its cue).
    const struct {
        const char* word;
        const char* youtube_id;
        std::int64_t start_ms;
        std::int64_t second;
        const char* why;
    } cases[] = {
        // json3: the segment " quokka" has tOffsetMs 4700 in the event at 61 s. Estimated
        // from its offset in "so the quokka jumped" it would be 63.1 s (link at 61 s).
        {"quokka", "Jn3QkA7xW2e", 65700, 63, "json3 word time"},
        // srv3: <s t="3900"> narwhal in the paragraph at 42 s (estimate: 43.8 s, link 41 s).
        {"narwhal", "Sv3Pn8RtY4u", 45900, 43, "srv3 word time"},
        // Whisper: the word "capybara" starts at 34.6 s (estimate: 33.272 s, link 31 s).
        {"capybara", "Wh5Zr1NpC6f", 34600, 32, "Whisper word time"},
        // Legacy timedtext has no word times: "the axolotl", 20.5 s + 3 s x 4/11.
        {"axolotl", "Tt1Lg5HwZ9c", 21590, 19, "legacy timedtext, estimated"},
        // SBV: "pangolin facts" starts at 50 s.
        {"pangolin", "Sb7Vx2MqK3d", 50000, 48, "SBV cue start"},
        // TTML has no word times here: "the okapi is shy", 72 s + 3 s x 4/16.
        {"okapi", "Tm8Kd2LrQ5v", 72750, 70, "TTML clock times, estimated"},
        // whisper.cpp -ojf: the token " arm" of "armadillo" at 25.4 s (estimate: 24.9 s).
        {"armadillo", "Wc3Hy7PzN4b", 25400, 23, "whisper.cpp token time"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.word, c.why);
        const ProcessResult r = query({c.word, "--format", "json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
        REQUIRE(doc["results"].get_array().size() == 1);
        const auto hit = doc["results"].at(0);
        CHECK(str(hit["video_url"]).find(c.youtube_id) != std::string::npos);
        REQUIRE(hit["moments"].get_array().size() == 1);
        const auto m = hit["moments"].at(0);
        CHECK(m["timed"].get_bool().value());
        CHECK(m["start_ms"].get_int64().value() == c.start_ms);
        CHECK(youtube_second(str(m["link"]["url"])) == c.second);
        CHECK(str(m["html"]).find(std::string("<mark>") + c.word + "</mark>") != std::string::npos);
    }
}

TEST_CASE("a word of a plain-text transcript is found with no time and a link to the talk's start",
          "[e2e][captions][formats]") {
    const ProcessResult r = query({"wombat", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
    REQUIRE(doc["results"].get_array().size() == 1);
    const auto hit = doc["results"].at(0);
    REQUIRE(hit["moments"].get_array().size() == 1);
    const auto m = hit["moments"].at(0);
    CHECK_FALSE(m["timed"].get_bool().value());
    CHECK(m["time"].is_null());
    CHECK(str(m["link"]["url"]) == str(hit["link"]["url"]));
    CHECK(youtube_second(str(m["link"]["url"])) == 0);
    CHECK(str(m["text"]).find("common wombat") != std::string::npos);

    const ProcessResult text = query({"wombat"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("(no time)  ") && Catch::Contains("common wombat"));
    CHECK_THAT(text.out, !Catch::Contains("0:00"));
}

TEST_CASE("double-escaped entities and HTML tags of legacy timedtext are searched as plain text",
          "[e2e][captions][formats]") {
    const ProcessResult r = query({"\"odd creatures\"", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
    const auto m = doc["results"].at(0)["moments"].at(0);
    CHECK(str(m["text"]).find("it's a show about odd creatures") != std::string::npos);
    CHECK(m["start_ms"].get_int64().value() >= 3700);
}

TEST_CASE("talksearch-index captions refuses a yt-dlp info.json by its content",
          "[e2e][captions][formats]") {
    TempDir tmp;
    // Named as captions, but yt-dlp metadata inside.
    const fs::path disguised = tmp.path() / "Jn3QkA7xW2e.en.json3";
    fs::copy_file(kFormats / "Jn3QkA7xW2e.info.json", disguised);
    const ProcessResult r = run_process({TALKSEARCH_INDEX_BIN, "captions", disguised.string()});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("not a caption file") && Catch::Contains("yt-dlp"));
    CHECK(r.out.empty());
}

TEST_CASE("Whisper and whisper.cpp JSON transcripts are indexed as machine captions",
          "[e2e][captions]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const fs::path samples = fs::path(TALKSEARCH_TEST_DATA) / "captions-formats";
    REQUIRE(run_process({TALKSEARCH_INDEX_BIN, "build", "--captions", samples.string(), "--index",
                         index.string()})
                .exit_code == 0);
    const ProcessResult q = run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(),
                                         "captions:machine", "--format", "json", "--limit", "100"});
    REQUIRE(q.exit_code == 0);
    // The json3 sample is YouTube's automatic English track: the yt-dlp info.json beside it lists
    // `en` under automatic_captions. Every other sample sits in a plain folder and counts as human.
    CHECK_THAT(q.out, Catch::Contains("Wh5Zr1NpC6f"));
    CHECK_THAT(q.out, Catch::Contains("Wc3Hy7PzN4b"));
    CHECK_THAT(q.out, Catch::Contains("Jn3QkA7xW2e"));
    CHECK_THAT(q.out, Catch::Contains("\"total\":3,"));
}

// End-to-end tests of field-aware ranking and the forms a query word takes
// (docs/DESIGN.md, "Ranking" and "Query language"): the real binaries on a
// small corpus of caption files written here, one talk each (its title from
// the file name).
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;
using talksearch::test::write_file;

namespace {

// A WebVTT file of cues (start second, text), four seconds each.
std::string vtt(const std::vector<std::pair<int, std::string>>& cues) {
    std::string out = "WEBVTT\n\n";
    for (const auto& [s, text] : cues) {
        const auto clock = [](int t) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "00:%02d:%02d.000", t / 60, t % 60);
            return std::string(buf);
        };
        out += clock(s) + " --> " + clock(s + 4) + "\n" + text + "\n\n";
    }
    return out;
}

// The corpus, indexed once for every test of this file.
const fs::path& ranking_index() {
    static TempDir dir;
    static const fs::path index = [] {
        const fs::path captions = dir.path() / "captions";
        const std::string filler = "and then we moved on to something else entirely";
        // Speech recognition wrote the library's name as two words.
        write_file(
            captions / "Concurrency Patterns [aaaaaaaaaa1].en.vtt",
            vtt({{10, filler}, {100, "so we rewrote the service with async IO"}, {140, filler}}));
        // ...and here as one, which a query of two words must find.
        write_file(captions / "Event Loops Explained [aaaaaaaaaa2].en.vtt",
                   vtt({{10, filler}, {50, "the asyncio event loop runs one task at a time"}}));
        // Portuguese captions: a word the English stemmer would not reduce.
        write_file(captions / "Aprendendo a Programar [aaaaaaaaaa3].pt-BR.vtt",
                   vtt({{10, "Bom dia, pessoal"}, {30, "Eu fui um programador durante anos"}}));
        // A long word, which the surface forms once skipped.
        write_file(captions / "Image Models [aaaaaaaaaa4].en.vtt",
                   vtt({{10, filler}, {70, "image classification is where we start"}}));
        // Title and speech; title alone; speech alone.
        write_file(captions / "Decorators in Depth [aaaaaaaaaa5].en.vtt",
                   vtt({{10, "today decorators"}, {40, "a decorator wraps a function"}}));
        write_file(captions / "Decorators Explained [aaaaaaaaaa6].en.vtt",
                   vtt({{10, "today we talk about functions that wrap functions"}}));
        write_file(captions / "A Tour of the Standard Library [aaaaaaaaaa7].en.vtt",
                   vtt({{10, "decorators come up here"}, {50, "and a decorator there"}}));
        const fs::path p = dir.path() / "index";
        const ProcessResult r = run_process({TALKSEARCH_INDEX_BIN, "build", "--captions",
                                             captions.string(), "--index", p.string()});
        if (r.exit_code != 0) throw std::runtime_error("building the index failed: " + r.err);
        return p;
    }();
    return index;
}

simdjson::dom::element search(simdjson::dom::parser& parser, std::vector<std::string> args) {
    args.insert(args.begin(),
                {TALKSEARCH_QUERY_BIN, "--index", ranking_index().string(), "--format", "json"});
    const ProcessResult r = run_process(args);
    INFO(r.err);
    REQUIRE(r.exit_code <= 1);
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
    return doc;
}

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

// The titles of the results, in order.
std::vector<std::string> titles(simdjson::dom::element doc) {
    std::vector<std::string> out;
    for (auto hit : doc["results"].get_array()) out.push_back(str(hit["title"]));
    return out;
}

// The result with this title; fails when there is none.
simdjson::dom::element result_titled(simdjson::dom::element doc, const std::string& title) {
    for (auto hit : doc["results"].get_array()) {
        if (str(hit["title"]) == title) return hit;
    }
    FAIL("no result titled " << title);
    return {};
}

}  // namespace

TEST_CASE("asyncio finds the talk whose captions say async IO, at the second it was said",
          "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"asyncio"});
    const auto hit = result_titled(doc, "Concurrency Patterns");
    REQUIRE(hit["moments"].get_array().size() == 1);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) >= 100000);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) < 104000);
    CHECK_THAT(str(hit["moments"].at(0)["html"]), Catch::Contains("<mark>async</mark>"));
}

TEST_CASE("async io finds the talk whose captions say asyncio", "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"async io"});
    const auto hit = result_titled(doc, "Event Loops Explained");
    REQUIRE(hit["moments"].get_array().size() == 1);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) >= 50000);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) < 54000);
}

TEST_CASE("a word is stemmed in every language of the index, without --lang", "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"programadores"});
    const auto hit = result_titled(doc, "Aprendendo a Programar");
    REQUIRE(hit["moments"].get_array().size() == 1);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) >= 30000);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) < 34000);
    CHECK(str(hit["moments"].at(0)["language"]) == "pt-BR");
    // --lang narrows to that language's stemmer: English leaves the word as it is.
    const auto narrowed = search(parser, {"programadores", "--lang", "en"});
    CHECK(narrowed["results"].get_array().size() == 0);
}

TEST_CASE("a long word gets its moment", "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"classification"});
    const auto hit = result_titled(doc, "Image Models");
    REQUIRE(hit["moments"].get_array().size() == 1);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) >= 70000);
    CHECK(std::int64_t(hit["moments"].at(0)["start_ms"]) < 74000);
}

TEST_CASE("a talk that matches in its title and its speech ranks above one that matches in one",
          "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"decorators"});
    const std::vector<std::string> got = titles(doc);
    REQUIRE(got.size() == 3);
    CHECK(got.front() == "Decorators in Depth");
    CHECK(str(result_titled(doc, "Decorators in Depth")["matched_in"]) == "both");
    CHECK(str(result_titled(doc, "Decorators Explained")["matched_in"]) == "metadata");
    CHECK(str(result_titled(doc, "A Tour of the Standard Library")["matched_in"]) == "spoken");
}

TEST_CASE("the spoken filter (--spoken) keeps only the talks where the words were said",
          "[e2e][ranking]") {
    simdjson::dom::parser parser;
    const auto doc = search(parser, {"decorators", "--spoken"});
    std::vector<std::string> got = titles(doc);
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"A Tour of the Standard Library", "Decorators in Depth"});
    // captions:any keeps talks with captions: here, every talk.
    CHECK(search(parser, {"decorators captions:any"})["results"].get_array().size() == 3);
}

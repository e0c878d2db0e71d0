// End-to-end tests of talksearch-query: the real binaries on the sample corpus.
#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/support/process.h"
#include "tests/support/shared.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

const fs::path kSource = TALKSEARCH_SOURCE_DIR;

// The sample index, built once for all the tests in this file.
const fs::path& sample_index() {
    static TempDir dir;
    static const fs::path index = [] {
        const fs::path p = dir.path() / "index";
        const ProcessResult r = run_process(
            {TALKSEARCH_INDEX_BIN, "build", "--talks", (kSource / "data/talks").string(),
             "--captions", (kSource / "data/captions").string(), "--index", p.string()});
        if (r.exit_code != 0)
            throw std::runtime_error("building the sample index failed: " + r.err);
        return p;
    }();
    return index;
}

ProcessResult query(std::vector<std::string> args) {
    args.insert(args.begin(), {TALKSEARCH_QUERY_BIN, "--index", sample_index().string()});
    return run_process(args);
}

simdjson::dom::element json_of(simdjson::dom::parser& parser, const ProcessResult& r) {
    INFO(r.err);
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(simdjson::padded_string(r.out)).get(doc));
    return doc;
}

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

// A facet value's count in JSON output; -1 when the facet does not list it.
std::int64_t facet_count(simdjson::dom::element facet, const std::string& value) {
    for (auto v : facet["values"].get_array()) {
        if (str(v["value"]) == value) return v["count"].get_int64();
    }
    return -1;
}

// The `t=` second in a YouTube link.
std::int64_t youtube_second(const std::string& url) {
    const auto p = url.find("&t=");
    REQUIRE(p != std::string::npos);
    return std::stoll(url.substr(p + 3));
}

}  // namespace

TEST_CASE("a search for decorators finds the sample talk with links to the seconds it was said",
          "[e2e][query]") {
    const ProcessResult r = query({"decorators", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, r);
    const auto first = doc["results"].at(0);
    CHECK(str(first["title"]) == "Decorators from the Ground Up");
    CHECK(str(first["catalogue_url"]) ==
          "https://pyvideo.org/lakeshore-pyconf-2017/decorators-from-the-ground-up.html");
    simdjson::dom::array moments = first["moments"].get_array();
    REQUIRE(moments.size() == 3);
    // data/README.md: "decorators" is said in the cues at 15.1 s, 100.5 s and 185.0 s.
    const std::int64_t cue_starts[] = {15120, 100480, 185040};
    std::size_t i = 0;
    for (simdjson::dom::element m : moments) {
        const std::int64_t start = m["start_ms"].get_int64();
        CHECK(start >= cue_starts[i]);
        CHECK(start < cue_starts[i] + 5000);
        const std::int64_t jump = m["jump_ms"].get_int64();
        CHECK(jump == start - 2000);  // the default pre-roll
        CHECK(youtube_second(str(m["link"]["url"])) == jump / 1000);
        CHECK(str(m["html"]).find("<mark>") != std::string::npos);
        ++i;
    }
    // The talk that mentions decorators only in its description has no moments.
    const auto second = doc["results"].at(1);
    CHECK(str(second["title"]) == "Plugin Systems That Don't Bite");
    CHECK(second["moments"].get_array().size() == 0);
}

TEST_CASE("a phrase split across two cues links to where its first word is said", "[e2e][query]") {
    const ProcessResult r = query({"\"wraps the function\"", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, r);
    REQUIRE(doc["results"].get_array().size() == 1);
    const auto m = doc["results"].at(0)["moments"].at(0);
    // The cue holding "... It wraps the" runs from 139.618 s to 144.712 s;
    // "function" opens the next cue.
    const std::int64_t start = m["start_ms"].get_int64();
    CHECK(start >= 139618);
    CHECK(start < 144712);
    // The link (with the default 2 s pre-roll) lands within 3 s of the cue's start.
    const std::int64_t second = youtube_second(str(m["link"]["url"]));
    CHECK(std::abs(second * 1000 - 139618) <= 3000);
    CHECK(str(m["text"]).find("function you gave it") != std::string::npos);
}

TEST_CASE("the text output shows the moment's time, snippet and link", "[e2e][query]") {
    const ProcessResult r = query({"decorators"});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("1. Decorators from the Ground Up"));
    CHECK_THAT(r.out, Catch::Contains("https://www.youtube.com/watch?v=dCr8Gr0unD1&t="));
    CHECK_THAT(r.out, Catch::Matches("(.|\\n)*\\n   0:1\\d  [^\\n]*decorators(.|\\n)*"));
    CHECK(r.out.find('\x1b') == std::string::npos);  // plain when piped
}

TEST_CASE("filters, date sort, facets and paging narrow and order the results", "[e2e][query]") {
    simdjson::dom::parser parser;
    SECTION("an event filter keeps that event's talks") {
        const auto doc = json_of(
            parser, query({"python", "--event", "pycon-valdoria-2019", "--format", "json"}));
        for (auto hit : doc["results"].get_array())
            CHECK(str(hit["event"]) == "pycon-valdoria-2019");
        CHECK(doc["results"].get_array().size() == 2);
    }
    SECTION("a year range as an option and in the query agree") {
        const auto a =
            json_of(parser, query({"python", "--year", "2019..2022", "--format", "json"}));
        std::vector<std::string> ids_a;
        for (auto hit : a["results"].get_array()) {
            const std::string recorded = str(hit["recorded"]);
            CHECK(recorded >= "2019");
            CHECK(recorded < "2023");
            ids_a.push_back(str(hit["id"]));
        }
        simdjson::dom::parser parser2;
        const auto b = json_of(parser2, query({"python year:2019..2022", "--format", "json"}));
        std::vector<std::string> ids_b;
        for (auto hit : b["results"].get_array()) ids_b.push_back(str(hit["id"]));
        CHECK(ids_a == ids_b);
        CHECK_FALSE(ids_a.empty());
    }
    SECTION("a speaker filter matches the full name in any case") {
        const auto doc =
            json_of(parser, query({"python", "--speaker", "marisol quenby", "--format", "json"}));
        REQUIRE(doc["results"].get_array().size() == 1);
        CHECK(str(doc["results"].at(0)["title"]) == "Decorators from the Ground Up");
    }
    SECTION("date sort puts the newest first") {
        const auto doc = json_of(parser, query({"python", "--sort", "date", "--format", "json"}));
        std::string previous = "9999";
        for (auto hit : doc["results"].get_array()) {
            simdjson::dom::element rec = hit["recorded"];
            if (rec.is_null()) continue;
            const std::string recorded = str(rec);
            CHECK(recorded <= previous);
            previous = recorded;
        }
    }
    SECTION("facets count the matching talks per event and year, most first, events by title") {
        const auto doc = json_of(parser, query({"python", "--facets", "--format", "json"}));
        std::int64_t sum = 0;
        std::int64_t previous = INT64_MAX;
        for (auto v : doc["facets"]["event"]["values"].get_array()) {
            const std::int64_t count = v["count"].get_int64();
            CHECK(count <= previous);  // most talks first
            previous = count;
            sum += count;
            // Labelled with the event's title, not its slug.
            CHECK(str(v["label"]) != str(v["value"]));
        }
        sum += std::int64_t(doc["facets"]["event"]["other_count"].get_int64());
        CHECK(sum == std::int64_t(doc["total"].get_int64()));
        CHECK(facet_count(doc["facets"]["year"], "2019") == 2);
        CHECK(facet_count(doc["facets"]["language"], "es") == 1);
    }
    SECTION("facets are shown in the text and HTML outputs too") {
        const ProcessResult text = query({"python", "--facets"});
        CHECK_THAT(text.out, Catch::Contains("Facets (matching talks):") &&
                                 Catch::Contains("  year: ") &&
                                 Catch::Contains("Lakeshore PyConf 2017 ("));
        const ProcessResult html = query({"python", "--facets", "--format", "html"});
        CHECK_THAT(html.out, Catch::Contains("<section class=\"talksearch-facets\"") &&
                                 Catch::Contains("data-value=\"lakeshore-pyconf-2017\""));
    }
    SECTION("pages do not overlap and together hold every talk") {
        const auto all = json_of(parser, query({"python", "--limit", "100", "--format", "json"}));
        simdjson::dom::parser p1, p2;
        const auto page1 = json_of(p1, query({"python", "--limit", "2", "--format", "json"}));
        const auto page2 =
            json_of(p2, query({"python", "--limit", "2", "--offset", "2", "--format", "json"}));
        CHECK(str(page1["results"].at(0)["id"]) == str(all["results"].at(0)["id"]));
        CHECK(str(page2["results"].at(0)["id"]) == str(all["results"].at(2)["id"]));
        CHECK(std::int64_t(page2["results"].at(0)["rank"].get_int64()) == 3);
    }
}

TEST_CASE("a misspelt word gets a did-you-mean suggestion", "[e2e][query]") {
    const ProcessResult r = query({"pyhton"});
    CHECK_THAT(r.out, Catch::Contains("Did you mean: python"));
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, query({"pyhton", "--format", "json"}));
    CHECK(str(doc["suggestion"]) == "python");
}

TEST_CASE("a query the parser rejects falls back to its words and an over-long one is refused",
          "[e2e][query]") {
    const ProcessResult fallback = query({"decorators AND OR (", "--format", "json"});
    CHECK(fallback.exit_code == 0);
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, fallback);
    CHECK(str(doc["results"].at(0)["title"]) == "Decorators from the Ground Up");
    CHECK(doc["notices"].get_array().size() == 1);

    const ProcessResult too_long = query({std::string(600, 'a')});
    CHECK(too_long.exit_code == 2);
    CHECK_THAT(too_long.err, Catch::Contains("600 bytes") && Catch::Contains("512"));
    std::string many;
    for (int i = 0; i < 40; ++i) many += "word" + std::to_string(i) + " ";
    const ProcessResult too_many = query({many});
    CHECK(too_many.exit_code == 2);
    CHECK_THAT(too_many.err, Catch::Contains("40 terms") && Catch::Contains("32"));
}

TEST_CASE("Spanish captions are found with a Spanish query", "[e2e][query]") {
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, query({"tipos de datos", "--lang", "es", "--format", "json"}));
    REQUIRE(doc["results"].get_array().size() >= 1);
    CHECK(str(doc["results"].at(0)["language"]) == "es");
    CHECK(doc["results"].at(0)["moments"].get_array().size() >= 1);
}

TEST_CASE("no match exits 1 and a missing index exits 2 with a message", "[e2e][query]") {
    CHECK(query({"zyzzyvaquux"}).exit_code == 1);
    TempDir empty;
    const ProcessResult r = run_process(
        {TALKSEARCH_QUERY_BIN, "--index", (empty.path() / "nothing").string(), "decorators"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no index here"));
}

TEST_CASE("the JSON output for the sample corpus matches the golden file", "[e2e][query][golden]") {
    const ProcessResult r = query({"decorators OR fixtures", "--format", "json", "--facets"});
    REQUIRE(r.exit_code == 0);
    const fs::path golden = fs::path(TALKSEARCH_TEST_DATA) / "golden/decorators-or-fixtures.json";
    if (std::getenv("TALKSEARCH_UPDATE_GOLDEN") != nullptr)
        talksearch::test::write_file(golden, r.out);
    CHECK(r.out == talksearch::test::slurp(golden));
}

TEST_CASE("a wildcard finds the words it starts and gets no spelling suggestion", "[e2e][query]") {
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, query({"deco*", "--format", "json"}));
    CHECK(doc["suggestion"].is_null());
    CHECK(str(doc["results"].at(0)["title"]) == "Decorators from the Ground Up");
    CHECK(doc["results"].at(0)["moments"].get_array().size() == 3);
}

TEST_CASE("a page past the end says how many talks match and exits 0", "[e2e][query]") {
    const ProcessResult r = query({"decorators", "--offset", "50"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("2 talks match; none on this page"));
    const ProcessResult counts = query({"decorators", "--limit", "0", "--format", "json"});
    CHECK(counts.exit_code == 0);
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, counts);
    CHECK(std::int64_t(doc["total"].get_int64()) == 2);
    CHECK(doc["results"].get_array().size() == 0);
}

TEST_CASE("invalid UTF-8 in a query still gives valid JSON", "[e2e][query]") {
    const ProcessResult r = query({"decorators \xC3", "--format", "json"});
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, r);  // simdjson validates UTF-8
    CHECK(str(doc["query"]) == "decorators \xEF\xBF\xBD");
}

TEST_CASE("filter options ignore case and a non-numeric pre-roll is refused", "[e2e][query]") {
    simdjson::dom::parser p1, p2;
    const auto es = json_of(p1, query({"python", "--language", "ES", "--format", "json"}));
    CHECK(std::int64_t(es["total"].get_int64()) == 1);
    const auto ev =
        json_of(p2, query({"python", "--event", "PyCon-Valdoria-2019", "--format", "json"}));
    CHECK(std::int64_t(ev["total"].get_int64()) == 2);
    const ProcessResult nan = query({"decorators", "--preroll", "nan"});
    CHECK(nan.exit_code == 2);
    CHECK_THAT(nan.err, Catch::Contains("--preroll"));
}

TEST_CASE("a talk given at two events is one result that lists the other recording",
          "[e2e][query]") {
    simdjson::dom::parser parser;
    const auto doc = json_of(parser, query({"decorators", "--format", "json", "--facets"}));
    // Two talks, not three: the 2022 encore is listed under the 2017 recording,
    // which is shown because its captions give it moments.
    CHECK(std::int64_t(doc["total"].get_int64()) == 2);
    REQUIRE(doc["results"].get_array().size() == 2);
    const auto first = doc["results"].at(0);
    CHECK(str(first["id"]) == "lakeshore-pyconf-2017/decorators-from-the-ground-up");
    CHECK(first["moments"].get_array().size() == 3);
    simdjson::dom::array others = first["other_recordings"].get_array();
    REQUIRE(others.size() == 1);
    const auto other = others.at(0);
    CHECK(str(other["id"]) ==
          "pydays-sierra-azul-2022/decorators-from-the-ground-up-marisol-quenby");
    CHECK(str(other["event_title"]) == "PyDays Sierra Azul 2022");
    CHECK(str(other["link"]["url"]) == "https://vimeo.com/700000123#t=0s");
    CHECK(doc["results"].at(1)["other_recordings"].get_array().size() == 0);
    // Facets count talks: the speaker gave one talk, at two events.
    CHECK(facet_count(doc["facets"]["speaker"], "Marisol Quenby") == 1);
    CHECK(facet_count(doc["facets"]["event"], "pydays-sierra-azul-2022") == 1);

    const ProcessResult text = query({"decorators"});
    CHECK_THAT(text.out, Catch::Contains("also given at PyDays Sierra Azul 2022, 2022-10-08  "
                                         "https://pyvideo.org/pydays-sierra-azul-2022/"
                                         "decorators-from-the-ground-up-marisol-quenby.html"));
    const ProcessResult html = query({"decorators", "--format", "html"});
    CHECK_THAT(html.out, Catch::Contains("<p class=\"talksearch-also\">Also given at <a href=\""
                                         "https://pyvideo.org/pydays-sierra-azul-2022/"));
}

TEST_CASE("each recording of a talk is its own result with --all-recordings or an event filter",
          "[e2e][query]") {
    simdjson::dom::parser p1, p2, p3;
    const auto all = json_of(p1, query({"decorators", "--all-recordings", "--format", "json"}));
    CHECK(std::int64_t(all["total"].get_int64()) == 3);
    for (auto hit : all["results"].get_array())
        CHECK(hit["other_recordings"].get_array().size() == 0);

    // Filtered to the encore's event, the encore is the result and lists the original.
    const auto encore = json_of(
        p2, query({"decorators", "--event", "pydays-sierra-azul-2022", "--format", "json"}));
    REQUIRE(encore["results"].get_array().size() == 1);
    const auto hit = encore["results"].at(0);
    CHECK(str(hit["id"]) == "pydays-sierra-azul-2022/decorators-from-the-ground-up-marisol-quenby");
    CHECK(hit["moments"].get_array().size() == 0);
    CHECK(str(hit["other_recordings"].at(0)["id"]) ==
          "lakeshore-pyconf-2017/decorators-from-the-ground-up");

    // Sorted by date, a talk shows its newest recording.
    const auto by_date = json_of(p3, query({"decorators", "--sort", "date", "--format", "json"}));
    CHECK(str(by_date["results"].at(0)["id"]) ==
          "pydays-sierra-azul-2022/decorators-from-the-ground-up-marisol-quenby");
}

TEST_CASE("a moment whose cue crosses a stored segment of the transcript shows the whole cue",
          "[e2e][query]") {
    // The transcript is stored in 4,096-byte segments (core/schema.h). Every
    // cue here is 60 bytes, so cue 68 holds bytes 4,080-4,139 and cue 136
    // bytes 8,160-8,219: each straddles a segment boundary.
    TempDir dir;
    const fs::path captions = dir.path() / "captions";
    fs::create_directories(captions);
    std::string srt;
    std::vector<std::string> texts;
    for (int i = 0; i < 200; ++i) {
        std::string text = "cue " + std::to_string(1000 + i) + " says nothing much";
        if (i == 68) text = "cue 1068 says quokkaspan across the boundary";
        if (i == 136) text = "cue 1136 says wombatspan across the next one";
        text.resize(60, '.');
        texts.push_back(text);
        srt += std::to_string(i + 1) + "\n00:" + (i / 10 < 10 ? "0" : "") + std::to_string(i / 10) +
               ":" + (i % 10 == 0 ? "00" : std::to_string(i % 10 * 6)) +
               ",000 --> 00:" + (i / 10 < 10 ? "0" : "") + std::to_string(i / 10) + ":" +
               std::to_string(i % 10 * 6 + 5) + ",000\n" + text + "\n\n";
    }
    talksearch::test::write_file(captions / "Segment Boundaries [sEgMeNt0001].en.srt", srt);
    const fs::path index = dir.path() / "index";
    const ProcessResult built = run_process({TALKSEARCH_INDEX_BIN, "build", "--captions",
                                             captions.string(), "--index", index.string()});
    INFO(built.err);
    REQUIRE(built.exit_code == 0);

    for (const int cue : {68, 136}) {
        const std::string word = cue == 68 ? "quokkaspan" : "wombatspan";
        const ProcessResult r = run_process(
            {TALKSEARCH_QUERY_BIN, "--index", index.string(), word, "--format", "json"});
        REQUIRE(r.exit_code == 0);
        simdjson::dom::parser parser;
        const auto doc = json_of(parser, r);
        const auto m = doc["results"].at(0)["moments"].at(0);
        // Cue i runs from minute i / 10, second (i % 10) * 6, for 5 s.
        const std::int64_t cue_start = (cue / 10 * 60 + cue % 10 * 6) * 1000;
        CHECK(m["start_ms"].get_int64().value() >= cue_start);
        CHECK(m["start_ms"].get_int64().value() < cue_start + 5000);
        CHECK(str(m["text"]).find(texts[static_cast<std::size_t>(cue)]) != std::string::npos);
    }
}

TEST_CASE(
    "odd wildcards and one that matches 300 words answer with results or a refusal, never a "
    "failure",
    "[e2e][query]") {
    TempDir tmp;
    fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data/talks", tmp.path() / "talks",
             fs::copy_options::recursive);
    // A talk whose description holds 300 words that start with "wx": more than the 100 terms a
    // wildcard expands to.
    std::string words;
    for (int i = 0; i < 300; ++i) words += "wx" + std::to_string(1000 + i) + "q ";
    talksearch::test::write_file(
        tmp.path() / "talks/pycon-valdoria-2019/videos/many-words.json",
        R"({"title": "Many Words", "description": ")" + words + R"(", "speakers": ["W"]})");
    const fs::path index = tmp.path() / "index";
    REQUIRE(run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", (tmp.path() / "talks").string(),
                         "--index", index.string()})
                .exit_code == 0);
    std::string twenty;
    for (int i = 0; i < 20; ++i) twenty += "x* ";
    simdjson::dom::parser parser;
    for (const std::string& q :
         std::vector<std::string>{"a*", "*", "a**", "*a", "title:*", twenty, "wx*", "wx1*",
                                  "title:many* wx*", "\"wx1000q wx*\""}) {
        INFO(q);
        const ProcessResult r =
            run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(), "--format", "json", q});
        INFO(r.err);
        // 0: results, 1: no match, 2: refused with a message; never a crash.
        CHECK((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 2));
        if (r.exit_code == 2) {
            CHECK_FALSE(r.err.empty());
            continue;
        }
        const auto doc = json_of(parser, r);
        if (q.rfind("wx", 0) == 0) {
            REQUIRE(doc["results"].get_array().size() == 1);
            CHECK(str(doc["results"].at(0)["title"]) == "Many Words");
        }
    }
}

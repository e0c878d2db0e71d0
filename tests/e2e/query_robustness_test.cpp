// Hostile and random queries through the real searcher on the sample index.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "query/render.h"
#include "query/searcher.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::run_process;
using talksearch::test::TempDir;

TEST_CASE("random operator-soup queries never crash the searcher and never fail but by refusal",
          "[e2e][query][robustness]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const fs::path source = TALKSEARCH_SOURCE_DIR;
    REQUIRE(
        run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", (source / "data/talks").string(),
                     "--captions", (source / "data/captions").string(), "--index", index.string()})
            .exit_code == 0);
    talksearch::Searcher searcher(index);
    const std::vector<std::string> pieces = {"decorators",
                                             "python",
                                             "wraps",
                                             "the",
                                             "function",
                                             "AND",
                                             "OR",
                                             "NOT",
                                             "XOR",
                                             "NEAR",
                                             "NEAR/2",
                                             "ADJ",
                                             "+",
                                             "-",
                                             "(",
                                             ")",
                                             "\"",
                                             "*",
                                             "decor*",
                                             "a*",
                                             "title:",
                                             "speaker:",
                                             "tag:",
                                             "event:",
                                             "year:",
                                             "lang:",
                                             "captions:",
                                             "2014..2019",
                                             "..",
                                             "year:2019..",
                                             "captions:human",
                                             "~",
                                             "^",
                                             "\xff\xfe",
                                             std::string(1, '\0'),
                                             "\xC3\x28",
                                             "é",
                                             "日本語",
                                             ":",
                                             "::",
                                             "\\",
                                             "'",
                                             "''"};
    std::mt19937 rng(20261122);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), count(1, 12),
        space(0, 3);
    std::size_t refused = 0, answered = 0;
    for (int i = 0; i < 3000; ++i) {
        std::string q;
        for (std::size_t k = count(rng); k > 0; --k) {
            q += pieces[pick(rng)];
            if (space(rng) != 0) q += ' ';
        }
        talksearch::SearchRequest req;
        req.query = q;
        req.facets = (i % 7) == 0;
        try {
            const talksearch::SearchResult r = searcher.search(req);
            // Every output must render.
            CHECK_FALSE(talksearch::render_json(r).empty());
            ++answered;
        } catch (const talksearch::QueryRejected&) {
            ++refused;  // an empty query, for example: a clear message, never a crash
        }
    }
    CHECK(answered > 2000);
    INFO("refused " << refused);
}

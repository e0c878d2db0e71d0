// Hostile and random queries through the real searcher on the sample index.
#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "query/render.h"
#include "query/searcher.h"
#include "tests/support/process.h"
#include "tests/support/query_soup.h"

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
    talksearch::test::QuerySoup soup;
    std::size_t refused = 0, answered = 0;
    for (int i = 0; i < 3000; ++i) {
        const std::string q = soup.next();
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

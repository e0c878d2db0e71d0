// talksearch-bench-hidden-filter: what hiding replaced talks costs a query
// (issue 20; docs/DESIGN.md, "Indexing speed and size").
//
// In a delta-database design an update writes the talks it changes to a small delta database
// beside the base, and every query must hide the base's old versions. Two ways are measured:
//   - value: the update marks each old version in the base with a value (slot 17, a
//     values-only replace_document, which leaves its postings and positions alone), and a
//     query adds AND_NOT VALUE_RANGE(17, ...);
//   - terms: nothing is written to the base, and a query adds
//     AND_NOT (OR(the changed talks' id terms) AND_NOT XVdelta), XVdelta being a term every
//     delta document carries.
// The program reads the talks marked in INDEX (scripts/bench-delta marks them with
// talksearch-bench-mark-superseded), then runs each query of QUERIES (the engine bench's
// talksearch-queries.tsv, "class<TAB>query"; Xapian's QueryParser with AND by default, English
// stems, phrases, year: filters) for its top 10 (BM25) plain and with either filter, the three
// interleaved, and prints p50 and p99 per class in ms.
// The product's queries do more (the proximity bonus, collapsing, moments), so a filter's
// share of their time is smaller still.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/quantile.h"

using talksearch::test::quantile;

namespace {

double time_query(Xapian::Enquire& enquire, const Xapian::Query& q) {
    const auto t0 = std::chrono::steady_clock::now();
    enquire.set_query(q);
    const Xapian::MSet mset = enquire.get_mset(0, 10, 100);
    volatile Xapian::doccount sink = mset.size();
    (void)sink;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s INDEX QUERIES.tsv [PASSES]\n", argv[0]);
        return 2;
    }
    const Xapian::Database db(argv[1]);
    const int passes = argc > 3 ? std::stoi(argv[3]) : 3;
    constexpr Xapian::valueno kSlot = 17;  // bench/delta/mark_superseded.cpp

    // The marked talks' id terms.
    std::vector<Xapian::Query> ids;
    for (auto v = db.valuestream_begin(kSlot); v != db.valuestream_end(kSlot); ++v) {
        auto t = db.termlist_begin(v.get_docid());
        t.skip_to("Q");
        if (t != db.termlist_end(v.get_docid()) && (*t).rfind('Q', 0) == 0) ids.emplace_back(*t);
    }
    if (ids.empty()) {
        std::fprintf(stderr, "%s: no talk is marked (slot %u)\n", argv[1], kSlot);
        return 2;
    }
    const Xapian::Query by_terms(Xapian::Query::OP_AND_NOT,
                                 Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end()),
                                 Xapian::Query("XVdelta"));
    const Xapian::Query by_value(Xapian::Query::OP_VALUE_GE, kSlot, "1");

    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_boolean_prefix("year", "Y");
    std::vector<std::pair<std::string, Xapian::Query>> queries;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
        const auto tab = line.find('\t');
        if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
        queries.emplace_back(
            line.substr(0, tab),
            qp.parse_query(line.substr(tab + 1),
                           Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD));
    }

    Xapian::Enquire enquire(db);
    // samples[variant][class]: 0 plain, 1 value, 2 terms
    std::map<std::string, std::vector<double>> samples[3];
    for (int pass = 0; pass <= passes; ++pass) {  // pass 0 warms up
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const auto& [cls, q] = queries[i];
            const Xapian::Query variants[3] = {
                q, Xapian::Query(Xapian::Query::OP_AND_NOT, q, by_value),
                Xapian::Query(Xapian::Query::OP_AND_NOT, q, by_terms)};
            double t[3];
            for (std::size_t k = 0; k < 3; ++k) {  // rotated, so no variant always goes first
                const std::size_t v = (k + i + static_cast<std::size_t>(pass)) % 3;
                t[v] = time_query(enquire, variants[v]);
            }
            if (pass == 0) continue;
            for (const std::string& key : {cls, std::string("all")}) {
                for (std::size_t v = 0; v < 3; ++v) samples[v][key].push_back(t[v]);
            }
        }
    }
    std::printf("%u talks, %zu hidden (%.1f%%); %zu queries x %d passes\n\n", db.get_doccount(),
                ids.size(), 100.0 * static_cast<double>(ids.size()) / db.get_doccount(),
                queries.size(), passes);
    std::printf(
        "| class | p50 plain | p50 value | p50 terms | p99 plain | p99 value | p99 terms |\n");
    std::printf("|---|---|---|---|---|---|---|\n");
    for (const auto& [cls, plain] : samples[0]) {
        std::printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", cls.c_str(),
                    quantile(plain, 0.5), quantile(samples[1][cls], 0.5),
                    quantile(samples[2][cls], 0.5), quantile(plain, 0.99),
                    quantile(samples[1][cls], 0.99), quantile(samples[2][cls], 0.99));
    }
    return 0;
}

// talksearch-bench-hidden-filter: what hiding replaced talks costs an update and a query
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
// The program marks every n-th talk of INDEX (it writes to it: give it a copy) for
// HIDDEN_PERCENT of the talks, printing the time and the bytes that took, then runs each query
// of QUERIES (the engine bench's talksearch-queries.tsv, "class<TAB>query"; Xapian's
// QueryParser with AND by default, English stems, phrases, year: filters) for its top 10
// (BM25) plain and with either filter, the three interleaved, and prints p50 and p99 per class.
// The product's queries do more (the proximity bonus, collapsing, moments), so a filter's
// share of their time is smaller still.
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(rank, v.size() - 1)];
}

double time_query(Xapian::Enquire& enquire, const Xapian::Query& q) {
    const auto t0 = std::chrono::steady_clock::now();
    enquire.set_query(q);
    const Xapian::MSet mset = enquire.get_mset(0, 10, 100);
    volatile Xapian::doccount sink = mset.size();
    (void)sink;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

std::uintmax_t folder_bytes(const std::string& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) total += e.file_size();
    }
    return total;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s INDEX QUERIES.tsv HIDDEN_PERCENT [PASSES]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const double percent = std::stod(argv[3]);
    const int passes = argc > 4 ? std::stoi(argv[4]) : 3;
    constexpr Xapian::valueno kSlot = 17;

    // Mark every n-th talk, values only, and note its id term.
    std::vector<Xapian::Query> ids;
    double mark_seconds = 0;
    const std::uintmax_t before = folder_bytes(dir);
    {
        Xapian::WritableDatabase wdb(dir, Xapian::DB_OPEN);
        const auto every = static_cast<std::size_t>(std::max(1.0, 100.0 / percent));
        std::vector<std::string> terms;
        std::size_t n = 0;
        for (auto t = wdb.allterms_begin("Q"); t != wdb.allterms_end("Q"); ++t, ++n) {
            if (n % every == 0) terms.push_back(*t);
        }
        const auto t0 = std::chrono::steady_clock::now();
        for (const std::string& term : terms) {
            ids.emplace_back(term);
            const Xapian::docid did = *wdb.postlist_begin(term);
            Xapian::Document doc = wdb.get_document(did);
            doc.add_value(kSlot, "1");
            wdb.replace_document(did, doc);
        }
        wdb.commit();
        mark_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    const std::uintmax_t after = folder_bytes(dir);
    const Xapian::Database db(dir);
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
    std::printf(
        "%u talks, %zu hidden (%.1f%%): marked in %.3f s, %ju -> %ju bytes (%.3fx); "
        "%zu queries x %d passes\n\n",
        db.get_doccount(), ids.size(), percent, mark_seconds, before, after,
        static_cast<double>(after) / static_cast<double>(before), queries.size(), passes);
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

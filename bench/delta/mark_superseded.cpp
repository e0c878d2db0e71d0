// talksearch-bench-mark-superseded DB IDS: the base's half of an update in the delta-database
// design (issue 20; scripts/bench-delta): each talk listed in IDS (event/slug, one a line) is
// marked superseded with a value (slot 17 = "1") by a values-only replace_document, which
// leaves the talk's postings and positions alone. Prints the talks marked and the seconds.
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s DB IDS\n", argv[0]);
        return 2;
    }
    Xapian::WritableDatabase db(argv[1], Xapian::DB_OPEN);
    std::ifstream in(argv[2]);
    auto t0 = std::chrono::steady_clock::now();
    int n = 0;
    for (std::string id; std::getline(in, id);) {
        auto p = db.postlist_begin("Q" + id);
        if (p == db.postlist_end("Q" + id)) continue;
        Xapian::Document doc = db.get_document(*p);
        if (doc.get_value(17) == "1") continue;
        doc.add_value(17, "1");
        db.replace_document(*p, doc);
        ++n;
    }
    db.commit();
    std::printf("%d %.3f\n", n,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

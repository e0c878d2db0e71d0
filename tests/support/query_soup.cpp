#include "tests/support/query_soup.h"

namespace talksearch::test {

QuerySoup::QuerySoup(unsigned seed)
    : pieces_{"decorators",
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
              "''",
              "&",
              "=",
              "%",
              "#",
              "?"},
      rng_(seed) {}

std::string QuerySoup::next() {
    std::uniform_int_distribution<std::size_t> pick(0, pieces_.size() - 1), count(1, 12),
        space(0, 3);
    std::string q;
    for (std::size_t k = count(rng_); k > 0; --k) {
        q += pieces_[pick(rng_)];
        if (space(rng_) != 0) q += ' ';
    }
    return q;
}

}  // namespace talksearch::test

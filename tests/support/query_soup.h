// Random "operator soup" queries: words, every operator and field prefix of
// the query language, broken UTF-8, NUL and URL metacharacters, glued
// together at random. For robustness tests of the searcher and the server.
#pragma once

#include <random>
#include <string>
#include <vector>

namespace talksearch::test {

class QuerySoup {
  public:
    explicit QuerySoup(unsigned seed = 20261122);
    /// The next query: 1 to 12 pieces, mostly separated by spaces.
    std::string next();

  private:
    std::vector<std::string> pieces_;
    std::mt19937 rng_;
};

}  // namespace talksearch::test

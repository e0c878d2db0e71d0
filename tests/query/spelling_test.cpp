#include "query/spelling.h"

#include <catch2/catch.hpp>

using namespace talksearch;

TEST_CASE("edit_distance counts a swap of neighbouring letters as one edit", "[spelling]") {
    CHECK(edit_distance("python", "python") == 0);
    CHECK(edit_distance("pyhton", "python") == 1);
    CHECK(edit_distance("pythn", "python") == 1);
    CHECK(edit_distance("pythons", "python") == 1);
    CHECK(edit_distance("jython", "python") == 1);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("decorater", "decorators") == 2);
}

#include "core/json_writer.h"

#include <catch2/catch.hpp>

using namespace talksearch;

TEST_CASE("JsonWriter places commas between members and items, never after the last", "[json]") {
    JsonWriter w;
    w.begin_object();
    w.key("a").value(std::int64_t{1});
    w.key("b").begin_array().value("x").null().value(true).end_array();
    w.key("c").begin_object().end_object();
    w.key("d").string_or_null("");
    w.key("e").value(std::optional<std::int64_t>{});
    w.key("f").value(2.5, 2);
    w.key("g").strings({"p", "q"});
    w.end_object();
    CHECK(w.str() ==
          "{\"a\":1,\"b\":[\"x\",null,true],\"c\":{},\"d\":null,\"e\":null,\"f\":2.50,"
          "\"g\":[\"p\",\"q\"]}");
}

TEST_CASE("JsonWriter escapes keys and strings", "[json]") {
    JsonWriter w;
    w.begin_object().key("k\"ey").value("line\nbreak \xE2\x80\xA8").end_object();
    CHECK(w.str() == "{\"k\\\"ey\":\"line\\nbreak \\u2028\"}");
}

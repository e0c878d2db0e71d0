#include "query/http_encoding.h"

#include <catch2/catch.hpp>

#include "tests/support/http.h"

using namespace talksearch;
using talksearch::test::gunzip;

TEST_CASE("accepts_gzip reads Accept-Encoding with q-values and the wildcard", "[http_encoding]") {
    SECTION("gzip listed, in any case, with or without a positive q-value") {
        CHECK(accepts_gzip("gzip"));
        CHECK(accepts_gzip("gzip, deflate, br"));
        CHECK(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        CHECK(accepts_gzip("x-gzip"));
        CHECK(accepts_gzip("deflate , gzip ; q = 0.001"));
        CHECK(accepts_gzip("gzip;q=1"));
    }
    SECTION("gzip refused with q=0, even when * accepts everything") {
        CHECK_FALSE(accepts_gzip("gzip;q=0"));
        CHECK_FALSE(accepts_gzip("gzip;q=0.000, *"));
        CHECK_FALSE(accepts_gzip("*, gzip;q=0"));
        CHECK_FALSE(accepts_gzip("gzip, gzip;q=0"));
    }
    SECTION("the wildcard speaks for gzip when gzip is not listed") {
        CHECK(accepts_gzip("*"));
        CHECK(accepts_gzip("br;q=1, *;q=0.1"));
        CHECK_FALSE(accepts_gzip("*;q=0"));
    }
    SECTION("no header, other codings, identity, and malformed q-values accept nothing") {
        CHECK_FALSE(accepts_gzip(""));
        CHECK_FALSE(accepts_gzip("identity"));
        CHECK_FALSE(accepts_gzip("br, deflate"));
        CHECK_FALSE(accepts_gzip("gzipx"));
        CHECK_FALSE(accepts_gzip("gzip;q=2"));
        CHECK_FALSE(accepts_gzip("gzip;q=1.5"));
        CHECK_FALSE(accepts_gzip("gzip;q=abc"));
        CHECK_FALSE(accepts_gzip("gzip;q="));
    }
}

TEST_CASE("gzip_compress makes a gzip stream that inflates to the bytes", "[http_encoding]") {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "{\"title\":\"Decorators from the Ground Up\"},";
    const std::string gz = gzip_compress(text);
    CHECK(gz.substr(0, 2) == "\x1f\x8b");
    CHECK(gz.size() * 10 < text.size());
    CHECK(gunzip(gz) == text);
    CHECK(gunzip(gzip_compress("")) == "");
}

TEST_CASE("if_none_match compares a list of entity tags weakly and honours *", "[http_encoding]") {
    const std::string tag = "\"0123abcd\"";
    CHECK(if_none_match("\"0123abcd\"", tag));
    CHECK(if_none_match("W/\"0123abcd\"", tag));
    CHECK(if_none_match("\"other\", W/\"0123abcd\"", tag));
    CHECK(if_none_match("\"a,b\",\"0123abcd\"", tag));
    CHECK(if_none_match("*", tag));
    CHECK(if_none_match(" \"x\" ,  *", tag));
    CHECK(if_none_match("\"0123abcd\"", "W/" + tag));
    CHECK_FALSE(if_none_match("", tag));
    CHECK_FALSE(if_none_match("\"0123abc\"", tag));
    CHECK_FALSE(if_none_match("\"0123abcd-gzip\"", tag));
    CHECK_FALSE(if_none_match("0123abcd", tag));
    CHECK_FALSE(if_none_match("\"x\", \"0123abcd", tag));
    CHECK_FALSE(if_none_match("\"a,\"0123abcd\"\"", tag));
}

TEST_CASE("etag_of and gzip_etag give distinct tags for each body and each form",
          "[http_encoding]") {
    CHECK(etag_of("a") == etag_of("a"));
    CHECK(etag_of("a") != etag_of("b"));
    CHECK(etag_of("a").front() == '"');
    CHECK(etag_of("a").back() == '"');
    CHECK(gzip_etag(etag_of("a")) != etag_of("a"));
    CHECK(gzip_etag("\"abc\"") == "\"abc-gzip\"");
}

TEST_CASE("encode_body gzips a large body for a client that accepts it and answers 304 to its tag",
          "[http_encoding]") {
    std::string json;
    for (int i = 0; i < 100; ++i)
        json += R"({"title":"Decorators","rank":)" + std::to_string(i) + "}";
    PreparedBody body{json, "", etag_of(json)};
    SECTION("gzip: the gzip form with its own tag, varying by Accept-Encoding") {
        const EncodedBody e = encode_body(body, {true, std::nullopt});
        CHECK(e.gzip);
        CHECK(e.vary);
        CHECK_FALSE(e.not_modified);
        CHECK(e.etag == gzip_etag(etag_of(json)));
        CHECK(gunzip(e.bytes) == json);
    }
    SECTION("no gzip: the body itself with the plain tag, still varying") {
        const EncodedBody e = encode_body(body, {false, std::nullopt});
        CHECK_FALSE(e.gzip);
        CHECK(e.vary);
        CHECK(e.etag == etag_of(json));
        CHECK(e.bytes == json);
    }
    SECTION("If-None-Match with the tag of the form chosen: 304, with the length of that form") {
        const EncodedBody gz = encode_body(body, {true, gzip_etag(etag_of(json))});
        CHECK(gz.not_modified);
        CHECK(gunzip(gz.bytes) == json);
        CHECK(gz.etag == gzip_etag(etag_of(json)));
        const EncodedBody plain = encode_body(body, {false, "W/" + etag_of(json)});
        CHECK(plain.not_modified);
    }
    SECTION("the tag of the other form is not a match") {
        CHECK_FALSE(encode_body(body, {true, etag_of(json)}).not_modified);
        CHECK_FALSE(encode_body(body, {false, gzip_etag(etag_of(json))}).not_modified);
    }
    SECTION("a body without a tag never gets a 304") {
        body.etag.clear();
        const EncodedBody e = encode_body(body, {true, "*"});
        CHECK_FALSE(e.not_modified);
        CHECK(e.etag.empty());
        CHECK(e.gzip);
    }
    SECTION("a prepared body sends the gzip form made ahead") {
        const PreparedBody prepared = prepare_body(json);
        CHECK_FALSE(prepared.gzip.empty());
        const EncodedBody e = encode_body(prepared, {true, std::nullopt});
        CHECK(e.bytes == prepared.gzip);
        CHECK(gunzip(e.bytes) == json);
    }
}

TEST_CASE("encode_body sends a body under 1 KB as it is whatever the client accepts",
          "[http_encoding]") {
    const PreparedBody small = prepare_body(R"({"error":"not found"})");
    CHECK(small.gzip.empty());
    const EncodedBody e = encode_body(small, {true, std::nullopt});
    CHECK_FALSE(e.gzip);
    CHECK_FALSE(e.vary);
    CHECK(e.bytes == small.plain);
    CHECK(e.etag == etag_of(small.plain));
}

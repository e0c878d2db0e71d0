#include "core/text.h"

#include <catch2/catch.hpp>

using namespace talksearch;

TEST_CASE("detect_utf16 tells UTF-16 by its byte order mark or its NULs, and nothing else",
          "[text]") {
    using talksearch::detect_utf16;
    const auto le_bom = detect_utf16("\xFF\xFEh\0");
    REQUIRE(le_bom);
    CHECK(le_bom->little_endian);
    CHECK(le_bom->bom_bytes == 2);
    const auto be_bom = detect_utf16("\xFE\xFF\0h");
    REQUIRE(be_bom);
    CHECK_FALSE(be_bom->little_endian);
    CHECK(be_bom->bom_bytes == 2);
    const auto le = detect_utf16(std::string_view("1\0\r\0", 4));
    REQUIRE(le);
    CHECK(le->little_endian);
    CHECK(le->bom_bytes == 0);
    const auto be = detect_utf16(std::string_view("\0W\0E", 4));
    REQUIRE(be);
    CHECK_FALSE(be->little_endian);
    for (std::string_view not_utf16 :
         {std::string_view("WEBVTT"), std::string_view("\xEF\xBB\xBFWEBVTT"), std::string_view(""),
          std::string_view("1\0", 2), std::string_view("\0\0\0\0", 4),
          std::string_view("ab\0\0", 4)}) {
        CHECK_FALSE(detect_utf16(not_utf16).has_value());
    }
}

TEST_CASE("sanitize_utf8 replaces each invalid sequence and NUL with U+FFFD", "[text]") {
    CHECK(sanitize_utf8("caf\xC3\xA9") == "caf\xC3\xA9");
    CHECK(sanitize_utf8("a\xC3\x28") == "a\xEF\xBF\xBD(");
    CHECK(sanitize_utf8(std::string_view("a\0b", 3)) ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(sanitize_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    CHECK(sanitize_utf8("\xFF") == "\xEF\xBF\xBD");
    CHECK(sanitize_utf8("\xE2\x82") == "\xEF\xBF\xBD");  // truncated: one maximal subpart
    CHECK(is_valid_utf8(sanitize_utf8("\xC0\xAF\xF5\x80")));
}

TEST_CASE("to_nfc composes decomposed titles", "[text]") {
    // "Café" written with a combining acute accent.
    CHECK(to_nfc("Cafe\xCC\x81") == "Caf\xC3\xA9");
    CHECK(to_nfc("plain ascii") == "plain ascii");
}

TEST_CASE("fold_case lower-cases names beyond ASCII", "[text]") {
    CHECK(fold_case("Łukasz LANGA") == "łukasz langa");
}

TEST_CASE("decode_html_entities decodes named and numeric references and keeps stray ampersands",
          "[text]") {
    CHECK(decode_html_entities("Tom &amp; Jerry &lt;3 &#233;&#x1F600; &nbsp;") ==
          "Tom & Jerry <3 \xC3\xA9\xF0\x9F\x98\x80 \xC2\xA0");
    CHECK(decode_html_entities("AT&T & co &unknown;") == "AT&T & co &unknown;");
}

TEST_CASE("decode_html_entities reads every name of the HTML standard's table, as HTML does",
          "[text]") {
    using talksearch::EntityRules;
    // Legacy names need no ';' and upper-case AMP is a name of its own.
    CHECK(decode_html_entities("fish &amp chips, &AMP; &not fair") ==
          "fish & chips, & \xC2\xAC fair");
    // Names beyond Latin-1, the longest of all among them.
    CHECK(decode_html_entities("&notin; &nsubE; a&NewLine;b &ClockwiseContourIntegral;") ==
          "\xE2\x88\x89 \xE2\xAB\x85\xCC\xB8 a\nb \xE2\x88\xB2");
    // The longest name that the text starts with: "&notit;" is "not" then "it;".
    CHECK(decode_html_entities("&notit;") == "\xC2\xACit;");
    // Numeric references as HTML reads them: windows-1252 for 128-159, U+FFFD
    // for NUL, surrogates and values past U+10FFFF.
    CHECK(decode_html_entities("&#150;&#0;&#xD800;&#x110000;&#99999999999;") ==
          "\xE2\x80\x93\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    // Strict rules read only complete references.
    CHECK(decode_html_entities("&amp &copy x&amp;y &#39", EntityRules::kStrict) ==
          "&amp &copy x&y &#39");
}

TEST_CASE("html_escape escapes quotes as well as angle brackets", "[text]") {
    CHECK(html_escape("<img src=x onerror=\"a('b')\">&") ==
          "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;");
}

TEST_CASE("json_string escapes control characters and line separators", "[text]") {
    CHECK(json_string("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\nd\\u0001\"");
    CHECK(json_string("x\xE2\x80\xA8y") == "\"x\\u2028y\"");
}

TEST_CASE("collapse_whitespace joins lines with single spaces", "[text]") {
    CHECK(collapse_whitespace("  two\n lines\t here ") == "two lines here");
}

TEST_CASE("lower_case lower-cases as Xapian does and keeps a final sigma", "[text]") {
    CHECK(lower_case("ΓΛΏΣΣΑ γλώσσας Daubert") == "γλώσσα γλώσσας daubert");
    CHECK(lower_case("ÉCOLE") == "école");
}

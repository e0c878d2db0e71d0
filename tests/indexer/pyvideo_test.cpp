// Tests for pyvideo.org's catalogue layout: parse_talk_json,
// parse_category_json, normalize_language and load_catalogue.

#include "indexer/sources/pyvideo.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/language.h"
#include "core/text.h"
#include "tests/support/shared.h"

namespace fs = std::filesystem;
using talksearch::Catalogue;
using talksearch::load_catalogue;
using talksearch::LoadProblem;
using talksearch::normalize_language;
using talksearch::parse_category_json;
using talksearch::parse_talk_json;
using talksearch::ParseError;
using talksearch::Talk;
using talksearch::Warning;

namespace {

const fs::path kFixtures = fs::path(TALKSEARCH_TEST_DATA) / "pyvideo";

// A minimal valid talk with `fields` spliced in (a leading comma is added).
std::string talk_json(const std::string& fields = "") {
    std::string json =
        R"({"title": "A Talk", "description": "", "speakers": [], "recorded": "2020-01-02",)"
        R"( "videos": [])";
    if (!fields.empty()) json += ", " + fields;
    return json + "}";
}

Talk parse(const std::string& json, std::vector<Warning>* warnings = nullptr) {
    return parse_talk_json(json, "some-event", "file-stem", warnings);
}

// The ParseError message for `json`, or "" when it parses.
std::string parse_error(const std::string& json) {
    try {
        parse(json);
    } catch (const ParseError& e) {
        return e.what();
    }
    return "";
}

bool any_warning_starts_with(const std::vector<Warning>& warnings, const std::string& prefix) {
    return std::any_of(warnings.begin(), warnings.end(), [&](const Warning& w) {
        return w.message.compare(0, prefix.size(), prefix) == 0;
    });
}

std::vector<std::string> ids(const Catalogue& catalogue) {
    std::vector<std::string> out;
    for (const Talk& t : catalogue.talks) out.push_back(talk_id(t));
    return out;
}

const Talk* find_talk(const Catalogue& catalogue, const std::string& id) {
    for (const Talk& t : catalogue.talks) {
        if (talk_id(t) == id) return &t;
    }
    return nullptr;
}

// A fresh empty folder under the system's temp folder, removed on exit.
struct TempDir {
    fs::path path;
    explicit TempDir(const std::string& name) {
        path = fs::temp_directory_path() / ("talksearch-pyvideo-test-" + name);
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
}

}  // namespace

// ---- parse_talk_json: every field --------------------------------------------

TEST_CASE("parse_talk_json reads every field of the schema", "[pyvideo]") {
    const std::string json = R"({
        "alias": "video/1234/the-talk",
        "category": "PyCon US 2014",
        "copyright_text": "CC BY",
        "description": "The long description.",
        "duration": 1800,
        "id": 1234,
        "language": "eng",
        "quality_notes": "Audio is quiet.",
        "recorded": "2014-04-12",
        "related_urls": [{"label": "slides", "url": "https://example.org/slides"}],
        "slug": "the-talk",
        "speakers": ["Graham Dumpleton"],
        "summary": "The summary.",
        "tags": ["wsgi", "mod_wsgi"],
        "thumbnail_url": "https://i.ytimg.com/vi/x/hqdefault.jpg",
        "title": "Advanced methods for creating decorators",
        "videos": [{"type": "youtube", "url": "https://www.youtube.com/watch?v=7jGtDGxgwEY",
                    "size": 1000, "length": 2000}]
    })";
    std::vector<Warning> warnings;
    const Talk t = parse_talk_json(json, "pycon-us-2014", "advanced-methods-for-creat", &warnings);
    CHECK(warnings.empty());
    CHECK(t.origin == talksearch::TalkOrigin::kPyvideo);
    CHECK(t.event == "pycon-us-2014");
    CHECK(t.event_title == "PyCon US 2014");  // from the deprecated `category`
    CHECK(t.slug == "the-talk");
    CHECK(t.title == "Advanced methods for creating decorators");
    CHECK(t.speakers == std::vector<std::string>{"Graham Dumpleton"});
    CHECK(t.tags == std::vector<std::string>{"wsgi", "mod_wsgi"});
    CHECK(t.summary == "The summary.");
    CHECK(t.description == "The long description.");
    CHECK(t.language == "en");
    CHECK(t.recorded == "2014-04-12");
    CHECK(t.duration_s == 1800);
    REQUIRE(t.videos.size() == 1);
    CHECK(t.videos[0].type == "youtube");
    CHECK(t.videos[0].url == "https://www.youtube.com/watch?v=7jGtDGxgwEY");
    CHECK(t.videos[0].size_bytes == 1000);  // `size` wins over the deprecated `length`
    REQUIRE(t.related_urls.size() == 1);
    CHECK(t.related_urls[0].label == "slides");
    CHECK(t.related_urls[0].url == "https://example.org/slides");
    CHECK(t.thumbnail_url == "https://i.ytimg.com/vi/x/hqdefault.jpg");
    CHECK(t.copyright_text == "CC BY");
    CHECK(t.quality_notes == "Audio is quiet.");
    CHECK(t.pyvideo_id == 1234);
    CHECK(t.tracks.empty());
    CHECK(t.source_path.empty());
}

TEST_CASE("parse_talk_json ignores keys outside the schema", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse(
        talk_json(R"("abstract": "x", "file_name": "y", "title2": {"a": [1, 2]}, ",duration": 3)"),
        &warnings);
    CHECK(t.title == "A Talk");
    CHECK_FALSE(t.duration_s.has_value());
    CHECK(warnings.empty());
}

TEST_CASE("parse_talk_json leaves the event title empty without a category field", "[pyvideo]") {
    CHECK(parse(talk_json()).event_title.empty());
}

// ---- Title and slug -------------------------------------------------------------

TEST_CASE("parse_talk_json rejects a file without a title", "[pyvideo]") {
    CHECK(parse_error(R"({"description": "", "speakers": [], "videos": []})") == "title: missing");
    CHECK(parse_error(R"({"title": null})") == "title: missing");
}

TEST_CASE("parse_talk_json rejects a title that is empty after trimming", "[pyvideo]") {
    CHECK(parse_error(R"({"title": "  \t\n "})") == "title: empty");
}

TEST_CASE("parse_talk_json rejects a title that is not a string", "[pyvideo]") {
    CHECK(parse_error(R"({"title": 42})") == "title: expected a string");
    CHECK(parse_error(R"({"title": ["a"]})") == "title: expected a string");
}

TEST_CASE("parse_talk_json trims the title and collapses its inner whitespace", "[pyvideo]") {
    const Talk t = parse(R"({"title": "  GeoPython 2019  (June 26)\n Track 1 "})");
    CHECK(t.title == "GeoPython 2019 (June 26) Track 1");
}

TEST_CASE("parse_talk_json takes the slug from the JSON when it has one", "[pyvideo]") {
    CHECK(parse(talk_json(R"("slug": "Learning_Sprint")")).slug == "Learning_Sprint");
}

TEST_CASE("parse_talk_json takes the slug from the file name when the JSON has none", "[pyvideo]") {
    CHECK(parse(talk_json()).slug == "file-stem");
    CHECK(parse(talk_json(R"("slug": "")")).slug == "file-stem");
    CHECK(parse(talk_json(R"("slug": null)")).slug == "file-stem");
}

TEST_CASE("parse_talk_json falls back to the file name for a slug with a slash", "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK(parse(talk_json(R"("slug": "a/b")"), &warnings).slug == "file-stem");
    CHECK(any_warning_starts_with(warnings, "slug:"));
}

TEST_CASE("parse_talk_json rejects a slug that is not a string", "[pyvideo]") {
    CHECK(parse_error(talk_json(R"("slug": 7)")) == "slug: expected a string");
}

// ---- Invalid documents ------------------------------------------------------------

TEST_CASE("parse_talk_json rejects invalid JSON with a json: message", "[pyvideo]") {
    const std::string message = parse_error(R"({"title": "A", "speakers": ["B")");
    CHECK(message.rfind("json: ", 0) == 0);
}

TEST_CASE("parse_talk_json rejects an empty file", "[pyvideo]") {
    CHECK(parse_error("") == "json: the file is empty");
    CHECK(parse_error("\xEF\xBB\xBF") == "json: the file is empty");
}

TEST_CASE("parse_talk_json rejects a document that is not an object", "[pyvideo]") {
    CHECK(parse_error(R"(["title"])") == "json: expected an object, found an array");
}

TEST_CASE("parse_talk_json rejects a second document after the first", "[pyvideo]") {
    CHECK_FALSE(parse_error(talk_json() + "\n" + talk_json()).empty());
    CHECK_FALSE(parse_error(talk_json() + " garbage").empty());
}

TEST_CASE("parse_talk_json takes the last value of a key given twice", "[pyvideo]") {
    CHECK(parse(R"({"title": "First", "title": "Second"})").title == "Second");
}

TEST_CASE("parse_talk_json rejects 2000-deep nesting and a 30-digit number with a json: message",
          "[pyvideo]") {
    const std::string deep =
        R"({"title": "T", "tags": )" + std::string(2000, '[') + std::string(2000, ']') + "}";
    CHECK_THAT(parse_error(deep), Catch::StartsWith("json: ") && Catch::Contains("too deep"));
    CHECK_THAT(parse_error(R"({"title": "T", "duration": 123456789012345678901234567890})"),
               Catch::StartsWith("json: ") && Catch::Contains("number"));
}

// ---- Description, summary ------------------------------------------------------------

TEST_CASE("parse_talk_json keeps a talk whose description is null", "[pyvideo]") {
    const Talk t = parse(R"({"title": "T", "description": null})");
    CHECK(t.title == "T");
    CHECK(t.description.empty());
}

TEST_CASE("parse_talk_json keeps a talk whose description is empty", "[pyvideo]") {
    CHECK(parse(R"({"title": "T", "description": ""})").description.empty());
}

TEST_CASE("parse_talk_json keeps a talk whose description is missing", "[pyvideo]") {
    CHECK(parse(R"({"title": "T"})").description.empty());
}

TEST_CASE("parse_talk_json rejects a description that is not a string", "[pyvideo]") {
    CHECK(parse_error(R"({"title": "T", "description": 3})") == "description: expected a string");
    CHECK(parse_error(R"({"title": "T", "summary": []})") == "summary: expected a string");
}

TEST_CASE("parse_talk_json turns CRLF inside the description into LF", "[pyvideo]") {
    const Talk t = parse(talk_json(R"("description": "One.\r\nTwo.\rThree.\r\n", )"
                                   R"("summary": "  Short.\r\n")"));
    CHECK(t.description == "One.\nTwo.\nThree.");
    CHECK(t.summary == "Short.");
}

TEST_CASE("parse_talk_json reads a file with CRLF line ends", "[pyvideo]") {
    const Talk t = parse("{\r\n  \"title\": \"Windows\",\r\n  \"speakers\": [\"A B\"]\r\n}\r\n");
    CHECK(t.title == "Windows");
    CHECK(t.speakers == std::vector<std::string>{"A B"});
}

TEST_CASE("parse_talk_json strips a UTF-8 byte order mark", "[pyvideo]") {
    CHECK(parse("\xEF\xBB\xBF" + talk_json()).title == "A Talk");
}

// ---- Speakers and tags -----------------------------------------------------------------

TEST_CASE("parse_talk_json keeps a talk with no speakers", "[pyvideo]") {
    CHECK(parse(talk_json()).speakers.empty());
    CHECK(parse(R"({"title": "T"})").speakers.empty());
    CHECK(parse(R"({"title": "T", "speakers": null})").speakers.empty());
}

TEST_CASE("parse_talk_json trims speakers, drops empty ones and removes duplicates", "[pyvideo]") {
    const Talk t = parse(R"({"title": "T", "speakers": ["", " Ada  Lovelace ", "  ",)"
                         R"( "Ada Lovelace", "Bob"]})");
    CHECK(t.speakers == std::vector<std::string>{"Ada Lovelace", "Bob"});
}

TEST_CASE("parse_talk_json rejects a speaker that is not a string", "[pyvideo]") {
    CHECK(parse_error(R"({"title": "T", "speakers": ["A", "B", 3]})") ==
          "speakers[2]: expected a string");
    CHECK(parse_error(R"({"title": "T", "speakers": "A"})") == "speakers: expected an array");
}

TEST_CASE("parse_talk_json cleans tags like speakers", "[pyvideo]") {
    const Talk t = parse(R"({"title": "T", "tags": ["django", " django ", "", "web  apps"]})");
    CHECK(t.tags == std::vector<std::string>{"django", "web apps"});
    CHECK(parse_error(R"({"title": "T", "tags": [null]})") == "tags[0]: expected a string");
}

// ---- Unicode ----------------------------------------------------------------------------

TEST_CASE("parse_talk_json decodes an emoji written as an escaped surrogate pair", "[pyvideo]") {
    const Talk t = parse(R"({"title": "Snakes \ud83d\udc0d everywhere \ud83d\ude00"})");
    CHECK(t.title == "Snakes \xF0\x9F\x90\x8D everywhere \xF0\x9F\x98\x80");
    CHECK(talksearch::is_valid_utf8(t.title));
}

TEST_CASE("parse_talk_json rejects a lone escaped surrogate", "[pyvideo]") {
    CHECK_FALSE(parse_error(R"({"title": "half \ud83d pair"})").empty());
}

TEST_CASE("parse_talk_json normalises text fields to NFC", "[pyvideo]") {
    // "Cafe" + U+0301 COMBINING ACUTE ACCENT, and Hangul as conjoining jamo.
    const std::string decomposed = "Cafe\xCC\x81";
    const std::string composed = "Caf\xC3\xA9";
    const std::string json = std::string(R"({"title": ")") + decomposed + R"(", "speakers": [")" +
                             decomposed + R"("], "tags": [")" + decomposed + R"("], "summary": ")" +
                             decomposed + R"(", "description": ")" + decomposed +
                             R"(", "related_urls": []})";
    const Talk t = parse(json);
    CHECK(t.title == composed);
    CHECK(t.speakers == std::vector<std::string>{composed});
    CHECK(t.tags == std::vector<std::string>{composed});
    CHECK(t.summary == composed);
    CHECK(t.description == composed);
    // U+1100 U+1161 (conjoining jamo) compose to U+AC00 HANGUL SYLLABLE GA.
    CHECK(parse(R"({"title": "\u1100\u1161"})").title == "\xEA\xB0\x80");
}

TEST_CASE("parse_talk_json replaces invalid UTF-8 with U+FFFD and warns", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse("{\"title\": \"Caf\xE9\"}", &warnings);  // Latin-1 é
    CHECK(t.title == "Caf\xEF\xBF\xBD");
    CHECK(any_warning_starts_with(warnings, "json: invalid UTF-8"));
}

TEST_CASE("parse_talk_json replaces an escaped NUL in text", "[pyvideo]") {
    CHECK(parse(R"({"title": "a\u0000b"})").title ==
          "a\xEF\xBF\xBD"
          "b");
}

// ---- Related URLs -----------------------------------------------------------------------

TEST_CASE("parse_talk_json reads related_urls given as strings or as label and url objects",
          "[pyvideo]") {
    const Talk t = parse(talk_json(R"("related_urls": ["https://a.example",)"
                                   R"( {"label": "Slides", "url": "https://b.example"},)"
                                   R"( {"url": "https://c.example"}])"));
    REQUIRE(t.related_urls.size() == 3);
    CHECK(t.related_urls[0].label.empty());
    CHECK(t.related_urls[0].url == "https://a.example");
    CHECK(t.related_urls[1].label == "Slides");
    CHECK(t.related_urls[1].url == "https://b.example");
    CHECK(t.related_urls[2].url == "https://c.example");
}

TEST_CASE("parse_talk_json drops unusable related urls with a warning", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse(talk_json(R"("related_urls": [42, {"label": "no url"},)"
                                   R"( {"label": "empty", "url": ""}, "https://ok.example",)"
                                   R"( "https://ok.example"])"),
                         &warnings);
    REQUIRE(t.related_urls.size() == 1);  // the duplicate is dropped too
    CHECK(t.related_urls[0].url == "https://ok.example");
    CHECK(any_warning_starts_with(warnings, "related_urls[0]: expected a string or an object"));
    CHECK(any_warning_starts_with(warnings, "related_urls[1].url: expected a string"));
    CHECK(any_warning_starts_with(warnings, "related_urls[2]: empty url"));
}

TEST_CASE("parse_talk_json ignores related_urls that is not an array, with a warning",
          "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK(
        parse(talk_json(R"("related_urls": "https://x.example")"), &warnings).related_urls.empty());
    CHECK(any_warning_starts_with(warnings, "related_urls: expected an array"));
}

// ---- Videos ---------------------------------------------------------------------------

TEST_CASE("parse_talk_json keeps a talk with no videos", "[pyvideo]") {
    CHECK(parse(talk_json()).videos.empty());
    CHECK(parse(R"({"title": "T"})").videos.empty());
    CHECK(parse(R"({"title": "T", "videos": null})").videos.empty());
}

TEST_CASE("parse_talk_json reads the deprecated video length as its size", "[pyvideo]") {
    const Talk t = parse(R"({"title": "T", "videos": [{"type": "mp4", "url": "u", "length": 5},)"
                         R"( {"type": "ogv", "url": "v", "size": null}]})");
    REQUIRE(t.videos.size() == 2);
    CHECK(t.videos[0].size_bytes == 5);
    CHECK_FALSE(t.videos[1].size_bytes.has_value());
}

TEST_CASE("parse_talk_json drops a video without a url, with a warning", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse(R"({"title": "T", "videos": [{"type": "youtube"}, "x",)"
                         R"( {"type": "mp4", "url": "u", "size": "big"}]})",
                         &warnings);
    REQUIRE(t.videos.size() == 1);
    CHECK(t.videos[0].url == "u");
    CHECK_FALSE(t.videos[0].size_bytes.has_value());
    CHECK(any_warning_starts_with(warnings, "videos[0].url:"));
    CHECK(any_warning_starts_with(warnings, "videos[1]: expected an object"));
    CHECK(any_warning_starts_with(warnings, "videos[2].size:"));
}

// ---- Duration ----------------------------------------------------------------------------

TEST_CASE("parse_talk_json reads an integer duration in seconds", "[pyvideo]") {
    CHECK(parse(talk_json(R"("duration": 2700)")).duration_s == 2700);
}

TEST_CASE("parse_talk_json rounds a float duration", "[pyvideo]") {
    CHECK(parse(talk_json(R"("duration": 216.0)")).duration_s == 216);
    CHECK(parse(talk_json(R"("duration": 99.5)")).duration_s == 100);
    CHECK(parse(talk_json(R"("duration": 99.4)")).duration_s == 99);
}

TEST_CASE("parse_talk_json keeps a talk whose duration is null", "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK_FALSE(parse(talk_json(R"("duration": null)"), &warnings).duration_s.has_value());
    CHECK(warnings.empty());
}

TEST_CASE("parse_talk_json reads a duration over a day as milliseconds", "[pyvideo]") {
    // pycon-fr-2016 writes milliseconds: 1385600 is 23 minutes.
    std::vector<Warning> warnings;
    CHECK(parse(talk_json(R"("duration": 1385600)"), &warnings).duration_s == 1386);
    CHECK(any_warning_starts_with(warnings, "duration: 1385600 is more than a day"));
    // A full-day stream in seconds is kept.
    CHECK(parse(talk_json(R"("duration": 42900)")).duration_s == 42900);
    CHECK(parse(talk_json(R"("duration": 86400)")).duration_s == 86400);
}

TEST_CASE("parse_talk_json ignores an impossible duration with a warning", "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK_FALSE(parse(talk_json(R"("duration": 0)"), &warnings).duration_s.has_value());
    CHECK_FALSE(parse(talk_json(R"("duration": -5)"), &warnings).duration_s.has_value());
    CHECK_FALSE(parse(talk_json(R"("duration": 1e12)"), &warnings).duration_s.has_value());
    CHECK_FALSE(parse(talk_json(R"("duration": 1e300)"), &warnings).duration_s.has_value());
    CHECK_FALSE(parse(talk_json(R"("duration": "45:00")"), &warnings).duration_s.has_value());
    CHECK(warnings.size() == 5);
    CHECK(any_warning_starts_with(warnings, "duration: expected a number of seconds"));
}

// ---- Recorded ---------------------------------------------------------------------------

TEST_CASE("parse_talk_json keeps the date of recorded", "[pyvideo]") {
    CHECK(parse(talk_json()).recorded == "2020-01-02");
    CHECK(parse(R"({"title": "T", "recorded": "2023-05-11T19:00:00"})").recorded == "2023-05-11");
    CHECK(parse(R"({"title": "T", "recorded": "2019-08-02T09:15:00+10:00"})").recorded ==
          "2019-08-02");
    CHECK(parse(R"({"title": "T", "recorded": "2019-08-02T23:15:00-05:00"})").recorded ==
          "2019-08-02");
    CHECK(parse(R"({"title": "T", "recorded": "2019-08-02T09:15:00.5Z"})").recorded ==
          "2019-08-02");
    CHECK(parse(R"({"title": "T", "recorded": "2016-02-29"})").recorded == "2016-02-29");
}

TEST_CASE("parse_talk_json leaves recorded empty when it is null", "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK(parse(R"({"title": "T", "recorded": null})", &warnings).recorded.empty());
    CHECK(parse(R"({"title": "T", "recorded": ""})", &warnings).recorded.empty());
    CHECK(warnings.empty());
}

TEST_CASE("parse_talk_json warns about an invalid recorded date and leaves it empty", "[pyvideo]") {
    for (const char* bad : {"2019-13-01", "2019-02-29", "2019-04-31", "2019-00-10", "19-04-01",
                            "2019/04/01", "2019-04-01T25:00:00", "2019-04-01T10:00",
                            "2019-04-01T10:00:00+1:00", "0001-01-01", "April 2019"}) {
        std::vector<Warning> warnings;
        const Talk t =
            parse(std::string(R"({"title": "T", "recorded": ")") + bad + "\"}", &warnings);
        INFO(bad);
        CHECK(t.recorded.empty());
        CHECK(any_warning_starts_with(warnings, "recorded: "));
    }
    std::vector<Warning> warnings;
    CHECK(parse(R"({"title": "T", "recorded": 20190401})", &warnings).recorded.empty());
    CHECK(any_warning_starts_with(warnings, "recorded: expected a string"));
}

// ---- Language -----------------------------------------------------------------------------

TEST_CASE("parse_talk_json maps the 3-letter language code to BCP 47", "[pyvideo]") {
    CHECK(parse(talk_json(R"("language": "eng")")).language == "en");
    CHECK(parse(talk_json(R"("language": "por")")).language == "pt");
    CHECK(parse(talk_json(R"("language": null)")).language.empty());
    CHECK(parse(talk_json()).language.empty());
}

TEST_CASE("parse_talk_json warns about an unknown language code", "[pyvideo]") {
    std::vector<Warning> warnings;
    CHECK(parse(talk_json(R"("language": "klingon")"), &warnings).language.empty());
    CHECK(any_warning_starts_with(warnings, "language: unknown code 'klingon'"));
    warnings.clear();
    CHECK(parse(talk_json(R"("language": "und")"), &warnings).language.empty());
    CHECK(warnings.empty());
}

// ---- Lenient metadata --------------------------------------------------------------------

TEST_CASE("parse_talk_json ignores metadata fields of the wrong type with a warning", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse(talk_json(R"("id": "12", "thumbnail_url": 5, "copyright_text": [],)"
                                   R"( "quality_notes": {}, "alias": 1, "category": false,)"
                                   R"( "language": 3)"),
                         &warnings);
    CHECK_FALSE(t.pyvideo_id.has_value());
    CHECK(t.thumbnail_url.empty());
    CHECK(t.copyright_text.empty());
    CHECK(t.quality_notes.empty());
    CHECK(t.event_title.empty());
    CHECK(t.language.empty());
    for (const char* field : {"id:", "thumbnail_url:", "copyright_text:", "quality_notes:",
                              "alias:", "category:", "language:"}) {
        INFO(field);
        CHECK(any_warning_starts_with(warnings, field));
    }
}

TEST_CASE("parse_talk_json accepts null for every nullable field", "[pyvideo]") {
    std::vector<Warning> warnings;
    const Talk t = parse(R"({"title": "T", "alias": null, "category": null,)"
                         R"( "copyright_text": null, "description": null, "duration": null,)"
                         R"( "id": null, "language": null, "quality_notes": null,)"
                         R"( "recorded": null, "slug": null, "summary": null,)"
                         R"( "thumbnail_url": null, "speakers": null, "tags": null,)"
                         R"( "related_urls": null, "videos": null})",
                         &warnings);
    CHECK(t.title == "T");
    CHECK(warnings.empty());
}

// ---- normalize_language -------------------------------------------------------------------

TEST_CASE("normalize_language maps every code seen in pyvideo-data", "[pyvideo]") {
    const std::map<std::string, std::string> seen = {
        {"eng", "en"}, {"spa", "es"}, {"rus", "ru"}, {"fra", "fr"}, {"por", "pt"}, {"kor", "ko"},
        {"jpn", "ja"}, {"ita", "it"}, {"deu", "de"}, {"zho", "zh"}, {"pol", "pl"}, {"slk", "sk"},
        {"lit", "lt"}, {"tha", "th"}, {"ces", "cs"}, {"eus", "eu"}, {"heb", "he"}, {"glg", "gl"},
    };
    for (const auto& [code, tag] : seen) {
        INFO(code);
        CHECK(normalize_language(code) == tag);
    }
}

TEST_CASE("normalize_language maps bibliographic 3-letter codes", "[pyvideo]") {
    CHECK(normalize_language("ger") == "de");
    CHECK(normalize_language("chi") == "zh");
    CHECK(normalize_language("cze") == "cs");
    CHECK(normalize_language("dut") == "nl");
    CHECK(normalize_language("nld") == "nl");
    CHECK(normalize_language("gre") == "el");
    CHECK(normalize_language("ell") == "el");
    CHECK(normalize_language("fre") == "fr");
    CHECK(normalize_language("swe") == "sv");
    CHECK(normalize_language("fin") == "fi");
    CHECK(normalize_language("ukr") == "uk");
    CHECK(normalize_language("ara") == "ar");
    CHECK(normalize_language("tur") == "tr");
    CHECK(normalize_language("cmn") == "zh");
    CHECK(normalize_language("fil") == "fil");  // no 2-letter code
}

TEST_CASE("normalize_language keeps 2-letter codes and fixes the case of regions", "[pyvideo]") {
    CHECK(normalize_language("en") == "en");
    CHECK(normalize_language("EN") == "en");
    CHECK(normalize_language(" es ") == "es");
    CHECK(normalize_language("pt-BR") == "pt-BR");
    CHECK(normalize_language("pt-br") == "pt-BR");
    CHECK(normalize_language("pt_br") == "pt-BR");
    CHECK(normalize_language("por-BR") == "pt-BR");
    CHECK(normalize_language("zh-hant-tw") == "zh-Hant-TW");
    CHECK(normalize_language("es-419") == "es-419");
    CHECK(normalize_language("en-") == "en");
    CHECK(normalize_language("iw") == "he");
}

TEST_CASE("normalize_language maps language names", "[pyvideo]") {
    CHECK(normalize_language("English") == "en");
    CHECK(normalize_language("SPANISH") == "es");
    CHECK(normalize_language("Español") == "es");
    CHECK(normalize_language("Português") == "pt");
    CHECK(normalize_language("Brazilian Portuguese") == "pt-BR");
    CHECK(normalize_language("Deutsch") == "de");
    CHECK(normalize_language("日本語") == "ja");
    CHECK(normalize_language("Русский") == "ru");
}

TEST_CASE("normalize_language returns empty for an empty or unknown code", "[pyvideo]") {
    CHECK(normalize_language("").empty());
    CHECK(normalize_language("   ").empty());
    CHECK(normalize_language("xx").empty());
    CHECK(normalize_language("xyz").empty());
    CHECK(normalize_language("und").empty());
    CHECK(normalize_language("Klingon").empty());
    CHECK(normalize_language("e").empty());
}

// ---- parse_category_json -----------------------------------------------------------------

TEST_CASE("parse_category_json reads an event", "[pyvideo]") {
    const auto info = parse_category_json(
        "\xEF\xBB\xBF"
        R"({"title": " PyCon US 2014 ", "description": null, "alias": "x",)"
        R"( "url": "https://us.pycon.org/2014/", "start_date": "2014-04-09", "extra": 1})");
    CHECK(info.title == "PyCon US 2014");
    CHECK(info.description.empty());
    CHECK(info.url == "https://us.pycon.org/2014/");
    CHECK(info.start_date == "2014-04-09");
    CHECK(info.end_date.empty());
}

TEST_CASE("parse_category_json rejects a field of the wrong type", "[pyvideo]") {
    try {
        parse_category_json(R"({"title": 2014})");
        FAIL("no ParseError");
    } catch (const ParseError& e) {
        CHECK(std::string(e.what()) == "title: expected a string");
    }
    CHECK_THROWS_AS(parse_category_json(R"({"title": )"), ParseError);
    CHECK_THROWS_AS(parse_category_json("[]"), ParseError);
}

// ---- load_catalogue over the fixture -------------------------------------------------------

TEST_CASE("load_catalogue loads a catalogue and reports the broken files with their paths",
          "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures});
    // Sorted by event, then by file name (bytes); hidden folders, folders
    // without videos/ and non-JSON files are not looked at.
    CHECK(ids(c) ==
          std::vector<std::string>{"alpha-2020/first-talk", "alpha-2020/second talk's",
                                   "alpha-2020/파이썬-발표", "beta-2021/bom-and-crlf",
                                   "minutes-2013/a-short-one", "minutes-2013/b-longer-one",
                                   "minutes-2013/c-lightning", "minutes-2013/d-in-seconds"});
    CHECK(c.files_seen == 11);

    std::map<std::string, std::string> skipped;
    std::vector<std::string> warned;
    for (const LoadProblem& p : c.problems) {
        INFO(p.path << ": " << p.message);
        if (p.skipped) {
            skipped[fs::path(p.path).lexically_relative(kFixtures).string()] = p.message;
        } else {
            warned.push_back(fs::path(p.path).lexically_relative(kFixtures).string());
        }
    }
    REQUIRE(skipped.size() == 3);
    CHECK(skipped.at("alpha-2020/videos/broken.json").rfind("json: ", 0) == 0);
    CHECK(skipped.at("alpha-2020/videos/zz-same-slug.json").rfind("slug: talk id", 0) == 0);
    CHECK(skipped.at("beta-2021/videos/no-title.json") == "title: missing");
    CHECK(warned == std::vector<std::string>{"beta-2021/category.json",
                                             "minutes-2013/category.json", "minutes-2013/videos"});
}

TEST_CASE("load_catalogue fills the talk's path and the event title from category.json",
          "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures});
    const Talk* first = find_talk(c, "alpha-2020/first-talk");
    REQUIRE(first != nullptr);
    CHECK(first->event_title == "Alpha Conf 2020");
    CHECK(first->source_path == (kFixtures / "alpha-2020/videos/first-talk.json").string());
    CHECK(first->speakers == std::vector<std::string>{"Ada Example", "Bob Example"});
    CHECK(first->related_urls.size() == 2);

    const Talk* korean = find_talk(c, "alpha-2020/파이썬-발표");
    REQUIRE(korean != nullptr);
    CHECK(korean->title == "파이썬 발표");
    CHECK(korean->language == "ko");

    const Talk* apostrophe = find_talk(c, "alpha-2020/second talk's");
    REQUIRE(apostrophe != nullptr);
    CHECK(apostrophe->recorded == "2020-05-02");
    CHECK(apostrophe->description.empty());
}

TEST_CASE("load_catalogue falls back to the event slug or the category field for the title",
          "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures});
    const Talk* beta = find_talk(c, "beta-2021/bom-and-crlf");
    REQUIRE(beta != nullptr);
    CHECK(beta->event_title == "beta-2021");  // no category.json, no `category`
    CHECK(beta->title == "Una charla con BOM y CRLF");
    CHECK(beta->description == "Line one.\nLine two.");
    CHECK(beta->language == "es");
    REQUIRE(beta->videos.size() == 1);
    CHECK(beta->videos[0].size_bytes == 1234);

    const Talk* minutes = find_talk(c, "minutes-2013/a-short-one");
    REQUIRE(minutes != nullptr);
    CHECK(minutes->event_title == "Minutes Con 2013");  // broken category.json
}

TEST_CASE("load_catalogue reads the durations of an event written in minutes", "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures});
    CHECK(find_talk(c, "minutes-2013/a-short-one")->duration_s == 30 * 60);
    CHECK(find_talk(c, "minutes-2013/b-longer-one")->duration_s == 45 * 60);
    CHECK(find_talk(c, "minutes-2013/c-lightning")->duration_s == 5 * 60);
    CHECK(find_talk(c, "minutes-2013/d-in-seconds")->duration_s == 1982);  // over 180: seconds
    CHECK(find_talk(c, "alpha-2020/first-talk")->duration_s == 1800);
}

TEST_CASE("load_catalogue divides by 60 the durations of an event written in seconds x 60",
          "[pyvideo]") {
    TempDir tmp("sixty");
    int n = 0;
    for (int d : {79620, 172860, 6060}) {  // djangocon-eu-2015's values
        write_file(tmp.path / "ev/videos" / ("t" + std::to_string(n++) + ".json"),
                   R"({"title": "T", "duration": )" + std::to_string(d) + "}");
    }
    const Catalogue c = load_catalogue({tmp.path});
    REQUIRE(c.talks.size() == 3);
    CHECK(c.talks[0].duration_s == 1327);
    CHECK(c.talks[1].duration_s == 2881);
    CHECK(c.talks[2].duration_s == 101);
}

TEST_CASE("load_catalogue accepts a single event folder as a root", "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures / "alpha-2020"});
    CHECK(ids(c) == std::vector<std::string>{"alpha-2020/first-talk", "alpha-2020/second talk's",
                                             "alpha-2020/파이썬-발표"});
    CHECK(c.talks[0].event_title == "Alpha Conf 2020");
    CHECK(c.files_seen == 5);

    const Catalogue slash = load_catalogue({fs::path(kFixtures / "alpha-2020") / ""});
    CHECK(ids(slash) == ids(c));
}

TEST_CASE("load_catalogue merges several roots in event order", "[pyvideo]") {
    const Catalogue c = load_catalogue({kFixtures / "minutes-2013", kFixtures / "beta-2021"});
    CHECK(ids(c) == std::vector<std::string>{"beta-2021/bom-and-crlf", "minutes-2013/a-short-one",
                                             "minutes-2013/b-longer-one",
                                             "minutes-2013/c-lightning",
                                             "minutes-2013/d-in-seconds"});
}

TEST_CASE("load_catalogue is deterministic", "[pyvideo]") {
    CHECK(ids(load_catalogue({kFixtures})) == ids(load_catalogue({kFixtures})));
}

TEST_CASE("load_catalogue throws when a root does not exist", "[pyvideo]") {
    CHECK_THROWS_AS(load_catalogue({kFixtures / "no-such-folder"}), talksearch::Error);
    CHECK_THROWS_AS(load_catalogue({kFixtures / "alpha-2020/category.json"}), talksearch::Error);
}

TEST_CASE("load_catalogue refuses a file over 16 MB without reading it", "[pyvideo]") {
    TempDir tmp("large");
    write_file(tmp.path / "ev/videos/small.json", R"({"title": "Small"})");
    const fs::path large = tmp.path / "ev/videos/large.json";
    write_file(large, "{");
    fs::resize_file(large, 16u * 1024u * 1024u + 1u);  // sparse: no 16 MB written
    const Catalogue c = load_catalogue({tmp.path});
    CHECK(ids(c) == std::vector<std::string>{"ev/small"});
    CHECK(c.files_seen == 2);
    REQUIRE(c.problems.size() == 2);  // the large file, and the missing category.json
    const LoadProblem& p = c.problems[1];
    CHECK(p.path == large.string());
    CHECK(p.message == "file: 16777217 bytes is over the 16 MB limit; not read");
    CHECK(p.skipped);
}

TEST_CASE("load_catalogue skips a talk whose id repeats one already loaded", "[pyvideo]") {
    TempDir tmp("dupe");
    write_file(tmp.path / "ev/videos/a.json", R"({"title": "A", "slug": "b"})");
    write_file(tmp.path / "ev/videos/b.json", R"({"title": "B"})");
    write_file(tmp.path / "other/videos/b.json", R"({"title": "B elsewhere"})");
    const Catalogue c = load_catalogue({tmp.path});
    // Slugs repeat across events: only the same event + slug is a clash.
    CHECK(ids(c) == std::vector<std::string>{"ev/b", "other/b"});
    CHECK(c.talks[0].title == "A");
}

// ---- The real catalogue --------------------------------------------------------------------

TEST_CASE("load_catalogue loads all of pyvideo-data", "[pyvideo][shared]") {
    const fs::path root = fs::path(TALKSEARCH_SHARED_DIR) / "corpus/pyvideo-data";
    TALKSEARCH_SKIP_WITHOUT(root);
    const auto start = std::chrono::steady_clock::now();
    const Catalogue c = load_catalogue({root});
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);

    CHECK(c.files_seen == 21715);
    CHECK(c.talks.size() == 21715);
    std::vector<std::string> skipped;
    std::map<std::string, int> warnings_by_field;
    for (const LoadProblem& p : c.problems) {
        if (p.skipped) {
            skipped.push_back(p.path + ": " + p.message);
        } else {
            ++warnings_by_field[p.message.substr(0, p.message.find(':'))];
        }
    }
    CHECK(skipped.empty());
    for (const std::string& s : skipped) UNSCOPED_INFO(s);
    // 47 pycon-fr-2016 durations in milliseconds, one "duration:" line for
    // each of the 8 events repaired as a whole, and one empty related url
    // (pydata-warsaw-group/videos/8pydata-warsaw-andrzej-pacuk-job-...).
    CHECK(warnings_by_field ==
          std::map<std::string, int>{{"duration", 47 + 8}, {"related_urls[0]", 1}});

    const Talk* graham = find_talk(c, "pycon-us-2014/advanced-methods-for-creat");
    REQUIRE(graham != nullptr);
    CHECK(graham->speakers == std::vector<std::string>{"Graham Dumpleton"});
    CHECK(graham->event_title == "PyCon US 2014");

    std::size_t not_nfc = 0, english = 0, no_language = 0, with_duration = 0, with_date = 0;
    std::int64_t longest = 0;
    for (const Talk& t : c.talks) {
        if (!talksearch::is_valid_utf8(t.title) || talksearch::to_nfc(t.title) != t.title) {
            ++not_nfc;
            UNSCOPED_INFO(t.source_path);
        }
        english += t.language == "en";
        no_language += t.language.empty();
        if (t.duration_s) {
            ++with_duration;
            longest = std::max(longest, *t.duration_s);
        }
        with_date += !t.recorded.empty();
    }
    CHECK(not_nfc == 0);
    CHECK(english == 17392);
    CHECK(no_language == 522);
    CHECK(with_duration == 16084);
    CHECK(longest <= 24 * 60 * 60);
    CHECK(with_date == 21714);  // one talk's `recorded` is null
    // Slugs from the JSON where they differ from the file name.
    CHECK(find_talk(c, "chipy/Learning_Sprint_An_Experiment") != nullptr);
    INFO("loaded in " << elapsed.count() << " s");
    CHECK(elapsed.count() < 30.0);  // the target is well under 5 s in a release build
}

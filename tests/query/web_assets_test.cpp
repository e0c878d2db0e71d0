#include "query/web_assets.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>

using namespace talksearch;

namespace {

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

TEST_CASE("web_assets holds every file of web/ but its README byte for byte", "[web_assets]") {
    const std::filesystem::path web = std::filesystem::path(TALKSEARCH_SOURCE_DIR) / "web";
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(web)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || name.front() == '.' || name == "README.md") continue;
        ++files;
        const std::string path = "/" + entry.path().lexically_relative(web).generic_string();
        const WebAsset* asset = find_web_asset(path);
        INFO(path);
        REQUIRE(asset != nullptr);
        CHECK(asset->body == read_file(entry.path()));
        CHECK(asset->etag.size() > 2);
    }
    CHECK(web_assets().size() == files);
}

TEST_CASE("find_web_asset serves index.html at / and knows the content types", "[web_assets]") {
    const WebAsset* root = find_web_asset("/");
    REQUIRE(root != nullptr);
    CHECK(root->path == "/index.html");
    CHECK(root->content_type == "text/html; charset=utf-8");
    REQUIRE(find_web_asset("/widget.js") != nullptr);
    CHECK(find_web_asset("/widget.js")->content_type == "text/javascript; charset=utf-8");
    CHECK(find_web_asset("/page.css")->content_type == "text/css; charset=utf-8");
    CHECK(find_web_asset("/missing.js") == nullptr);
    CHECK(find_web_asset("widget.js") == nullptr);
    CHECK(find_web_asset("/README.md") == nullptr);
}

TEST_CASE(
    "the page and the widget never turn strings into markup: no innerHTML, outerHTML, "
    "insertAdjacentHTML, document.write, eval or on* attribute",
    "[web_assets][security]") {
    const std::filesystem::path web = std::filesystem::path(TALKSEARCH_SOURCE_DIR) / "web";
    std::size_t scripts = 0;
    for (const auto& e : std::filesystem::directory_iterator(web)) {
        if (e.path().extension() != ".js" && e.path().extension() != ".html") continue;
        ++scripts;
        const std::string text = read_file(e.path());
        INFO(e.path().filename().string());
        for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                                 "eval(", "new Function", "srcdoc", "createContextualFragment"}) {
            INFO(sink);
            CHECK(text.find(sink) == std::string::npos);
        }
        // Attributes are set by el() and svgIcon() from names written in the source: an
        // element built by el('tag', {...}) never gets an event handler attribute.
        const std::regex handler_attribute(R"(el\(\s*'[a-z]+'\s*,\s*\{[^}]*\bon[a-z]+\s*:)");
        CHECK_FALSE(std::regex_search(text, handler_attribute));
        const std::regex computed_name(R"(setAttribute\(\s*[^'"\s])");
        const auto computed = std::distance(
            std::sregex_iterator(text.begin(), text.end(), computed_name), std::sregex_iterator());
        // The only attribute name that is not a literal is el()'s own loop over its argument.
        CHECK(computed == (e.path().filename() == "widget.js" ? 1 : 0));
    }
    CHECK(scripts == 4);  // index.html, page.js, widget.js, talk.js (the talk page's)
}

#include "query/web_assets.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
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

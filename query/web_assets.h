// The browser side (web/: the search page, the <talk-search> widget) compiled into the
// binary by cmake/embed_assets.cmake, so the server never reads files at run time.
#pragma once

#include <string_view>
#include <vector>

namespace talksearch {

/// One file of web/, as the server sends it.
struct WebAsset {
    std::string_view path;          ///< the URL path: "/widget.js", "/index.html"
    std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
    std::string_view body;          ///< the file's bytes
    std::string_view etag;          ///< a strong ETag of the bytes, quoted: "\"3f9a...\""
};

/// Every file of web/ (subfolders included, hidden files not), sorted by path. Static data:
/// the views stay valid for the life of the process. Never throws.
const std::vector<WebAsset>& web_assets();

/// The asset served at a URL path (without its query string), or nullptr: "/" is
/// "/index.html". Example: find_web_asset("/widget.js")->content_type is
/// "text/javascript; charset=utf-8".
const WebAsset* find_web_asset(std::string_view path);

}  // namespace talksearch

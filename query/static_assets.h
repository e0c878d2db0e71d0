// The files the HTTP server serves from memory (the page, scripts, styles):
// compiled into the binary, looked up by exact path, never read from disk.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace talksearch {

/// One file served as is.
struct StaticAsset {
    std::string content_type;  ///< e.g. "text/html; charset=utf-8"; HTML gets the page's CSP
    std::string body;
};

/// Request path ("/", "/widget.js") -> file. Paths are matched exactly, after
/// the server has refused any path that is not clean (is_clean_path).
using StaticAssets = std::map<std::string, StaticAsset, std::less<>>;

/// The assets built into talksearch-query: every file of web/ (web_assets.h:
/// "/index.html", "/widget.js", "/page.js", "/page.css"), and "/" as web/index.html.
/// Add a file to web/ to serve more.
StaticAssets builtin_static_assets();

}  // namespace talksearch

// The conditional-GET cache. See fetch_cache.h.
#include "indexer/sources/fetch_cache.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "core/error.h"
#include "core/hash.h"
#include "indexer/io/files.h"
#include "indexer/sources/fetch_guard.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

constexpr std::string_view kMetaMagic = "talksearch fetch cache 1";

fs::path cache_base(const fs::path& dir, std::string_view url) { return dir / hex64(fnv1a64(url)); }

// Replaces one file of the cache. Returns an error message, or an empty string.
std::string write_cache_file(const fs::path& path, std::string_view data) {
    try {
        write_file_atomically(path, data);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

// The meta data of the cached copy of `url`, or nullopt when there is none that fits.
std::optional<CacheEntry> load_cache_entry(const fs::path& dir, const std::string& url) {
    const fs::path base = cache_base(dir, url);
    std::ifstream in(fs::path(base.string() + ".meta"), std::ios::binary);
    if (!in) return std::nullopt;
    std::string line;
    if (!std::getline(in, line) || line != kMetaMagic) return std::nullopt;
    CacheEntry e;
    e.body_path = base.string() + ".body";
    bool url_matches = false;
    bool have_size = false;
    while (std::getline(in, line)) {
        const std::size_t sp = line.find(' ');
        const std::string_view key = std::string_view(line).substr(0, sp);
        const std::string_view value =
            sp == std::string::npos ? std::string_view() : std::string_view(line).substr(sp + 1);
        if (has_control(value)) return std::nullopt;
        if (key == "url") url_matches = value == url;
        if (key == "etag") e.etag = value;
        if (key == "last-modified") e.last_modified = value;
        if (key == "hash") e.hash = value;
        if (key == "size") {
            try {
                e.size = std::stoull(std::string(value));
                have_size = true;
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }
    }
    if (!url_matches || !have_size || e.hash.empty()) return std::nullopt;
    std::error_code ec;
    if (fs::file_size(e.body_path, ec) != e.size || ec) return std::nullopt;
    return e;
}

// The cached body, verified against its meta data; nullopt when it does not match.
std::optional<std::string> read_cached_body(const CacheEntry& e) {
    std::ifstream in(e.body_path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    std::string body = std::move(s).str();
    if (body.size() != e.size || hex64(fnv1a64(body)) != e.hash) return std::nullopt;
    return body;
}

// Stores a fresh body and its validators. Returns an error message, or an empty string.
std::string store_cache_entry(const fs::path& dir, const std::string& url, std::string_view body,
                              const std::string& etag, const std::string& last_modified) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return dir.string() + ": cannot create the cache folder: " + ec.message();
    const fs::path base = cache_base(dir, url);
    // Body first: until the new meta file is in place, the old one no longer matches the body
    // (size, hash), so no reader can pair old validators with the new body.
    std::string err = write_cache_file(base.string() + ".body", body);
    if (!err.empty()) return err;
    std::string meta = std::string(kMetaMagic) + "\n";
    meta += "url " + url + "\n";
    if (!etag.empty()) meta += "etag " + etag + "\n";
    if (!last_modified.empty()) meta += "last-modified " + last_modified + "\n";
    meta += "size " + std::to_string(body.size()) + "\n";
    meta += "hash " + hex64(fnv1a64(body)) + "\n";
    return write_cache_file(base.string() + ".meta", meta);
}

void remove_cache_entry(const fs::path& dir, const std::string& url) {
    const fs::path base = cache_base(dir, url);
    std::error_code ec;
    fs::remove(base.string() + ".meta", ec);
    fs::remove(base.string() + ".body", ec);
}

}  // namespace talksearch

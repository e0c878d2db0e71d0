// The fetcher's conditional-GET cache: per URL, `<hash of URL>.body` and
// `<hash of URL>.meta`, each replaced atomically. The meta file names the URL
// and the body's size and hash, so a body that does not belong to it (a hash
// collision, a crash between the two renames, a damaged file) is never used.
// Internal to indexer/sources/fetch*.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace talksearch {

/// The meta data of one cached body.
struct CacheEntry {
    std::filesystem::path body_path;
    std::string etag, last_modified;  ///< the validators to send
    std::uint64_t size = 0;
    std::string hash;  ///< hex64(fnv1a64(body))
};

/// The meta data of the cached copy of `url` in `dir`, or nullopt when there
/// is none that fits (missing, damaged, another URL's, a body of another size).
std::optional<CacheEntry> load_cache_entry(const std::filesystem::path& dir,
                                           const std::string& url);

/// The cached body, verified against its meta data; nullopt when it does not
/// match.
std::optional<std::string> read_cached_body(const CacheEntry& e);

/// Stores a fresh body and its validators (the folder is created when
/// needed). Returns an error message, or an empty string.
std::string store_cache_entry(const std::filesystem::path& dir, const std::string& url,
                              std::string_view body, const std::string& etag,
                              const std::string& last_modified);

/// Forgets the cached copy of `url`, if any.
void remove_cache_entry(const std::filesystem::path& dir, const std::string& url);

}  // namespace talksearch

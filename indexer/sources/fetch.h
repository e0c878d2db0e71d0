// Fetching remote sources over HTTP(S) with libcurl: bounded in size and time, retried with
// backoff, guarded against server-side request forgery, cached with conditional GETs.
//
//   FetchOptions options;
//   options.cache_dir = "/var/cache/talksearch";
//   for (const FetchResult& r : fetch_all({"https://example.org/talks.json"}, options))
//       if (!r.ok) report(r.url + ": " + r.error);
//
// See docs/DESIGN.md, "Fetching remote sources".
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// How fetch_all fetches. The defaults suit a cron job fetching catalogue files.
struct FetchOptions {
    std::size_t max_bytes = 64u << 20;  ///< cap on the DECODED body, enforced in the write callback
    long connect_timeout_ms = 10'000;
    long total_timeout_ms = 60'000;  ///< per attempt
    long low_speed_bytes = 1024;     ///< abort when slower than this ...
    long low_speed_time_s = 15;      ///< ... for this long
    int max_redirects = 5;
    /// 1 + retries, for 5xx, 429 and transient network errors; never for 4xx other than 429.
    /// Values below 1 count as 1.
    int max_attempts = 4;
    long backoff_initial_ms = 1000;    ///< the wait before the first retry; doubles each retry
    long max_retry_after_ms = 30'000;  ///< Retry-After (seconds or HTTP date) honoured up to this
    std::size_t parallel = 4;          ///< concurrent transfers (curl multi); 0 counts as 1
    /// Private addresses (loopback, RFC 1918, ...: is_blocked_address) may be connected to.
    /// Link-local and metadata addresses stay refused: only allowed_private opens them.
    bool allow_private_addresses = false;
    /// Exceptions to the SSRF guard, compared with each address connected to (every redirect
    /// hop): an address ("10.0.0.5", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8"), either
    /// with a port ("127.0.0.1:8080", "[::1]:8080"). A link-local or metadata address
    /// (169.254.169.254, fe80::1, fd00:ec2::254, 100.100.100.200) needs an entry naming it: a
    /// range never opens one. fetch_all throws Error for an entry it cannot read.
    std::vector<std::string> allowed_private;
    std::filesystem::path cache_dir;  ///< conditional-GET cache; empty = none
    std::string user_agent = "talksearch";
};

/// The outcome of fetching one URL.
struct FetchResult {
    std::string url;  ///< as requested
    /// `body` is usable: a fresh 2xx, or the cached body (304, or stale after an error).
    bool ok = false;
    bool from_cache = false;    ///< body came from the cache
    bool not_modified = false;  ///< the server said 304
    bool stale = false;         ///< the fetch failed and the last good cached copy is returned
    long http_status = 0;       ///< last status seen (0 when none)
    std::string body;
    /// Empty when the fetch itself succeeded; else one line: "http 500", "timed out after 10 s",
    /// "too slow: under 1024 bytes/s for 15 s", "blocked address 127.0.0.1", "blocked address
    /// 169.254.169.254 (link-local or metadata) at redirect 1 to http://169.254.169.254/x",
    /// "too many redirects", "unsupported protocol", "body over 1048576 bytes", "cannot
    /// connect", ...
    std::string error;
    std::string final_url;            ///< after redirects (empty when no request was made)
    int attempts = 0;                 ///< requests started (0 when the URL was refused before any)
    std::string etag, last_modified;  ///< validators of the body returned (fresh or cached)
    /// Empty unless the cache could not be read or written (the fetch result stands).
    std::string cache_error;
};

/// Fetches every URL (at most options.parallel at a time) and returns one result per URL, in
/// order. Only http and https are spoken, also after redirects; TLS certificates are always
/// verified; a connection to a private, loopback or otherwise internal address is refused
/// unless allowed, and so is every later hop of a redirect. Never throws for a network or HTTP
/// failure (it is in the result); throws Error only for misuse: curl cannot be initialised, the
/// user agent holds a control character, or an allowed_private entry cannot be read.
std::vector<FetchResult> fetch_all(const std::vector<std::string>& urls,
                                   const FetchOptions& options);

/// Validates a URL from a config file: http or https only, a host, no CR/LF/control characters
/// or spaces, no credentials. Returns an error message or nullopt.
/// Example: check_url("ftp://example.org/x") == "not an http or https URL".
std::optional<std::string> check_url(std::string_view url);

/// True for loopback, RFC 1918 private, link-local (169.254/16, fe80::/10), unspecified
/// (0.0.0.0, ::), CGNAT 100.64/10, multicast, reserved, IPv4-mapped IPv6 forms of those,
/// unique-local fc00::/7, cloud metadata addresses (also 168.63.129.16, which is public
/// otherwise), given a numeric address as libcurl reports it ("127.0.0.1",
/// "::ffff:7f00:1"). Legacy IPv4 spellings ("2130706433", "0x7f.1", "0177.0.0.1") are read as
/// inet_aton reads them; anything that is not a numeric address counts as blocked.
bool is_blocked_address(std::string_view numeric_ip);

}  // namespace talksearch

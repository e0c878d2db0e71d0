// What the fetcher may fetch and connect to: the URL checks and the SSRF
// guard's address rules (check_url and is_blocked_address, declared in
// fetch.h), and the exceptions FetchOptions::allowed_private makes. Internal
// to indexer/sources/fetch*.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// True when `s` holds an ASCII control character or DEL: such text is never
/// put in a request's URL or headers.
bool has_control(std::string_view s);

/// An exception to the SSRF guard: an address, and a port or -1 for any.
struct AllowedAddress {
    std::string ip;  ///< canonical (inet_ntop) text
    long port = -1;
};

/// Reads FetchOptions::allowed_private ("10.0.0.5", "127.0.0.1:8080",
/// "[::1]:8080"). Throws Error: "allowed_private: not a numeric address: x",
/// "allowed_private: bad port: x", "allowed_private: not an address: x".
std::vector<AllowedAddress> parse_allowed(const std::vector<std::string>& entries);

/// The SSRF guard: true when a connection to `ip` (numeric, as libcurl
/// reports it; empty when unknown) and `port` may be made: private addresses
/// are allowed, or the address is not blocked, or `allowed` lists it.
bool connection_allowed(const std::string& ip, long port, bool allow_private,
                        const std::vector<AllowedAddress>& allowed);

}  // namespace talksearch

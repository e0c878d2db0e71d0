// The SSRF guard's rules as pure functions: what the fetcher may connect to
// (connection_allowed), the exceptions FetchOptions::allowed_private makes
// (parse_allowed), and the URL checks (check_url, is_blocked_address, declared
// in fetch.h). Used by indexer/sources/fetch*.cpp and by config.cpp to check a
// sources file's entries; tested without traffic in tests/indexer/fetch_test.cpp.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// True when `s` holds an ASCII control character or DEL: such text is never
/// put in a request's URL or headers.
bool has_control(std::string_view s);

/// How the guard sees an address it is about to connect to.
enum class AddressKind {
    kPublic,   ///< connected to freely
    kPrivate,  ///< loopback, RFC 1918, CGNAT, unique-local, ...: see is_blocked_address
    /// Link-local (169.254/16, fe80::/10) or a cloud metadata address (169.254.169.254,
    /// fd00:ec2::254, 100.100.100.200, 168.63.129.16, 192.0.0.192), also inside IPv6
    /// (::ffff:169.254.169.254, NAT64, 6to4).
    kSensitive,
};

/// The kind of a numeric address as libcurl reports it ("127.0.0.1", "::ffff:a9fe:a9fe");
/// nullopt when the text is not one.
std::optional<AddressKind> address_kind(std::string_view numeric_ip);

/// An exception to the SSRF guard: an address or a range, and a port or -1 for any.
struct AllowedAddress {
    std::array<unsigned char, 16> net{};  ///< IPv6; IPv4 as its mapped form ::ffff:a.b.c.d
    int prefix = 128;                     ///< leading bits that must match; 128: one address
    long port = -1;
};

/// Reads one allowed_private entry: an address ("10.0.0.5", "::1"), a CIDR range
/// ("10.0.0.0/8", "fd00::/8"), either with a port ("127.0.0.1:8080", "10.0.0.0/8:8080",
/// "[::1]:8080"). Only inet_pton's notations: no "2852039166", no host name, no zone. Throws
/// Error: "not a numeric address or range: x", "bad prefix length: x", "bits set after the
/// prefix (10.0.0.0/8?): x", "bad port: x".
AllowedAddress parse_allowed_entry(std::string_view entry);

/// parse_allowed_entry of each entry (FetchOptions::allowed_private); its Error is prefixed
/// "allowed_private: ".
std::vector<AllowedAddress> parse_allowed(const std::vector<std::string>& entries);

/// The SSRF guard: true when a connection to `ip` (numeric, as libcurl reports it; empty when
/// unknown) and `port` may be made. A public address may; a private one when `allow_private`
/// or an entry of `allowed` covers it; a link-local or metadata address only when an entry
/// of `allowed` is that very address (a range never opens one, however wide).
bool connection_allowed(const std::string& ip, long port, bool allow_private,
                        const std::vector<AllowedAddress>& allowed);

}  // namespace talksearch

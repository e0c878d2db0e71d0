// The URL checks and the SSRF guard. See fetch_guard.h and fetch.h.
#include "indexer/sources/fetch_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

#include "core/error.h"
#include "core/text.h"
#include "indexer/sources/fetch.h"
#include "indexer/sources/fetch_curl.h"

namespace talksearch {

namespace {

using Address = std::array<unsigned char, 16>;

// a within net/bits (IPv4).
bool in_v4_net(std::uint32_t a, std::uint32_t net, int bits) {
    return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits));
}

bool blocked_v4(std::uint32_t a) {
    struct Net {
        std::uint32_t net;
        int bits;
    };
    static constexpr Net kBlocked[] = {
        {0x00000000, 8},   // 0/8: "this network", 0.0.0.0 unspecified
        {0x0a000000, 8},   // 10/8 private
        {0x64400000, 10},  // 100.64/10 CGNAT
        {0x7f000000, 8},   // 127/8 loopback
        {0xa9fe0000, 16},  // 169.254/16 link-local (cloud metadata)
        {0xac100000, 12},  // 172.16/12 private
        {0xc0000000, 24},  // 192.0.0/24 IETF protocol assignments
        {0xc0000200, 24},  // 192.0.2/24 documentation
        {0xc0a80000, 16},  // 192.168/16 private
        {0xc6120000, 15},  // 198.18/15 benchmarking
        {0xc6336400, 24},  // 198.51.100/24 documentation
        {0xcb007100, 24},  // 203.0.113/24 documentation
        {0xe0000000, 4},   // 224/4 multicast
        {0xf0000000, 4},   // 240/4 reserved, 255.255.255.255 broadcast
    };
    return std::any_of(std::begin(kBlocked), std::end(kBlocked),
                       [a](const Net& n) { return in_v4_net(a, n.net, n.bits); });
}

// Link-local and the metadata services of cloud hosts: what a request forged from inside a
// cloud machine is after (credentials), so refused even when private addresses are allowed.
bool sensitive_v4(std::uint32_t a) {
    return in_v4_net(a, 0xa9fe0000, 16)  // 169.254/16; 169.254.169.254: AWS, GCP, Azure, ...
           || a == 0x646464c8            // 100.100.100.200: Alibaba Cloud
           || a == 0xa83f8110            // 168.63.129.16: Azure's WireServer (public)
           || a == 0xc00000c0;           // 192.0.0.192: Oracle Cloud
}

std::uint32_t v4_at(const unsigned char* b) {
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

bool zeros(const Address& b, int from, int to) {
    return std::all_of(b.begin() + from, b.begin() + to, [](unsigned char c) { return c == 0; });
}

// The IPv4 address an IPv6 address carries to an IPv4 host: ::a.b.c.d (IPv4-compatible, also
// :: and ::1), ::ffff:a.b.c.d (mapped, how IPv4 is held here), ::ffff:0:a.b.c.d (translated),
// 64:ff9b::a.b.c.d (NAT64) and 2002:aabb:ccdd::/48 (6to4).
std::optional<std::uint32_t> embedded_v4(const Address& b) {
    if (zeros(b, 0, 12)) return v4_at(&b[12]);
    if (zeros(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) return v4_at(&b[12]);
    if (zeros(b, 0, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
        return v4_at(&b[12]);
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zeros(b, 4, 12)) {
        return v4_at(&b[12]);
    }
    if (b[0] == 0x20 && b[1] == 0x02) return v4_at(&b[2]);
    return std::nullopt;
}

bool blocked_v6(const Address& b) {
    if (zeros(b, 0, 12)) return true;  // ::/96: unspecified, loopback, IPv4-compatible
    if (const std::optional<std::uint32_t> v4 = embedded_v4(b)) return blocked_v4(*v4);
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1) {
        return true;  // 64:ff9b:1::/48 local NAT64
    }
    if (b[0] == 0x01 && b[1] == 0x00 && zeros(b, 2, 8)) return true;  // 100::/64 discard
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // 2001:db8::/32
    if ((b[0] & 0xfe) == 0xfc) return true;                  // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;  // fec0::/10 site-local
    return b[0] == 0xff;                                     // ff00::/8 multicast
}

bool sensitive_v6(const Address& b) {
    static constexpr Address kAwsMetadata = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                             0,    0,    0,    0,    0, 0, 0x02, 0x54};
    if (const std::optional<std::uint32_t> v4 = embedded_v4(b)) return sensitive_v4(*v4);
    return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b == kAwsMetadata;  // fe80::/10
}

AddressKind kind_of(const Address& a) {
    if (sensitive_v6(a)) return AddressKind::kSensitive;
    return blocked_v6(a) ? AddressKind::kPrivate : AddressKind::kPublic;
}

Address mapped(std::uint32_t v4) {
    Address a{};
    a[10] = a[11] = 0xff;
    for (int i = 0; i < 4; ++i) a[12 + i] = static_cast<unsigned char>(v4 >> (24 - 8 * i));
    return a;
}

// A numeric address in inet_pton's notations; IPv4 as its mapped IPv6 form.
std::optional<Address> parse_address(std::string_view text) {
    const std::string s(text);
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
        Address a{};
        std::copy(std::begin(a6.s6_addr), std::end(a6.s6_addr), a.begin());
        return a;
    }
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) return mapped(ntohl(a4.s_addr));
    return std::nullopt;
}

// The first `bits` bits of a and b are equal.
bool same_prefix(const Address& a, const Address& b, int bits) {
    for (int i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if (((a[i] ^ b[i]) & mask) != 0) return false;
    }
    return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A short run of digits, as a prefix length or a port is written.
bool digits(std::string_view s, std::size_t max) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), is_digit);
}

[[noreturn]] void refuse(const std::string& what, std::string_view entry) {
    throw Error(what + ": " + std::string(entry));
}

// "10.0.0.0" for an IPv4 (mapped) address, else inet_ntop's IPv6 text.
std::string address_text(const Address& a) {
    char buf[INET6_ADDRSTRLEN] = {};
    const bool v4 = zeros(a, 0, 10) && a[10] == 0xff && a[11] == 0xff;
    if (v4) return inet_ntop(AF_INET, &a[12], buf, sizeof buf) != nullptr ? buf : "";
    return inet_ntop(AF_INET6, a.data(), buf, sizeof buf) != nullptr ? buf : "";
}

// "/8" of "10.0.0.0/8": the prefix in bits of the 16-byte form, checked against the address.
int prefix_of(std::string_view bits, bool v4, const Address& net, std::string_view entry) {
    if (!digits(bits, 3) || std::stoi(std::string(bits)) > (v4 ? 32 : 128)) {
        refuse("bad prefix length", entry);
    }
    const int prefix = std::stoi(std::string(bits)) + (v4 ? 96 : 0);
    Address masked{};
    for (int i = 0; i < 16; ++i) {
        const int kept = std::clamp(prefix - 8 * i, 0, 8);
        masked[i] = static_cast<unsigned char>(net[i] & (0xff00u >> kept));
    }
    if (masked != net) {
        refuse(
            "bits set after the prefix (" + address_text(masked) + "/" + std::string(bits) + "?)",
            entry);
    }
    return prefix;
}

}  // namespace

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::optional<AddressKind> address_kind(std::string_view numeric_ip) {
    const std::optional<Address> a = parse_address(numeric_ip);
    if (!a) return std::nullopt;
    return kind_of(*a);
}

AllowedAddress parse_allowed_entry(std::string_view entry) {
    // The address part and the port: "[::1]:80", "10.0.0.0/8:80", "::1", "10.0.0.5".
    std::string_view address = entry;
    std::optional<std::string_view> port;
    if (entry.starts_with('[')) {
        const std::size_t close = entry.find(']');
        if (close == std::string_view::npos ||
            (close + 1 < entry.size() && entry[close + 1] != ':')) {
            refuse("not a numeric address or range", entry);
        }
        address = entry.substr(1, close - 1);
        if (close + 1 < entry.size()) port = entry.substr(close + 2);
    } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
        address = entry.substr(0, entry.find(':'));
        port = entry.substr(entry.find(':') + 1);
    }
    const std::size_t slash = address.find('/');
    const std::optional<Address> net = parse_address(address.substr(0, slash));
    if (!net) refuse("not a numeric address or range", entry);
    AllowedAddress a;
    a.net = *net;
    if (slash != std::string_view::npos) {
        const bool v4 = address.substr(0, slash).find(':') == std::string_view::npos;
        a.prefix = prefix_of(address.substr(slash + 1), v4, a.net, entry);
    }
    if (port) {
        if (!digits(*port, 5)) refuse("bad port", entry);
        a.port = std::stol(std::string(*port));
        if (a.port < 1 || a.port > 65535) refuse("port out of 1-65535", entry);
    }
    return a;
}

std::vector<AllowedAddress> parse_allowed(const std::vector<std::string>& entries) {
    std::vector<AllowedAddress> out;
    for (const std::string& e : entries) {
        try {
            out.push_back(parse_allowed_entry(e));
        } catch (const Error& err) {
            throw Error(std::string("allowed_private: ") + err.what());
        }
    }
    return out;
}

bool connection_allowed(const std::string& ip, long port, bool allow_private,
                        const std::vector<AllowedAddress>& allowed) {
    const std::optional<Address> a = parse_address(ip);
    if (!a) return false;
    const AddressKind kind = kind_of(*a);
    if (kind == AddressKind::kPublic) return true;
    if (kind == AddressKind::kPrivate && allow_private) return true;
    return std::any_of(allowed.begin(), allowed.end(), [&](const AllowedAddress& e) {
        return (e.port < 0 || e.port == port) && same_prefix(e.net, *a, e.prefix) &&
               (kind != AddressKind::kSensitive || e.prefix == 128);
    });
}

std::optional<std::string> check_url(std::string_view url) {
    if (url.empty()) return "empty URL";
    if (url.size() > 8192) return "URL longer than 8192 bytes";
    for (char c : url) {
        if (c == '\r' || c == '\n') return "CR or LF in URL";
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return "control character in URL";
        if (c == ' ') return "space in URL";
    }
    const std::size_t sep = url.find("://");
    const std::string scheme = ascii_lower(
        sep == std::string_view::npos ? url.substr(0, url.find(':')) : url.substr(0, sep));
    if (sep == std::string_view::npos || !(scheme == "http" || scheme == "https")) {
        return "not an http or https URL";
    }
    const std::string_view rest = url.substr(sep + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
    if (authority.find('@') != std::string_view::npos) return "credentials in URL";
    if (authority.empty() || authority.starts_with(':')) return "no host in URL";

    ensure_curl();
    UrlHandle u(curl_url());
    if (!u) throw Error("curl_url failed");
    const std::string text(url);
    if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0);
        rc != CURLUE_OK) {
        return std::string("malformed URL: ") + curl_url_strerror(rc);
    }
    char* part = nullptr;
    if (curl_url_get(u.get(), CURLUPART_USER, &part, 0) == CURLUE_OK) {
        curl_free(part);
        return "credentials in URL";
    }
    if (curl_url_get(u.get(), CURLUPART_PASSWORD, &part, 0) == CURLUE_OK) {
        curl_free(part);
        return "credentials in URL";
    }
    if (curl_url_get(u.get(), CURLUPART_HOST, &part, 0) != CURLUE_OK) return "no host in URL";
    const CurlString host(part);
    if (host == nullptr || *host == '\0') return "no host in URL";
    return std::nullopt;
}

bool is_blocked_address(std::string_view numeric_ip) {
    std::string s(numeric_ip);
    if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    if (const std::size_t zone = s.find('%'); zone != std::string::npos) s.resize(zone);
    if (s.empty() || s.size() > 64) return true;
    if (const std::optional<AddressKind> kind = address_kind(s)) {
        return *kind != AddressKind::kPublic;
    }
    // The spellings libcurl's URL parser also accepts: 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
    const bool legacy = std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'x' || c == 'X';
    });
    in_addr a4{};
    if (legacy && inet_aton(s.c_str(), &a4) != 0) {
        return kind_of(mapped(ntohl(a4.s_addr))) != AddressKind::kPublic;
    }
    return true;  // not a numeric address: nothing to vouch for
}

}  // namespace talksearch

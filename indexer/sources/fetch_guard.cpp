// The URL checks and the SSRF guard. See fetch_guard.h and fetch.h.
#include "indexer/sources/fetch_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>

#include "core/error.h"
#include "core/text.h"
#include "indexer/sources/fetch.h"
#include "indexer/sources/fetch_curl.h"

namespace talksearch {

namespace {

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
    return std::any_of(std::begin(kBlocked), std::end(kBlocked), [a](const Net& n) {
        return (a >> (32 - n.bits)) == (n.net >> (32 - n.bits));
    });
}

std::uint32_t v4_at(const unsigned char* b) {
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           std::uint32_t{b[3]};
}

bool blocked_v6(const in6_addr& addr) {
    const unsigned char* b = addr.s6_addr;
    auto zeros = [b](int from, int to) {
        return std::all_of(b + from, b + to, [](unsigned char c) { return c == 0; });
    };
    // ::/96: unspecified, loopback and the deprecated IPv4-compatible forms.
    if (zeros(0, 12)) return true;
    // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated): the IPv4 address.
    if (zeros(0, 10) && b[10] == 0xff && b[11] == 0xff) return blocked_v4(v4_at(b + 12));
    if (zeros(0, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
        return blocked_v4(v4_at(b + 12));
    }
    // 64:ff9b::/96 (NAT64): the IPv4 address; 64:ff9b:1::/48 (local NAT64): blocked.
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
        if (zeros(4, 12)) return blocked_v4(v4_at(b + 12));
        if (b[4] == 0 && b[5] == 1) return true;
    }
    if (b[0] == 0x01 && b[1] == 0x00 && zeros(2, 8)) return true;  // 100::/64 discard
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return true;  // 2001:db8::/32
    if (b[0] == 0x20 && b[1] == 0x02) return blocked_v4(v4_at(b + 2));  // 2002::/16 6to4
    if ((b[0] & 0xfe) == 0xfc) return true;                             // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;             // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return true;             // fec0::/10 site-local
    if (b[0] == 0xff) return true;                                      // ff00::/8 multicast
    return false;
}

// The canonical text of a numeric address (inet_ntop), or nullopt.
std::optional<std::string> canonical_address(std::string_view text) {
    const std::string s(text);
    char buf[INET6_ADDRSTRLEN] = {};
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
        if (inet_ntop(AF_INET6, &a6, buf, sizeof buf) != nullptr) return std::string(buf);
    }
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
        if (inet_ntop(AF_INET, &a4, buf, sizeof buf) != nullptr) return std::string(buf);
    }
    return std::nullopt;
}

}  // namespace

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::vector<AllowedAddress> parse_allowed(const std::vector<std::string>& entries) {
    std::vector<AllowedAddress> out;
    for (const std::string& e : entries) {
        std::string_view addr = e;
        std::string_view port;
        if (addr.starts_with('[')) {
            const std::size_t close = addr.find(']');
            if (close != std::string_view::npos && addr.substr(close + 1).starts_with(':')) {
                port = addr.substr(close + 2);
            } else if (close == std::string_view::npos || close + 1 != addr.size()) {
                throw Error("allowed_private: not an address: " + e);
            }
            addr = addr.substr(1, close - 1);
        } else if (std::count(addr.begin(), addr.end(), ':') == 1) {
            port = addr.substr(addr.find(':') + 1);
            addr = addr.substr(0, addr.find(':'));
        }
        AllowedAddress a;
        const std::optional<std::string> ip = canonical_address(addr);
        if (!ip) throw Error("allowed_private: not a numeric address: " + e);
        a.ip = *ip;
        if (!port.empty() || e.ends_with(':')) {
            if (port.empty() || port.size() > 5 ||
                !std::all_of(port.begin(), port.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
                throw Error("allowed_private: bad port: " + e);
            }
            a.port = std::stol(std::string(port));
        }
        out.push_back(std::move(a));
    }
    return out;
}

bool connection_allowed(const std::string& ip, long port, bool allow_private,
                        const std::vector<AllowedAddress>& allowed) {
    if (allow_private) return true;
    if (!is_blocked_address(ip)) return true;
    const std::optional<std::string> canon = canonical_address(ip);
    return std::any_of(allowed.begin(), allowed.end(), [&](const AllowedAddress& a) {
        return canon && a.ip == *canon && (a.port < 0 || a.port == port);
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
    in6_addr a6{};
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) return blocked_v6(a6);
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) return blocked_v4(ntohl(a4.s_addr));
    // The spellings libcurl's URL parser also accepts: 2130706433, 0x7f000001, 0177.0.0.1, 127.1.
    const bool legacy = std::all_of(s.begin(), s.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'x' || c == 'X';
    });
    if (legacy && inet_aton(s.c_str(), &a4) != 0) return blocked_v4(ntohl(a4.s_addr));
    return true;  // not a numeric address: nothing to vouch for
}

}  // namespace talksearch

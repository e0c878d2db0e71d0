// A small, stable, non-cryptographic hash (64-bit FNV-1a) for change
// detection, cache file names and shortened terms. Its values are stored in
// indexes and caches: never change it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace talksearch {

/// FNV-1a over `data`, continuing from `h` (chain calls to hash several parts).
inline std::uint64_t fnv1a64(std::string_view data, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// `v` as 16 lower-case hex digits.
inline std::string hex64(std::uint64_t v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = kHex[v & 0xF];
    return s;
}

}  // namespace talksearch

#include "core/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace talksearch {

namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is
// invalid. Follows the Unicode "maximal subpart" rules (no overlongs, no
// surrogates, nothing above U+10FFFF).
std::size_t valid_sequence_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return b0 == 0 ? 0 : 1;
    auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
        if (i + k >= s.size()) return false;
        const auto b = static_cast<unsigned char>(s[i + k]);
        return b >= lo && b <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
    if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(1) && cont(2) ? 3 : 0;
    if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
    if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    return 0;
}

// Number of bytes of the maximal invalid subpart starting at s[i] (at least 1).
std::size_t invalid_subpart_length(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return 1;
    }
    std::size_t k = 1;
    while (k <= need && i + k < s.size()) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) break;
        ++k;
    }
    return k;
}

struct NamedEntity {
    std::string_view name;  ///< as written after '&': "amp;", or "amp" for a legacy form
    std::string_view utf8;
};

// HTML's named character references, sorted by name for binary search.
constexpr NamedEntity kEntities[] = {
#include "core/html_entities.inc"
};

// The longest name in the table ("CounterClockwiseContourIntegral;").
constexpr std::size_t kLongestEntityName = 32;

const NamedEntity* find_entity(std::string_view name) {
    const auto* it =
        std::lower_bound(std::begin(kEntities), std::end(kEntities), name,
                         [](const NamedEntity& e, std::string_view n) { return e.name < n; });
    return it != std::end(kEntities) && it->name == name ? it : nullptr;
}

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// What HTML makes of a numeric reference's value: the C1 controls that
// windows-1252 puts characters at are read as those characters, and NUL,
// surrogates and values past U+10FFFF are U+FFFD.
char32_t numeric_reference_value(std::uint64_t value) {
    static constexpr char32_t kWindows1252[32] = {
        0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};
    if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0xFFFD;
    if (value >= 0x80 && value <= 0x9F) return kWindows1252[value - 0x80];
    return static_cast<char32_t>(value);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Runs utf8proc over valid UTF-8 with the given options; returns the input
// unchanged if utf8proc refuses it.
std::string run_utf8proc(std::string_view valid, utf8proc_option_t options) {
    utf8proc_uint8_t* out = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()),
                     static_cast<utf8proc_ssize_t>(valid.size()), &out, options);
    if (n < 0 || out == nullptr) return std::string(valid);
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

bool is_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

}  // namespace

std::optional<Utf16Layout> detect_utf16(std::string_view in) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(in[i]); };
    if (in.size() >= 2 && byte(0) == 0xFF && byte(1) == 0xFE) return Utf16Layout{true, 2};
    if (in.size() >= 2 && byte(0) == 0xFE && byte(1) == 0xFF) return Utf16Layout{false, 2};
    if (in.size() >= 4 && byte(0) != 0 && byte(1) == 0 && byte(2) != 0 && byte(3) == 0)
        return Utf16Layout{true, 0};
    if (in.size() >= 4 && byte(0) == 0 && byte(1) != 0 && byte(2) == 0 && byte(3) != 0)
        return Utf16Layout{false, 0};
    return std::nullopt;
}

std::string utf16_to_utf8(std::string_view in, bool little_endian) {
    std::string out;
    out.reserve(in.size() / 2 * 3 / 2 + 4);
    auto unit = [&](std::size_t i) -> char32_t {
        auto b0 = static_cast<unsigned char>(in[i]);
        auto b1 = static_cast<unsigned char>(in[i + 1]);
        return little_endian ? static_cast<char32_t>(b0 | (b1 << 8))
                             : static_cast<char32_t>((b0 << 8) | b1);
    };
    std::size_t i = 0;
    const std::size_t n = in.size() & ~std::size_t{1};
    while (i < n) {
        char32_t cu = unit(i);
        i += 2;
        if (cu != 0 && cu < 0x80) {
            out.push_back(static_cast<char>(cu));
        } else if (cu >= 0xD800 && cu <= 0xDBFF && i < n && unit(i) >= 0xDC00 &&
                   unit(i) <= 0xDFFF) {
            char32_t low = unit(i);
            i += 2;
            append_utf8(out, 0x10000 + ((cu - 0xD800) << 10) + (low - 0xDC00));
        } else if (cu == 0 || (cu >= 0xD800 && cu <= 0xDFFF)) {
            append_utf8(out, 0xFFFD);
        } else {
            append_utf8(out, cu);
        }
    }
    if (n < in.size()) append_utf8(out, 0xFFFD);
    return out;
}

bool is_valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b != 0 && b < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = valid_sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string sanitize_utf8(std::string_view text) {
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = valid_sequence_length(text, i);
        if (n > 0) {
            out.append(text.data() + i, n);
            i += n;
        } else {
            out += kReplacement;
            i += static_cast<unsigned char>(text[i]) == 0 ? 1 : invalid_subpart_length(text, i);
        }
    }
    return out;
}

std::string to_nfc(std::string_view text) {
    std::string valid = sanitize_utf8(text);
    if (is_ascii(valid)) return valid;
    return run_utf8proc(valid, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
}

std::string fold_case(std::string_view text) {
    std::string valid = sanitize_utf8(text);
    if (is_ascii(valid)) return ascii_lower(valid);
    return run_utf8proc(valid, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                              UTF8PROC_CASEFOLD));
}

std::string lower_case(std::string_view text) {
    std::string valid = sanitize_utf8(text);
    if (is_ascii(valid)) return ascii_lower(valid);
    std::string out;
    out.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size();) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t n =
            utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(valid.data() + i),
                             static_cast<utf8proc_ssize_t>(valid.size() - i), &cp);
        if (n <= 0) {  // cannot happen on sanitized text; keep the byte
            out += valid[i++];
            continue;
        }
        append_utf8(out, static_cast<char32_t>(utf8proc_tolower(cp)));
        i += static_cast<std::size_t>(n);
    }
    return out;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp > 0x10FFFF || cp == 0) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::size_t decode_one_entity(std::string_view text, std::string& out, EntityRules rules) {
    if (text.size() < 3 || text[0] != '&') return 0;
    if (text[1] == '#') {
        const bool hex = text[2] == 'x' || text[2] == 'X';
        std::size_t i = hex ? 3 : 2;
        const std::size_t digits_start = i;
        std::uint64_t value = 0;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) break;
            // Saturates past U+10FFFF: the value is out of range either way.
            value = std::min<std::uint64_t>(value * (hex ? 16u : 10u) + d, 0x110000);
        }
        if (i == digits_start) return 0;
        const bool semicolon = i < text.size() && text[i] == ';';
        if (!semicolon && rules == EntityRules::kStrict) return 0;
        append_utf8(out, numeric_reference_value(value));
        return semicolon ? i + 1 : i;
    }
    // The longest name of the table that the text starts with: the run of
    // letters and digits with its ';', else (HTML) a legacy name without one
    // that starts the run ("&notit;" is "¬it;").
    std::size_t run = 1;
    while (run < text.size() && run <= kLongestEntityName && is_ascii_alnum(text[run])) ++run;
    if (run == 1) return 0;
    if (run < text.size() && text[run] == ';') {
        if (const NamedEntity* e = find_entity(text.substr(1, run))) {
            out += e->utf8;
            return run + 1;
        }
    }
    if (rules == EntityRules::kStrict) return 0;
    for (std::size_t end = run; end > 1; --end) {
        if (const NamedEntity* e = find_entity(text.substr(1, end - 1))) {
            out += e->utf8;
            return end;
        }
    }
    return 0;
}

std::string decode_html_entities(std::string_view text, EntityRules rules) {
    if (text.find('&') == std::string_view::npos) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '&') {
            const std::size_t n = decode_one_entity(text.substr(i), out, rules);
            if (n > 0) {
                i += n;
                continue;
            }
        }
        out += text[i++];
    }
    return out;
}

std::string_view trim(std::string_view text) {
    std::size_t b = 0, e = text.size();
    while (b < e && is_space(text[b])) ++b;
    while (e > b && is_space(text[e - 1])) --e;
    return text.substr(b, e - b);
}

std::string collapse_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (char c : text) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out += ' ';
        pending_space = false;
        out += c;
    }
    return out;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else if (c == 0xE2 && i + 2 < text.size() &&
                           static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                           (static_cast<unsigned char>(text[i + 2]) == 0xA8 ||
                            static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
                    out += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
                    i += 2;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

std::string json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

std::string slugify(std::string_view text) {
    std::string out;
    bool dash = false;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80) {
            if (dash && !out.empty()) out += '-';
            dash = false;
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            if (dash && !out.empty()) out += '-';
            dash = false;
            out += static_cast<char>(c - 'A' + 'a');
        } else {
            dash = true;
        }
    }
    return out.empty() ? std::string("untitled") : out;
}

}  // namespace talksearch

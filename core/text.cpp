#include "core/text.h"

#include <utf8proc.h>

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
    const char* name;
    const char* utf8;
};

// The named references that caption files use in practice, plus HTML's
// Latin-1 set. Sorted by name for binary search.
constexpr NamedEntity kEntities[] = {
    {"AElig", "\xC3\x86"},
    {"Aacute", "\xC3\x81"},
    {"Acirc", "\xC3\x82"},
    {"Agrave", "\xC3\x80"},
    {"Aring", "\xC3\x85"},
    {"Atilde", "\xC3\x83"},
    {"Auml", "\xC3\x84"},
    {"Ccedil", "\xC3\x87"},
    {"ETH", "\xC3\x90"},
    {"Eacute", "\xC3\x89"},
    {"Ecirc", "\xC3\x8A"},
    {"Egrave", "\xC3\x88"},
    {"Euml", "\xC3\x8B"},
    {"Iacute", "\xC3\x8D"},
    {"Icirc", "\xC3\x8E"},
    {"Igrave", "\xC3\x8C"},
    {"Iuml", "\xC3\x8F"},
    {"Ntilde", "\xC3\x91"},
    {"Oacute", "\xC3\x93"},
    {"Ocirc", "\xC3\x94"},
    {"Ograve", "\xC3\x92"},
    {"Oslash", "\xC3\x98"},
    {"Otilde", "\xC3\x95"},
    {"Ouml", "\xC3\x96"},
    {"THORN", "\xC3\x9E"},
    {"Uacute", "\xC3\x9A"},
    {"Ucirc", "\xC3\x9B"},
    {"Ugrave", "\xC3\x99"},
    {"Uuml", "\xC3\x9C"},
    {"Yacute", "\xC3\x9D"},
    {"aacute", "\xC3\xA1"},
    {"acirc", "\xC3\xA2"},
    {"acute", "\xC2\xB4"},
    {"aelig", "\xC3\xA6"},
    {"agrave", "\xC3\xA0"},
    {"amp", "&"},
    {"apos", "'"},
    {"aring", "\xC3\xA5"},
    {"atilde", "\xC3\xA3"},
    {"auml", "\xC3\xA4"},
    {"bdquo", "\xE2\x80\x9E"},
    {"brvbar", "\xC2\xA6"},
    {"bull", "\xE2\x80\xA2"},
    {"ccedil", "\xC3\xA7"},
    {"cedil", "\xC2\xB8"},
    {"cent", "\xC2\xA2"},
    {"copy", "\xC2\xA9"},
    {"curren", "\xC2\xA4"},
    {"dagger", "\xE2\x80\xA0"},
    {"deg", "\xC2\xB0"},
    {"divide", "\xC3\xB7"},
    {"eacute", "\xC3\xA9"},
    {"ecirc", "\xC3\xAA"},
    {"egrave", "\xC3\xA8"},
    {"emsp", "\xE2\x80\x83"},
    {"ensp", "\xE2\x80\x82"},
    {"eth", "\xC3\xB0"},
    {"euml", "\xC3\xAB"},
    {"euro", "\xE2\x82\xAC"},
    {"frac12", "\xC2\xBD"},
    {"frac14", "\xC2\xBC"},
    {"frac34", "\xC2\xBE"},
    {"gt", ">"},
    {"hellip", "\xE2\x80\xA6"},
    {"iacute", "\xC3\xAD"},
    {"icirc", "\xC3\xAE"},
    {"iexcl", "\xC2\xA1"},
    {"igrave", "\xC3\xAC"},
    {"iquest", "\xC2\xBF"},
    {"iuml", "\xC3\xAF"},
    {"laquo", "\xC2\xAB"},
    {"ldquo", "\xE2\x80\x9C"},
    {"lrm", "\xE2\x80\x8E"},
    {"lsaquo", "\xE2\x80\xB9"},
    {"lsquo", "\xE2\x80\x98"},
    {"lt", "<"},
    {"macr", "\xC2\xAF"},
    {"mdash", "\xE2\x80\x94"},
    {"micro", "\xC2\xB5"},
    {"middot", "\xC2\xB7"},
    {"nbsp", "\xC2\xA0"},
    {"ndash", "\xE2\x80\x93"},
    {"not", "\xC2\xAC"},
    {"ntilde", "\xC3\xB1"},
    {"oacute", "\xC3\xB3"},
    {"ocirc", "\xC3\xB4"},
    {"ograve", "\xC3\xB2"},
    {"ordf", "\xC2\xAA"},
    {"ordm", "\xC2\xBA"},
    {"oslash", "\xC3\xB8"},
    {"otilde", "\xC3\xB5"},
    {"ouml", "\xC3\xB6"},
    {"para", "\xC2\xB6"},
    {"plusmn", "\xC2\xB1"},
    {"pound", "\xC2\xA3"},
    {"quot", "\""},
    {"raquo", "\xC2\xBB"},
    {"rdquo", "\xE2\x80\x9D"},
    {"reg", "\xC2\xAE"},
    {"rlm", "\xE2\x80\x8F"},
    {"rsaquo", "\xE2\x80\xBA"},
    {"rsquo", "\xE2\x80\x99"},
    {"sbquo", "\xE2\x80\x9A"},
    {"sect", "\xC2\xA7"},
    {"shy", "\xC2\xAD"},
    {"sup1", "\xC2\xB9"},
    {"sup2", "\xC2\xB2"},
    {"sup3", "\xC2\xB3"},
    {"szlig", "\xC3\x9F"},
    {"thinsp", "\xE2\x80\x89"},
    {"thorn", "\xC3\xBE"},
    {"times", "\xC3\x97"},
    {"trade", "\xE2\x84\xA2"},
    {"uacute", "\xC3\xBA"},
    {"ucirc", "\xC3\xBB"},
    {"ugrave", "\xC3\xB9"},
    {"uml", "\xC2\xA8"},
    {"uuml", "\xC3\xBC"},
    {"yacute", "\xC3\xBD"},
    {"yen", "\xC2\xA5"},
    {"yuml", "\xC3\xBF"},
    {"zwj", "\xE2\x80\x8D"},
    {"zwnj", "\xE2\x80\x8C"},
};

const NamedEntity* find_entity(std::string_view name) {
    std::size_t lo = 0, hi = std::size(kEntities);
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        const int c = name.compare(kEntities[mid].name);
        if (c == 0) return &kEntities[mid];
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return nullptr;
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

std::size_t decode_one_entity(std::string_view text, std::string& out) {
    if (text.size() < 3 || text[0] != '&') return 0;
    if (text[1] == '#') {
        const bool hex = text.size() > 2 && (text[2] == 'x' || text[2] == 'X');
        std::size_t i = hex ? 3 : 2;
        const std::size_t digits_start = i;
        std::uint32_t value = 0;
        while (i < text.size() && i - digits_start < 8) {
            const char c = text[i];
            int d = -1;
            if (c >= '0' && c <= '9') d = c - '0';
            if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
            if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
            if (d < 0) break;
            value = value * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
            ++i;
        }
        if (i == digits_start) return 0;
        if (i < text.size() && text[i] == ';') ++i;
        append_utf8(out, static_cast<char32_t>(value));
        return i;
    }
    std::size_t i = 1;
    while (i < text.size() && i < 12 &&
           ((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= 'A' && text[i] <= 'Z') ||
            (text[i] >= '0' && text[i] <= '9'))) {
        ++i;
    }
    if (i == 1 || i >= text.size() || text[i] != ';') return 0;
    const NamedEntity* e = find_entity(text.substr(1, i - 1));
    if (e == nullptr) return 0;
    out += e->utf8;
    return i + 1;
}

std::string decode_html_entities(std::string_view text) {
    if (text.find('&') == std::string_view::npos) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '&') {
            const std::size_t n = decode_one_entity(text.substr(i), out);
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

#include "core/words.h"

#include <utf8proc.h>

#include "core/text.h"

namespace talksearch {

namespace {

// Decodes the code point at text[i]; sets `len` to its byte length (1 for an
// invalid byte, which is then not a word character).
utf8proc_int32_t decode_at(std::string_view text, std::size_t i, std::size_t& len) {
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                         static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    len = n > 0 ? static_cast<std::size_t>(n) : 1;
    return n > 0 ? cp : -1;
}

bool is_word_char(utf8proc_int32_t cp) {
    if (cp < 0) return false;
    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '_';
    }
    switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_PC:
            return true;
        default:
            return false;
    }
}

bool is_digit(utf8proc_int32_t cp) { return cp >= '0' && cp <= '9'; }

bool is_apostrophe(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019; }

}  // namespace

std::vector<WordSpan> split_words(std::string_view text) {
    std::vector<WordSpan> words;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t len = 0;
        utf8proc_int32_t cp = decode_at(text, i, len);
        if (!is_word_char(cp)) {
            i += len;
            continue;
        }
        const std::size_t start = i;
        utf8proc_int32_t prev = cp;
        i += len;
        while (i < text.size()) {
            std::size_t n = 0;
            cp = decode_at(text, i, n);
            if (is_word_char(cp)) {
                prev = cp;
                i += n;
                continue;
            }
            // An infix: only when a word character follows it.
            if (i + n < text.size()) {
                std::size_t n2 = 0;
                const utf8proc_int32_t next = decode_at(text, i + n, n2);
                const bool joins = (is_apostrophe(cp) && is_word_char(prev) && !is_digit(prev) &&
                                    is_word_char(next) && !is_digit(next)) ||
                                   ((cp == '.' || cp == ',') && is_digit(prev) && is_digit(next));
                if (joins) {
                    prev = next;
                    i += n + n2;
                    continue;
                }
            }
            break;
        }
        // "C++", "C#": a suffix of + or # after a letter.
        if (i < text.size() && !is_digit(prev)) {
            if (text.substr(i, 2) == "++") {
                if (i + 2 >= text.size() || !is_word_char(decode_at(text, i + 2, len))) i += 2;
            } else if (text[i] == '#') {
                if (i + 1 >= text.size() || !is_word_char(decode_at(text, i + 1, len))) i += 1;
            }
        }
        words.push_back({start, i - start});
    }
    return words;
}

std::string word_term(std::string_view word) {
    std::string out;
    out.reserve(word.size());
    for (std::size_t i = 0; i < word.size(); ++i) {
        // U+2019 RIGHT SINGLE QUOTATION MARK -> '
        if (i + 2 < word.size() && static_cast<unsigned char>(word[i]) == 0xE2 &&
            static_cast<unsigned char>(word[i + 1]) == 0x80 &&
            static_cast<unsigned char>(word[i + 2]) == 0x99) {
            out += '\'';
            i += 2;
        } else {
            out += word[i];
        }
    }
    return lower_case(out);
}

}  // namespace talksearch

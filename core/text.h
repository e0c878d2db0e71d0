// Text utilities shared by the parsers, the indexer and the renderers.
// Pure functions over UTF-8 strings; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace talksearch {

/// Returns `text` as valid UTF-8: every invalid or truncated sequence (and
/// overlong forms, surrogates, code points above U+10FFFF) becomes one U+FFFD
/// per maximal invalid subpart, and NUL becomes U+FFFD, as the WebVTT spec's
/// decoder does. Valid input is returned unchanged.
std::string sanitize_utf8(std::string_view text);

/// True when `text` is valid UTF-8 with no NUL byte.
bool is_valid_utf8(std::string_view text);

/// How a text that is UTF-16 is laid out.
struct Utf16Layout {
    bool little_endian = true;
    std::size_t bom_bytes = 0;  ///< 2 after a byte order mark, else 0
};

/// Recognises UTF-16: a byte order mark (FF FE, FE FF), or ASCII-led text
/// without one (a NUL in every other one of the first 4 bytes, which UTF-8
/// text never has). nullopt for anything else, UTF-8's own BOM included.
std::optional<Utf16Layout> detect_utf16(std::string_view bytes);

/// Transcodes UTF-16 (without its byte order mark) to UTF-8: unpaired
/// surrogates, NUL and an odd last byte become U+FFFD, so the result is
/// valid UTF-8 with no NUL.
std::string utf16_to_utf8(std::string_view in, bool little_endian);

/// Returns `text` in Unicode Normalization Form C. Invalid UTF-8 is sanitized
/// first, so the result is always valid UTF-8.
std::string to_nfc(std::string_view text);

/// Appends the UTF-8 encoding of code point `cp` (U+FFFD for an invalid one).
void append_utf8(std::string& out, char32_t cp);

/// How strictly a character reference is read.
enum class EntityRules {
    /// As HTML reads text: every named reference of the HTML standard's
    /// table, the legacy ones also without ';' (`&amp`, `&not`, `&AMP`),
    /// a numeric one without ';'. WebVTT cue text follows these rules.
    kHtml,
    /// Only complete references, `;` included: for text that merely holds
    /// escaped characters (XML, YouTube's json3), where "&copy" without
    /// ';' is more likely words than a reference.
    kStrict,
};

/// Decodes character references: named ones from the HTML standard's table
/// (`&amp;`, `&notin;`, `&ClockwiseContourIntegral;`), numeric ones
/// (`&#233;`, `&#x1F600;`; 0, surrogates and values past U+10FFFF as U+FFFD,
/// 128-159 as windows-1252 reads them). A `&` that starts no reference is
/// kept as written.
std::string decode_html_entities(std::string_view text, EntityRules rules = EntityRules::kHtml);

/// Decodes one character reference at the start of `text` (which begins with
/// '&'). On success appends the decoded text to `out` and returns the number
/// of bytes consumed; returns 0 (and appends nothing) when there is none.
std::size_t decode_one_entity(std::string_view text, std::string& out,
                              EntityRules rules = EntityRules::kHtml);

/// Strips ASCII whitespace (space, tab, CR, LF, FF) from both ends.
std::string_view trim(std::string_view text);

/// '0' to '9' only (std::isdigit depends on the locale and takes an int).
constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// True when `text` is not empty and holds only '0' to '9'.
constexpr bool all_ascii_digits(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (char c : text) {
        if (!is_ascii_digit(c)) return false;
    }
    return true;
}

/// `text` without the UTF-8 byte order mark it may start with.
constexpr std::string_view without_utf8_bom(std::string_view text) noexcept {
    constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
    if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
    return text;
}

/// Replaces every run of whitespace (including line breaks) with one space
/// and trims the ends.
std::string collapse_whitespace(std::string_view text);

/// ASCII lower-casing; other bytes are copied unchanged.
std::string ascii_lower(std::string_view text);

/// Lower-cases letters with Unicode's simple lower-case mapping, as Xapian's
/// TermGenerator and QueryParser do (final sigma stays final sigma; case
/// folding would change it). Invalid UTF-8 is sanitized first.
std::string lower_case(std::string_view text);

/// Lower-cases letters with Unicode case folding (utf8proc); for building
/// boolean filter terms out of names and tags.
std::string fold_case(std::string_view text);

/// A URL-friendly slug: ASCII letters lower-cased, digits and non-ASCII
/// bytes kept, every other run of characters one '-' ("Hello, World" ->
/// "hello-world").
std::string slugify(std::string_view text);

/// Escapes `text` for HTML element content and attribute values: & < > " '.
std::string html_escape(std::string_view text);

/// Appends `text` to `out` as a JSON string literal (with quotes). `text` must
/// be valid UTF-8; control characters, quotes and backslashes are escaped, as
/// are U+2028 and U+2029 so the output is also safe inside a <script>.
void append_json_string(std::string& out, std::string_view text);

/// Returns `text` as a JSON string literal (see append_json_string).
std::string json_string(std::string_view text);

}  // namespace talksearch

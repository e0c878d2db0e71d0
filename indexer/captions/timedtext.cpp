// YouTube's XML caption formats: srv3 (`<timedtext format="3">`, times in ms,
// `<s t>` word offsets) and the legacy timedtext (`<transcript><text start
// dur>`, times in seconds, escaped HTML as text).
//
// A small tokenizer reads the XML: declarations, comments, doctypes and
// processing instructions are skipped, CDATA is text, attribute values may
// use either quote. It is not a validating parser: an unclosed element is
// closed by the end of the file, and an end tag that closes nothing is
// ignored. Entities are decoded with decode_html_entities, which knows XML's
// five and the numeric references.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"

namespace talksearch {

namespace {

constexpr double kMaxMs = 1e15;

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.' || static_cast<unsigned char>(c) >= 0x80;
}

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

std::uint32_t to_line(std::size_t n) {
    return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(n);
}

struct XmlToken {
    enum Kind { kStart, kEnd, kText, kEof } kind = kEof;
    std::string_view name;   ///< element name (start and end tags)
    std::string_view attrs;  ///< the raw attribute text of a start tag
    bool self_closing = false;
    bool cdata = false;     ///< text from a CDATA section: no entities to decode
    std::string_view text;  ///< raw text (entities still encoded unless cdata)
    std::size_t begin = 0;  ///< byte range of the token in the input
    std::size_t end = 0;
    std::uint32_t line = 1;  ///< the line the token starts on
};

class XmlTokenizer {
  public:
    explicit XmlTokenizer(std::string_view in) : in_(in) {}

    /// The next token; kEof at the end. Throws ParseError on a tag that is
    /// never closed.
    XmlToken next() {
        while (pos_ < in_.size()) {
            XmlToken t;
            t.begin = pos_;
            t.line = to_line(line_);
            if (in_[pos_] != '<') {
                std::size_t lt = in_.find('<', pos_);
                if (lt == std::string_view::npos) lt = in_.size();
                t.kind = XmlToken::kText;
                t.text = in_.substr(pos_, lt - pos_);
                advance_to(lt);
                t.end = pos_;
                return t;
            }
            const std::string_view rest = in_.substr(pos_);
            if (rest.starts_with("<!--")) {
                skip_past("-->", t.line);
                continue;
            }
            if (rest.starts_with("<![CDATA[")) {
                const std::size_t close = in_.find("]]>", pos_ + 9);
                if (close == std::string_view::npos) unclosed(t.line, "CDATA section");
                t.kind = XmlToken::kText;
                t.cdata = true;
                t.text = in_.substr(pos_ + 9, close - pos_ - 9);
                advance_to(close + 3);
                t.end = pos_;
                return t;
            }
            if (rest.starts_with("<?")) {
                skip_past("?>", t.line);
                continue;
            }
            if (rest.starts_with("<!")) {
                skip_declaration(t.line);
                continue;
            }
            const bool end_tag = rest.size() > 1 && rest[1] == '/';
            const std::size_t name_begin = pos_ + (end_tag ? 2 : 1);
            if (name_begin >= in_.size() || !is_name_start(in_[name_begin])) {
                // A '<' that starts no tag: XML forbids it, captions have it.
                t.kind = XmlToken::kText;
                t.text = in_.substr(pos_, 1);
                advance_to(pos_ + 1);
                t.end = pos_;
                return t;
            }
            std::size_t i = name_begin;
            while (i < in_.size() && is_name_char(in_[i])) ++i;
            t.name = in_.substr(name_begin, i - name_begin);
            // The tag ends at the first '>' outside a quoted value.
            const std::size_t attrs_begin = i;
            char quote = 0;
            while (i < in_.size() && (quote != 0 || in_[i] != '>')) {
                if (quote != 0) {
                    if (in_[i] == quote) quote = 0;
                } else if (in_[i] == '"' || in_[i] == '\'') {
                    quote = in_[i];
                }
                ++i;
            }
            if (i >= in_.size()) unclosed(t.line, "tag <" + std::string(t.name));
            std::size_t attrs_end = i;
            if (!end_tag && attrs_end > attrs_begin && in_[attrs_end - 1] == '/') {
                t.self_closing = true;
                --attrs_end;
            }
            t.kind = end_tag ? XmlToken::kEnd : XmlToken::kStart;
            t.attrs = in_.substr(attrs_begin, attrs_end - attrs_begin);
            advance_to(i + 1);
            t.end = pos_;
            return t;
        }
        XmlToken eof;
        eof.begin = eof.end = in_.size();
        eof.line = to_line(line_);
        return eof;
    }

  private:
    [[noreturn]] static void unclosed(std::uint32_t line, const std::string& what) {
        throw ParseError(line, "malformed XML: " + what + " is never closed");
    }

    void advance_to(std::size_t to) {
        for (std::size_t i = pos_; i < to; ++i) {
            if (in_[i] == '\n') ++line_;
        }
        pos_ = to;
    }

    void skip_past(std::string_view close, std::uint32_t line) {
        const std::size_t at = in_.find(close, pos_ + 2);
        if (at == std::string_view::npos) unclosed(line, "a comment or declaration");
        advance_to(at + close.size());
    }

    // <!DOCTYPE ...> with an optional internal subset in [...].
    void skip_declaration(std::uint32_t line) {
        std::size_t i = pos_ + 2;
        int depth = 0;
        while (i < in_.size() && (depth > 0 || in_[i] != '>')) {
            if (in_[i] == '[') ++depth;
            if (in_[i] == ']' && depth > 0) --depth;
            ++i;
        }
        if (i >= in_.size()) unclosed(line, "a declaration");
        advance_to(i + 1);
    }

    std::string_view in_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

/// The value of attribute `name` in a start tag's raw attribute text,
/// entities decoded; nullopt when absent.
std::optional<std::string> attribute(std::string_view attrs, std::string_view name) {
    std::size_t i = 0;
    while (i < attrs.size()) {
        while (i < attrs.size() && is_xml_space(attrs[i])) ++i;
        const std::size_t name_begin = i;
        while (i < attrs.size() && attrs[i] != '=' && !is_xml_space(attrs[i])) ++i;
        const std::string_view key = attrs.substr(name_begin, i - name_begin);
        while (i < attrs.size() && is_xml_space(attrs[i])) ++i;
        if (i >= attrs.size() || attrs[i] != '=') {
            if (i == name_begin) ++i;  // a stray character: step over it
            continue;
        }
        ++i;
        while (i < attrs.size() && is_xml_space(attrs[i])) ++i;
        std::string_view value;
        if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
            const char quote = attrs[i];
            const std::size_t close = attrs.find(quote, i + 1);
            const std::size_t value_end = close == std::string_view::npos ? attrs.size() : close;
            value = attrs.substr(i + 1, value_end - i - 1);
            i = value_end + 1;
        } else {
            const std::size_t value_begin = i;
            while (i < attrs.size() && !is_xml_space(attrs[i])) ++i;
            value = attrs.substr(value_begin, i - value_begin);
        }
        if (key == name) return decode_html_entities(value);
    }
    return std::nullopt;
}

/// A decimal number (`1.54`, `5`, `-0.2`) with nothing around it.
std::optional<double> parse_decimal(std::string_view s) {
    s = trim(s);
    if (s.empty()) return std::nullopt;
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// An attribute holding milliseconds (srv3) or seconds (legacy), in ms.
std::optional<std::int64_t> time_attribute(std::string_view attrs, std::string_view name,
                                           double scale) {
    const std::optional<std::string> value = attribute(attrs, name);
    if (!value) return std::nullopt;
    const std::optional<double> v = parse_decimal(*value);
    if (!v || std::fabs(*v * scale) > kMaxMs) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*v * scale));
}

/// Removes HTML tags (`<i>`, `</font>`, `<br/>`: a '<' then a letter or '/'
/// and a letter, up to the next '>' on the line); `<br>` becomes a line
/// break. A '<' that starts no tag ("a < b") is kept.
std::string strip_html_tags(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '<') {
            const std::size_t name = i + 1 < s.size() && s[i + 1] == '/' ? i + 2 : i + 1;
            const std::size_t gt = s.find('>', i);
            const std::size_t nl = s.find('\n', i);
            if (name < s.size() && is_name_start(s[name]) && gt != std::string_view::npos &&
                (nl == std::string_view::npos || gt < nl)) {
                std::size_t k = name;
                while (k < gt && is_name_char(s[k])) ++k;
                if (ascii_lower(s.substr(name, k - name)) == "br") out += '\n';
                i = gt + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

/// The root element's name and line (prolog skipped), or an empty name when
/// the text has none before its end.
struct Root {
    std::string_view name;
    std::string_view attrs;
    std::uint32_t line = 0;
};

Root find_root(XmlTokenizer& xml) {
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind == XmlToken::kStart) return {t.name, t.attrs, t.line};
        if (t.kind == XmlToken::kText && !trim(t.text).empty()) return {};
        if (t.kind == XmlToken::kEnd) return {};
    }
    return {};
}

/// Reads up to the root element and checks that it is `<element>`; throws
/// ParseError saying that the text is not `format` ("an srv3") when it is not.
void expect_root(XmlTokenizer& xml, std::string_view element, std::string_view format) {
    const Root root = find_root(xml);
    if (root.name == element) return;
    const std::string not_a = "not " + std::string(format) + " file: ";
    throw ParseError(root.line, root.name.empty()
                                    ? not_a + "no XML root element"
                                    : not_a + "the root element is <" + std::string(root.name) +
                                          ">, not <" + std::string(element) + ">");
}

std::string_view raw_between(std::string_view in, std::size_t begin, std::size_t end,
                             const CaptionLimits& limits) {
    if (end < begin) end = begin;
    return truncate_utf8(in.substr(begin, end - begin), limits.max_cue_text_bytes);
}

// ---------------------------------------------------------------------------
// srv3

/// One `<p>` (or srv2 `<text>`) of an srv3 file, read up to its end tag.
struct Paragraph {
    struct Piece {
        std::string text;
        std::optional<std::int64_t> offset_ms;  ///< an `<s t>` offset
        bool span = false;                      ///< inside an `<s>`
    };
    std::vector<Piece> pieces;
    std::size_t content_begin = 0;
    std::size_t content_end = 0;
    bool closed = true;  ///< false when the file ended before the end tag
};

Paragraph read_paragraph(XmlTokenizer& xml, const XmlToken& open) {
    Paragraph p;
    p.content_begin = open.end;
    p.content_end = open.end;
    if (open.self_closing) return p;
    int depth = 0;       // elements open inside the paragraph
    int span_depth = 0;  // depth of the innermost <s>, 0 when outside
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind == XmlToken::kEnd) {
            if (depth == 0 && t.name == open.name) {
                p.content_end = t.begin;
                return p;
            }
            if (depth > 0) --depth;
            if (span_depth > depth) span_depth = 0;
            continue;
        }
        if (t.kind == XmlToken::kStart) {
            if (t.name == "br") {
                p.pieces.push_back({"\n", std::nullopt, false});
            } else if (t.name == "s" && !t.self_closing) {
                p.pieces.push_back({"", time_attribute(t.attrs, "t", 1), true});
                span_depth = depth + 1;
            }
            if (!t.self_closing) ++depth;
            continue;
        }
        const std::string text = t.cdata ? std::string(t.text) : decode_html_entities(t.text);
        if (span_depth > 0 && !p.pieces.empty() && p.pieces.back().span) {
            p.pieces.back().text += text;
        } else {
            p.pieces.push_back({text, std::nullopt, false});
        }
        p.content_end = t.end;
    }
    p.closed = false;
    return p;
}

// ---------------------------------------------------------------------------
// Legacy timedtext

/// The text content of a `<text>` element up to its end tag, raw (entities
/// still encoded; markup inside it, rare, left out).
std::string read_text_element(XmlTokenizer& xml, const XmlToken& open, std::size_t& content_end) {
    std::string out;
    content_end = open.end;
    if (open.self_closing) return out;
    int depth = 0;
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind == XmlToken::kEnd) {
            if (depth == 0 && t.name == open.name) {
                content_end = t.begin;
                return out;
            }
            if (depth > 0) --depth;
        } else if (t.kind == XmlToken::kStart) {
            if (t.name == "br") out += '\n';
            if (!t.self_closing) ++depth;
        } else {
            out += t.cdata ? std::string(t.text) : decode_html_entities(t.text);
            content_end = t.end;
        }
    }
    return out;
}

}  // namespace

Sniffed sniff_xml_captions(std::string_view text) {
    Sniffed sniffed;
    std::string storage;
    const std::string_view in = normalize_caption_input(text, storage);
    sniffed.structured = trim(in).starts_with("<?xml");
    XmlTokenizer xml(in);
    Root root;
    try {
        root = find_root(xml);
    } catch (const ParseError&) {
        sniffed.what = "malformed XML";
        return sniffed;
    }
    if (root.name.empty()) {
        sniffed.what = "XML without a root element";
        return sniffed;
    }
    sniffed.structured = true;
    if (root.name == "timedtext") {
        sniffed.format = CaptionFormat::kSrv3;
    } else if (root.name == "transcript") {
        sniffed.format = CaptionFormat::kTimedText;
    } else {
        sniffed.what = "XML with root element <" + std::string(root.name) +
                       ">, not YouTube timedtext (srv3 or legacy)";
    }
    return sniffed;
}

Captions parse_srv3(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kSrv3;
    std::string storage;
    const std::string_view in = normalize_caption_input(text, storage);
    XmlTokenizer xml(in);
    expect_root(xml, "timedtext", "an srv3");
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind != XmlToken::kStart || (t.name != "p" && t.name != "text")) continue;
        const Paragraph p = read_paragraph(xml, t);
        if (!p.closed) {
            out.warnings.push_back({t.line, "the file ends inside <" + std::string(t.name) +
                                                ">: it may be cut short"});
        }
        bool has_text = false;
        bool has_offsets = false;
        for (const Paragraph::Piece& piece : p.pieces) {
            has_text = has_text || !trim(piece.text).empty();
            has_offsets = has_offsets || piece.offset_ms.has_value();
        }
        // Empty paragraphs (the "a" appends between auto-caption lines) are not cues.
        if (!has_text) continue;
        const std::optional<std::int64_t> start = time_attribute(t.attrs, "t", 1);
        if (!start) {
            out.warnings.push_back({t.line, "<" + std::string(t.name) +
                                                "> without a valid t (start) time, cue dropped"});
            continue;
        }
        if (cue_limit_reached(out, limits, t.line)) break;
        Cue cue;
        cue.line = t.line;
        cue.start_ms = *start;
        cue.end_ms = *start + time_attribute(t.attrs, "d", 1).value_or(0);
        bool complete = true;
        bool first_span = true;
        for (const Paragraph::Piece& piece : p.pieces) {
            std::optional<std::int64_t> at;
            if (piece.offset_ms) {
                at = *start + *piece.offset_ms;
            } else if (has_offsets && piece.span && first_span) {
                at = *start;  // the first word of an auto-caption line has no offset
            }
            if (piece.span) first_span = false;
            complete =
                append_timed_text(cue, piece.text, at, limits.max_cue_text_bytes) && complete;
        }
        cue.raw = std::string(raw_between(in, p.content_begin, p.content_end, limits));
        if (!complete) warn_truncated(out, limits, t.line);
        out.cues.push_back(std::move(cue));
    }
    return out;
}

Captions parse_timedtext(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kTimedText;
    std::string storage;
    const std::string_view in = normalize_caption_input(text, storage);
    XmlTokenizer xml(in);
    expect_root(xml, "transcript", "a timedtext");
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind != XmlToken::kStart || t.name != "text") continue;
        std::size_t content_end = t.end;
        const std::string once = read_text_element(xml, t, content_end);
        // The text is HTML escaped for XML, and often escaped twice
        // ("&amp;#39;"): decode again, then drop the HTML tags it holds.
        const std::string plain = strip_html_tags(decode_html_entities(once));
        // Empty <text> elements are not cues (youtube-transcript-api drops them too).
        if (trim(plain).empty()) continue;
        const std::optional<std::int64_t> start = time_attribute(t.attrs, "start", 1000);
        if (!start) {
            out.warnings.push_back({t.line, "<text> without a valid start time, cue dropped"});
            continue;
        }
        if (cue_limit_reached(out, limits, t.line)) break;
        Cue cue;
        cue.line = t.line;
        cue.start_ms = *start;
        const std::optional<std::string> dur_text = attribute(t.attrs, "dur");
        const std::optional<std::int64_t> dur = time_attribute(t.attrs, "dur", 1000);
        if (dur_text && !dur) {
            out.warnings.push_back({t.line, "<text> with a bad dur \"" + *dur_text +
                                                "\": the cue ends where it starts"});
        }
        cue.end_ms = *start + dur.value_or(0);
        if (!append_timed_text(cue, plain, std::nullopt, limits.max_cue_text_bytes)) {
            warn_truncated(out, limits, t.line);
        }
        cue.raw = std::string(raw_between(in, t.end, content_end, limits));
        out.cues.push_back(std::move(cue));
    }
    return out;
}

}  // namespace talksearch

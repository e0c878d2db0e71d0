// The XML tokenizer of the XML caption formats and its helpers.
#include "indexer/captions/xml_tokenizer.h"

#include "core/error.h"
#include "core/text.h"
#include "indexer/captions/cue_text.h"

namespace talksearch {

namespace {

std::uint32_t to_line(std::size_t n) {
    return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(n);
}

[[noreturn]] void unclosed(std::uint32_t line, const std::string& what) {
    throw ParseError(line, "malformed XML: " + what + " is never closed");
}

// The first attribute of `attrs` whose name passes `wanted`, entities decoded.
template <typename Wanted>
std::optional<std::string> find_attribute(std::string_view attrs, Wanted wanted) {
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
        if (wanted(key)) return decode_html_entities(value, EntityRules::kStrict);
    }
    return std::nullopt;
}

}  // namespace

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_xml_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

bool is_xml_name_char(char c) {
    return is_xml_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.';
}

std::string_view xml_local_name(std::string_view name) {
    const std::size_t colon = name.rfind(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

XmlToken XmlTokenizer::next() {
    while (pos_ < in_.size()) {
        const std::uint32_t line = to_line(line_);
        if (in_[pos_] != '<') {
            const std::size_t lt = in_.find('<', pos_);
            return text_token(lt == std::string_view::npos ? in_.size() : lt, line);
        }
        const std::string_view rest = in_.substr(pos_);
        if (rest.starts_with("<!--")) {
            skip_past("-->", line);
        } else if (rest.starts_with("<![CDATA[")) {
            const std::size_t close = in_.find("]]>", pos_ + 9);
            if (close == std::string_view::npos) unclosed(line, "CDATA section");
            XmlToken t = text_token(close + 3, line);
            t.cdata = true;
            t.text = in_.substr(t.begin + 9, close - t.begin - 9);
            return t;
        } else if (rest.starts_with("<?")) {
            skip_past("?>", line);
        } else if (rest.starts_with("<!")) {
            skip_declaration(line);
        } else {
            return tag_token(line);
        }
    }
    XmlToken eof;
    eof.begin = eof.end = in_.size();
    eof.line = to_line(line_);
    return eof;
}

// Text from here up to `end`.
XmlToken XmlTokenizer::text_token(std::size_t end, std::uint32_t line) {
    XmlToken t;
    t.kind = XmlToken::kText;
    t.begin = pos_;
    t.line = line;
    t.text = in_.substr(pos_, end - pos_);
    advance_to(end);
    t.end = pos_;
    return t;
}

// A start or end tag at pos_ (which holds '<'), or the '<' alone as text
// when no name follows it: XML forbids that, captions have it ("x < y").
XmlToken XmlTokenizer::tag_token(std::uint32_t line) {
    const bool end_tag = pos_ + 1 < in_.size() && in_[pos_ + 1] == '/';
    const std::size_t name_begin = pos_ + (end_tag ? 2 : 1);
    if (name_begin >= in_.size() || !is_xml_name_start(in_[name_begin])) {
        return text_token(pos_ + 1, line);
    }
    XmlToken t;
    t.begin = pos_;
    t.line = line;
    std::size_t i = name_begin;
    while (i < in_.size() && is_xml_name_char(in_[i])) ++i;
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

void XmlTokenizer::advance_to(std::size_t to) {
    for (std::size_t i = pos_; i < to; ++i) {
        if (in_[i] == '\n') ++line_;
    }
    pos_ = to;
}

void XmlTokenizer::skip_past(std::string_view close, std::uint32_t line) {
    const std::size_t at = in_.find(close, pos_ + 2);
    if (at == std::string_view::npos) unclosed(line, "a comment or declaration");
    advance_to(at + close.size());
}

// <!DOCTYPE ...> with an optional internal subset in [...].
void XmlTokenizer::skip_declaration(std::uint32_t line) {
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

std::optional<std::string> xml_attribute(std::string_view attrs, std::string_view name) {
    return find_attribute(attrs, [name](std::string_view key) { return key == name; });
}

std::optional<std::string> xml_attribute_local(std::string_view attrs, std::string_view local) {
    return find_attribute(attrs,
                          [local](std::string_view key) { return xml_local_name(key) == local; });
}

XmlRoot find_xml_root(XmlTokenizer& xml) {
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind == XmlToken::kStart) return {t.name, t.attrs, t.line};
        if (t.kind == XmlToken::kText && !trim(t.text).empty()) return {};
        if (t.kind == XmlToken::kEnd) return {};
    }
    return {};
}

XmlRoot expect_xml_root(XmlTokenizer& xml, std::string_view element, std::string_view format) {
    const XmlRoot root = find_xml_root(xml);
    if (!root.name.empty() && xml_local_name(root.name) == element) return root;
    const std::string not_a = "not " + std::string(format) + " file: ";
    throw ParseError(root.line, root.name.empty()
                                    ? not_a + "no XML root element"
                                    : not_a + "the root element is <" + std::string(root.name) +
                                          ">, not <" + std::string(element) + ">");
}

std::string cut_short_warning(std::string_view element) {
    return "the file ends inside <" + std::string(element) + ">: it may be cut short";
}

std::string xml_content(std::string_view in, std::size_t begin, std::size_t end,
                        std::size_t max_bytes) {
    if (end < begin) end = begin;
    return std::string(truncate_utf8(in.substr(begin, end - begin), max_bytes));
}

}  // namespace talksearch

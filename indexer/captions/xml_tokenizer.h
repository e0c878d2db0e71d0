// The XML reader of the XML caption formats (srv3, legacy timedtext, TTML):
// a tokenizer and the few helpers they share, so that each parser walks the
// same tokens.
//
// It is not a validating parser, because caption files are often not valid
// XML: declarations, comments, doctypes and processing instructions are
// skipped, CDATA is text, attribute values may use either quote, a '<' that
// starts no tag is text, an unclosed element is closed by the end of the
// file and an end tag that closes nothing is left to the caller. Namespaces
// are not resolved: a caller that accepts any prefix compares local names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace talksearch {

/// XML's white space: space, tab, LF, CR.
bool is_xml_space(char c);

/// A byte that may start an element name (ASCII letter, '_', non-ASCII).
bool is_xml_name_start(char c);

/// A byte that may continue an element name (also digits, '-', '.', ':').
bool is_xml_name_char(char c);

/// `name` less its namespace prefix: "tt:p" -> "p", "p" -> "p".
std::string_view xml_local_name(std::string_view name);

struct XmlToken {
    enum Kind { kStart, kEnd, kText, kEof } kind = kEof;
    std::string_view name;   ///< element name (start and end tags), prefix included
    std::string_view attrs;  ///< the raw attribute text of a start tag
    bool self_closing = false;
    bool cdata = false;     ///< text from a CDATA section: no entities to decode
    std::string_view text;  ///< raw text (entities still encoded unless cdata)
    std::size_t begin = 0;  ///< byte range of the token in the input
    std::size_t end = 0;
    std::uint32_t line = 1;  ///< the line the token starts on
};

/// Splits an XML text into start tags, end tags and text, in order.
class XmlTokenizer {
  public:
    explicit XmlTokenizer(std::string_view in) : in_(in) {}

    /// The next token; kEof at the end. Throws ParseError on a tag, comment
    /// or CDATA section that is never closed.
    XmlToken next();

  private:
    XmlToken text_token(std::size_t end, std::uint32_t line);
    XmlToken tag_token(std::uint32_t line);
    void advance_to(std::size_t to);
    void skip_past(std::string_view close, std::uint32_t line);
    void skip_declaration(std::uint32_t line);

    std::string_view in_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

/// The value of attribute `name` (compared exactly, prefix included) in a
/// start tag's raw attribute text, entities decoded; nullopt when absent.
std::optional<std::string> xml_attribute(std::string_view attrs, std::string_view name);

/// The value of the attribute whose local name is `local` whatever its
/// prefix ("ttp:frameRate" for "frameRate"), entities decoded; the first
/// such attribute, nullopt when none.
std::optional<std::string> xml_attribute_local(std::string_view attrs, std::string_view local);

/// The root element of an XML text: its name, raw attributes and line; an
/// empty name when the text has none (text or an end tag comes first, or
/// the text ends).
struct XmlRoot {
    std::string_view name;
    std::string_view attrs;
    std::uint32_t line = 0;
};

/// Reads up to the root element (prolog skipped).
XmlRoot find_xml_root(XmlTokenizer& xml);

/// Reads up to the root element and checks that its local name is
/// `element`; throws ParseError saying that the text is not `format` ("an
/// srv3") when it is not. Returns the root.
XmlRoot expect_xml_root(XmlTokenizer& xml, std::string_view element, std::string_view format);

/// The warning for an element that the file ends inside of: "the file ends
/// inside <p>: it may be cut short", worded once for the XML formats.
std::string cut_short_warning(std::string_view element);

/// The bytes `begin` to `end` of `in` (nothing when end < begin), cut to
/// `max_bytes` at a character boundary: an element's content as written,
/// for Cue::raw.
std::string xml_content(std::string_view in, std::size_t begin, std::size_t end,
                        std::size_t max_bytes);

}  // namespace talksearch

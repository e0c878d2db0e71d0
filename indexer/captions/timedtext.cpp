// YouTube's XML caption formats: srv3 (`<timedtext format="3">`, times in ms,
// `<s t>` word offsets) and the legacy timedtext (`<transcript><text start
// dur>`, times in seconds, escaped HTML as text); and the sniffer of every
// XML caption format, TTML's included.
//
// The XML is read by xml_tokenizer.h, which TTML shares: an unclosed element
// is closed by the end of the file, and an end tag that closes nothing is
// ignored.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cue.h"
#include "core/text.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"
#include "indexer/captions/xml_tokenizer.h"

namespace talksearch {

namespace {

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
    const std::optional<std::string> value = xml_attribute(attrs, name);
    if (!value) return std::nullopt;
    const std::optional<double> v = parse_decimal(*value);
    if (!v || std::fabs(*v * scale) > static_cast<double>(kMaxCaptionMs)) return std::nullopt;
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
            if (name < s.size() && is_xml_name_start(s[name]) && gt != std::string_view::npos &&
                (nl == std::string_view::npos || gt < nl)) {
                std::size_t k = name;
                while (k < gt && is_xml_name_char(s[k])) ++k;
                if (ascii_lower(s.substr(name, k - name)) == "br") out += '\n';
                i = gt + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

// ---------------------------------------------------------------------------
// srv3

/// One `<p>` (or srv2 `<text>`) of an srv3 file, read up to its end tag.
struct TimedParagraph {
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

/// The text of a text token of srv3. YouTube escapes srv3 text twice
/// (`call &amp;amp; wait` is "call & wait"), so the XML text is decoded a
/// second time. Only complete references are, in both passes: a '&' that
/// the second pass meets before a word ("R&D", "&notes") is the text's own.
/// The text is not markup: a "<i>" that decoding leaves is kept as written.
std::string srv3_text(const XmlToken& t) {
    const std::string once =
        t.cdata ? std::string(t.text) : decode_html_entities(t.text, EntityRules::kStrict);
    return decode_html_entities(once, EntityRules::kStrict);
}

TimedParagraph read_paragraph(XmlTokenizer& xml, const XmlToken& open) {
    TimedParagraph p;
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
        const std::string text = srv3_text(t);
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

bool has_text(const TimedParagraph& p) {
    for (const TimedParagraph::Piece& piece : p.pieces) {
        if (!trim(piece.text).empty()) return true;
    }
    return false;
}

/// When a paragraph starts (nullopt when it has no valid start) and how
/// long it lasts.
struct ParagraphTimes {
    std::optional<std::int64_t> start;
    std::int64_t duration_ms = 0;
};

/// srv3's `t` and `d` in ms; when there is no `t`, the `start` and `dur` in
/// seconds of srv1 and the legacy format, which some srv3 files carry
/// (`<timedtext format="3"><body><text start="18.64" dur="3.24">`).
ParagraphTimes paragraph_times(std::string_view attrs) {
    if (!xml_attribute(attrs, "t") && xml_attribute(attrs, "start")) {
        return {time_attribute(attrs, "start", 1000),
                time_attribute(attrs, "dur", 1000).value_or(0)};
    }
    return {time_attribute(attrs, "t", 1), time_attribute(attrs, "d", 1).value_or(0)};
}

/// Appends the paragraph's text to `cue` (whose start is set), `<s t>`
/// offsets as word times. False when the text had to be cut.
bool append_paragraph(Cue& cue, const TimedParagraph& p, const CaptionLimits& limits) {
    bool has_offsets = false;
    for (const TimedParagraph::Piece& piece : p.pieces) {
        has_offsets = has_offsets || piece.offset_ms.has_value();
    }
    bool complete = true;
    bool first_span = true;
    for (const TimedParagraph::Piece& piece : p.pieces) {
        std::optional<std::int64_t> at;
        if (piece.offset_ms) {
            at = cue.start_ms + *piece.offset_ms;
        } else if (has_offsets && piece.span && first_span) {
            at = cue.start_ms;  // the first word of an auto-caption line has no offset
        }
        if (piece.span) first_span = false;
        complete = append_timed_text(cue, piece.text, at, limits.max_cue_text_bytes) && complete;
    }
    return complete;
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
            out +=
                t.cdata ? std::string(t.text) : decode_html_entities(t.text, EntityRules::kStrict);
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
    XmlRoot root;
    try {
        root = find_xml_root(xml);
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
    } else if (xml_local_name(root.name) == "tt") {
        // TTML's root, with any prefix (`<tt:tt xmlns:tt=...>`): its
        // namespace has changed over the drafts, its name has not.
        sniffed.format = CaptionFormat::kTtml;
    } else {
        sniffed.what = "XML with root element <" + std::string(root.name) +
                       ">, not YouTube timedtext (srv3 or legacy) or TTML";
    }
    return sniffed;
}

Captions parse_srv3(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kSrv3;
    std::string storage;
    const std::string_view in = normalize_caption_input(text, storage);
    XmlTokenizer xml(in);
    expect_xml_root(xml, "timedtext", "an srv3");
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind != XmlToken::kStart || (t.name != "p" && t.name != "text")) continue;
        const TimedParagraph p = read_paragraph(xml, t);
        if (!p.closed) out.warnings.push_back({t.line, cut_short_warning(t.name)});
        // Empty paragraphs (the "a" appends between auto-caption lines) are not cues.
        if (!has_text(p)) continue;
        const ParagraphTimes times = paragraph_times(t.attrs);
        if (!times.start) {
            out.warnings.push_back(
                {t.line, "<" + std::string(t.name) +
                             "> without a valid start time (t in ms, or start in seconds), "
                             "cue dropped"});
            continue;
        }
        if (cue_limit_reached(out, limits, t.line)) break;
        Cue cue;
        cue.line = t.line;
        cue.start_ms = *times.start;
        cue.end_ms = *times.start + times.duration_ms;
        if (!append_paragraph(cue, p, limits)) warn_truncated(out, limits, t.line);
        cue.raw = xml_content(in, p.content_begin, p.content_end, limits.max_cue_text_bytes);
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
    expect_xml_root(xml, "transcript", "a timedtext");
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        if (t.kind != XmlToken::kStart || t.name != "text") continue;
        std::size_t content_end = t.end;
        const std::string once = read_text_element(xml, t, content_end);
        // The text is HTML escaped for XML, and often escaped twice
        // ("&amp;#39;"): decode again, then drop the HTML tags it holds.
        // Complete references only, as in every XML format (docs/DESIGN.md).
        const std::string plain = strip_html_tags(decode_html_entities(once, EntityRules::kStrict));
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
        const std::optional<std::string> dur_text = xml_attribute(t.attrs, "dur");
        const std::optional<std::int64_t> dur = time_attribute(t.attrs, "dur", 1000);
        if (dur_text && !dur) {
            out.warnings.push_back({t.line, "<text> with a bad dur \"" + *dur_text +
                                                "\": the cue ends where it starts"});
        }
        cue.end_ms = *start + dur.value_or(0);
        if (!append_timed_text(cue, plain, std::nullopt, limits.max_cue_text_bytes)) {
            warn_truncated(out, limits, t.line);
        }
        cue.raw = xml_content(in, t.end, content_end, limits.max_cue_text_bytes);
        out.cues.push_back(std::move(cue));
    }
    return out;
}

}  // namespace talksearch

// W3C TTML (Timed Text Markup Language) and its draft, DFXP: what YouTube,
// Vimeo, Netflix and broadcasters export. Only what a search needs is read:
// the text of each `<p>` under `<body>` and when it is shown.
//
// Timing follows TTML's time containment with par semantics: `begin` and
// `end` count from the begin of the enclosing timed element (`<body>`,
// `<div>`, `<p>`, `<span>`), `dur` from the element's own begin, an element
// without `end` or `dur` ends with its container, and none ends after it.
// `timeContainer="seq"` (rare in captions) is read as par. Styling, layout,
// regions and `<metadata>` are left out. The namespace is not checked: the
// drafts used three, and the element names never changed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cue.h"
#include "core/text.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/cue_text.h"
#include "indexer/captions/parser_warnings.h"
#include "indexer/captions/ttml_time.h"
#include "indexer/captions/xml_tokenizer.h"

namespace talksearch {

namespace {

/// When a timed element is active, in ms from the start of the media.
struct Interval {
    std::int64_t begin = 0;
    std::optional<std::int64_t> end;  ///< nullopt: until the media ends
    bool timed = false;               ///< this element or one around it has a time attribute
    bool preserve = false;            ///< xml:space="preserve" is in effect
};

/// An element's interval inside `parent`'s, from its begin, end and dur.
/// nullopt, with the offending attribute in `bad`, when one is not a time.
std::optional<Interval> resolve(std::string_view attrs, const Interval& parent,
                                const TtmlClock& clock, std::string& bad) {
    std::optional<std::int64_t> times[3];
    const char* const names[3] = {"begin", "end", "dur"};
    for (int k = 0; k < 3; ++k) {
        const std::optional<std::string> value = xml_attribute(attrs, names[k]);
        if (!value) continue;
        times[k] = parse_ttml_time(*value, clock);
        if (!times[k]) {
            bad = std::string(names[k]) + "=" + quote_line(trim(*value));
            return std::nullopt;
        }
    }
    const auto& [begin, end, dur] = times;
    Interval out;
    out.begin = parent.begin + begin.value_or(0);
    out.end = parent.end;
    if (end) out.end = parent.begin + *end;
    // With both, the element ends at whichever comes first (SMIL's rule).
    if (dur && (!end || out.begin + *dur < *out.end)) out.end = out.begin + *dur;
    if (parent.end && out.end && *out.end > *parent.end) out.end = parent.end;
    // Each time is at most kMaxCaptionMs and so is every resolved one: nested
    // begins add up, and past it they are refused before they can overflow.
    if (out.begin > kMaxCaptionMs || (out.end && *out.end > kMaxCaptionMs)) {
        bad = "time: nested times add up past " + std::to_string(kMaxCaptionMs / 3'600'000) +
              " hours";
        return std::nullopt;
    }
    out.timed = parent.timed || begin || end || dur;
    const std::optional<std::string> space = xml_attribute(attrs, "xml:space");
    out.preserve = space ? trim(*space) == "preserve" : parent.preserve;
    return out;
}

/// A stretch of a paragraph's text as written, before white space handling.
struct Piece {
    std::string text;
    std::optional<std::int64_t> at;  ///< the begin of the timed span it starts
    bool line_break = false;         ///< a `<br/>`
    bool preserve = false;
};

/// One `<p>`, read up to its end tag.
struct Paragraph {
    std::vector<Piece> pieces;
    std::size_t content_begin = 0;
    std::size_t content_end = 0;
    bool closed = true;  ///< false when the file ended before the end tag
};

/// An element open inside a paragraph.
struct Open {
    Interval interval;
    bool hidden = false;        ///< `<metadata>` and what it holds: not shown
    bool time_pending = false;  ///< a timed span whose first text is still to come
};

Paragraph read_paragraph(XmlTokenizer& xml, const XmlToken& open, const Interval& p,
                         const TtmlClock& clock) {
    Paragraph out;
    out.content_begin = out.content_end = open.end;
    if (open.self_closing) return out;
    std::vector<Open> stack{{p, false, false}};
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        const Open& top = stack.back();
        if (t.kind == XmlToken::kEnd) {
            if (stack.size() == 1 && t.name == open.name) {
                out.content_end = t.begin;
                return out;
            }
            if (stack.size() > 1) stack.pop_back();
        } else if (t.kind == XmlToken::kStart) {
            const std::string_view name = xml_local_name(t.name);
            if (name == "br" && !top.hidden) out.pieces.push_back({"\n", std::nullopt, true});
            if (t.self_closing) continue;
            std::string bad;  // a span with a bad time keeps its text, without a word time
            const std::optional<Interval> span = resolve(t.attrs, top.interval, clock, bad);
            const bool timed = name == "span" && span && xml_attribute(t.attrs, "begin");
            stack.push_back({span.value_or(top.interval), top.hidden || name == "metadata", timed});
        } else if (!top.hidden) {
            Piece piece;
            piece.text =
                t.cdata ? std::string(t.text) : decode_html_entities(t.text, EntityRules::kStrict);
            if (top.time_pending) piece.at = top.interval.begin;
            piece.preserve = top.interval.preserve;
            stack.back().time_pending = false;
            out.pieces.push_back(std::move(piece));
            out.content_end = t.end;
        }
    }
    out.closed = false;
    return out;
}

/// The pieces as TTML presents them: with xml:space="default", every run of
/// white space (line ends included) is one space, and none is kept at the
/// start or end of a line; with "preserve", text is kept as written.
std::vector<Piece> collapse_white_space(const std::vector<Piece>& pieces) {
    std::vector<Piece> out;
    bool line_start = true;
    bool pending_space = false;
    for (const Piece& piece : pieces) {
        Piece shown{"", piece.at, piece.line_break, piece.preserve};
        if (piece.line_break || piece.preserve) {
            if (pending_space && !piece.line_break) shown.text += ' ';
            shown.text += piece.text;
            pending_space = false;
            if (!piece.text.empty()) line_start = piece.text.back() == '\n';
        } else {
            for (char c : piece.text) {
                if (is_xml_space(c)) {
                    pending_space = !line_start;
                    continue;
                }
                if (pending_space) shown.text += ' ';
                pending_space = line_start = false;
                shown.text += c;
            }
        }
        out.push_back(std::move(shown));
    }
    return out;
}

bool has_text(const std::vector<Piece>& pieces) {
    for (const Piece& piece : pieces) {
        if (!piece.line_break && !trim(piece.text).empty()) return true;
    }
    return false;
}

/// Appends the pieces to `cue` (whose start is set), timed spans as word
/// times; text before the first timed span is said when the cue starts.
/// False when the text had to be cut.
bool append_pieces(Cue& cue, std::vector<Piece> pieces, const CaptionLimits& limits) {
    bool has_times = false;
    for (const Piece& piece : pieces) has_times = has_times || piece.at.has_value();
    for (Piece& piece : pieces) {
        if (!has_times || trim(piece.text).empty()) continue;
        if (!piece.at) piece.at = cue.start_ms;
        break;
    }
    bool complete = true;
    for (const Piece& piece : pieces) {
        // A line break before any text (a `<br/>` first) is not text.
        if (piece.line_break && cue.text.empty()) continue;
        complete =
            append_timed_text(cue, piece.text, piece.at, limits.max_cue_text_bytes) && complete;
    }
    // Nor is one after all of it.
    while (!cue.text.empty() && cue.text.back() == '\n') cue.text.pop_back();
    return complete;
}

/// Reads the timing of a `<body>` or `<div>`: its interval, or its parent's
/// (with a warning) when one of its times is bad.
Interval container(const XmlToken& t, const Interval& parent, const TtmlClock& clock,
                   Captions& out) {
    std::string bad;
    const std::optional<Interval> interval = resolve(t.attrs, parent, clock, bad);
    if (interval) return *interval;
    out.warnings.push_back(
        {t.line, "<" + std::string(t.name) + "> with a bad " + bad + ": its times are ignored"});
    return parent;
}

/// Makes a cue of the `<p>` that `t` opens (read up to its end tag), or a
/// warning when it has text but no time. False when the cue limit is reached:
/// reading stops.
bool read_cue(XmlTokenizer& xml, const XmlToken& t, const Interval& parent, const TtmlClock& clock,
              std::string_view in, const CaptionLimits& limits, Captions& out) {
    std::string bad;
    const std::optional<Interval> p = resolve(t.attrs, parent, clock, bad);
    const Paragraph paragraph = read_paragraph(xml, t, p.value_or(parent), clock);
    if (!paragraph.closed) {
        out.warnings.push_back({t.line, cut_short_warning(t.name)});
    }
    std::vector<Piece> pieces = collapse_white_space(paragraph.pieces);
    if (!has_text(pieces)) return true;  // an empty <p> is not a cue
    if (!p || !p->timed) {
        out.warnings.push_back(
            {t.line, "<" + std::string(t.name) + "> " +
                         (p ? "without a time (begin, end or dur on it or around it)"
                            : "with a bad " + bad) +
                         ", cue dropped"});
        return true;
    }
    if (cue_limit_reached(out, limits, t.line)) return false;
    Cue cue;
    cue.line = t.line;
    cue.start_ms = p->begin;
    cue.end_ms = p->end.value_or(p->begin);
    if (!append_pieces(cue, std::move(pieces), limits)) warn_truncated(out, limits, t.line);
    cue.raw =
        xml_content(in, paragraph.content_begin, paragraph.content_end, limits.max_cue_text_bytes);
    out.cues.push_back(std::move(cue));
    return true;
}

}  // namespace

Captions parse_ttml(std::string_view text, const CaptionLimits& limits) {
    Captions out;
    out.format = CaptionFormat::kTtml;
    std::string storage;
    const std::string_view in = normalize_caption_input(text, storage);
    XmlTokenizer xml(in);
    const XmlRoot root = expect_xml_root(xml, "tt", "a TTML");
    const TtmlClock clock = ttml_clock(root.attrs);
    // The root holds no times, but may set xml:space for the whole document.
    std::string bad;
    const Interval document = resolve(root.attrs, Interval{}, clock, bad).value_or(Interval{});
    // The <body> and the <div>s open around the current token, innermost last.
    std::vector<Interval> containers;
    for (XmlToken t = xml.next(); t.kind != XmlToken::kEof; t = xml.next()) {
        const std::string_view name = xml_local_name(t.name);
        const bool is_container = name == "body" || name == "div";
        if (t.kind == XmlToken::kEnd && is_container && !containers.empty()) {
            containers.pop_back();
        } else if (t.kind == XmlToken::kStart && is_container && !t.self_closing &&
                   (name == "body" || !containers.empty())) {
            const Interval& parent = containers.empty() ? document : containers.back();
            containers.push_back(container(t, parent, clock, out));
        } else if (t.kind == XmlToken::kStart && name == "p" && !containers.empty()) {
            if (!read_cue(xml, t, containers.back(), clock, in, limits, out)) break;
        }
    }
    return out;
}

}  // namespace talksearch

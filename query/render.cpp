#include "query/render.h"

#include <cstdio>

#include "core/json_writer.h"
#include "core/text.h"
#include "core/video_url.h"
#include "query/links.h"
#include "query/render_facets.h"

namespace talksearch {

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kReset = "\x1b[0m";

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const std::string& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

// "PyCon US 2014, 2014-04-12"
std::string event_and_date(const TalkInfo& t) {
    std::string out = t.event_title.empty() ? t.event : t.event_title;
    if (!t.recorded.empty()) out += (out.empty() ? "" : ", ") + t.recorded;
    return out;
}

std::string byline(const TalkInfo& t) {
    std::string out = join(t.speakers, ", ");
    const std::string event = t.event_title.empty() ? t.event : t.event_title;
    if (!event.empty()) out += (out.empty() ? "" : " · ") + event;
    if (!t.recorded.empty()) out += (out.empty() ? "" : " · ") + t.recorded;
    return out;
}

void json_link(JsonWriter& w, const JumpLink& link) {
    w.begin_object();
    w.key("url").value(link.url);
    w.key("clip_url").string_or_null(link.clip_url);
    w.key("host").value(link.host);
    w.key("time_text").string_or_null(link.time_text);
    w.end_object();
}

}  // namespace

std::string terminal_safe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u < 0x20 || u == 0x7F) {
            out += ' ';
            continue;
        }
        // C1 controls (U+0080-U+009F: 0xC2 0x80-0x9F) and the bidirectional
        // overrides and isolates (U+202A-U+202E, U+2066-U+2069) can rewrite
        // what a terminal shows.
        if (u == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9F &&
            static_cast<unsigned char>(s[i + 1]) >= 0x80) {
            out += ' ';
            ++i;
            continue;
        }
        if (u == 0xE2 && i + 2 < s.size()) {
            const auto b1 = static_cast<unsigned char>(s[i + 1]);
            const auto b2 = static_cast<unsigned char>(s[i + 2]);
            if ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) ||
                (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
                out += ' ';
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

std::string snippet_html(const std::vector<SnippetPart>& parts) {
    std::string out;
    for (const SnippetPart& p : parts) {
        if (p.marked) out += "<mark>";
        out += html_escape(p.text);
        if (p.marked) out += "</mark>";
    }
    return out;
}

std::string snippet_text(const std::vector<SnippetPart>& parts) {
    std::string out;
    for (const SnippetPart& p : parts) out += p.text;
    return out;
}

std::string render_text(const SearchResult& r, const TextStyle& style) {
    std::string out;
    const char* bold = style.color ? kBold : "";
    const char* dim = style.color ? kDim : "";
    const char* reset = style.color ? kReset : "";
    for (const std::string& n : r.notices) out += "note: " + terminal_safe(n) + "\n";
    if (r.suggestion) out += "Did you mean: " + terminal_safe(*r.suggestion) + "\n";
    if (r.hits.empty() && r.total == 0) {
        out += "No talks match \"" + terminal_safe(r.query) + "\".\n";
    } else if (r.hits.empty()) {
        out += std::string(r.total_exact ? "" : "about ") + std::to_string(r.total) +
               " talks match; none on this page (offset " + std::to_string(r.offset) + ", limit " +
               std::to_string(r.limit) + ").\n";
    } else {
        out += std::to_string(r.offset + 1) + "-" + std::to_string(r.offset + r.hits.size()) +
               " of " + (r.total_exact ? "" : "about ") + std::to_string(r.total) + " talks\n";
    }
    for (const Hit& h : r.hits) {
        out += "\n" + std::to_string(h.rank) + ". " + bold + terminal_safe(h.talk.title) + reset +
               "\n";
        const std::string by = byline(h.talk);
        if (!by.empty()) out += "   " + terminal_safe(by) + "\n";
        if (!h.talk.catalogue_url.empty())
            out += std::string("   ") + dim + terminal_safe(h.talk.catalogue_url) + reset + "\n";
        if (h.moments.empty() && !h.link.url.empty())
            out += "   " + terminal_safe(h.link.url) + "\n";
        for (const Moment& m : h.moments) {
            std::string snippet;
            for (const SnippetPart& p : m.snippet) {
                snippet += p.marked ? std::string(bold) + terminal_safe(p.text) + reset
                                    : terminal_safe(p.text);
            }
            // A moment of a transcript without times shows no time and
            // links to the talk's start.
            const JumpLink& link = m.timed ? m.link : h.link;
            // A chapter moment is the talk's own label for a part of it: tagged
            // so it is not read as something said.
            out += "   " + std::string(bold) + (m.timed ? format_clock(m.start_ms) : "(no time)") +
                   reset + "  " + (m.chapter.empty() ? "" : "[chapter] ") + snippet + "\n";
            if (!link.url.empty()) {
                out += "          " + terminal_safe(link.url);
                if (m.timed && !link.time_text.empty()) {
                    out += " (" + terminal_safe(link.time_text) + ")";
                }
                out += "\n";
            }
        }
        for (const OtherRecording& o : h.other_recordings) {
            const std::string& url =
                !o.talk.catalogue_url.empty() ? o.talk.catalogue_url : o.link.url;
            out += std::string("   ") + dim + "also given at " +
                   terminal_safe(event_and_date(o.talk)) +
                   (url.empty() ? "" : "  " + terminal_safe(url)) + reset + "\n";
        }
    }
    if (r.facets) out += facets_text(*r.facets);
    return out;
}

std::string render_json(const SearchResult& r) {
    JsonWriter w;
    w.begin_object();
    w.key("version").value(std::int64_t{1});
    w.key("query").value(r.query);
    w.key("total").value(r.total);
    w.key("total_exact").value(r.total_exact);
    w.key("offset").value(r.offset);
    w.key("limit").value(r.limit);
    w.key("suggestion");
    if (r.suggestion) {
        w.value(*r.suggestion);
    } else {
        w.null();
    }
    w.key("notices").strings(r.notices);
    w.key("partial").value(r.partial());
    // How many, not which: shard addresses are the operator's, not the page's.
    w.key("shards").value(r.shards);
    w.key("shards_missing").value(static_cast<std::uint64_t>(r.missing_shards.size()));
    w.key("results").begin_array();
    for (const Hit& h : r.hits) {
        const TalkInfo& t = h.talk;
        w.begin_object();
        w.key("rank").value(h.rank);
        w.key("score").value(h.weight, 4);
        w.key("id").value(t.id);
        w.key("title").value(t.title);
        w.key("speakers").strings(t.speakers);
        w.key("event").value(t.event);
        w.key("event_title").value(t.event_title);
        w.key("recorded").string_or_null(t.recorded);
        w.key("language").string_or_null(t.language);
        w.key("duration_s").value(t.duration_s);
        w.key("captions").value(t.captions);
        w.key("catalogue_url").string_or_null(t.catalogue_url);
        w.key("video_url").string_or_null(t.video_url);
        w.key("thumbnail_url").string_or_null(t.thumbnail_url);
        w.key("link");
        json_link(w, h.link);
        w.key("embed_url").string_or_null(embed_url(t.video_url).value_or(""));
        w.key("matched_in").string_or_null(h.matched_in);
        w.key("moments").begin_array();
        for (const Moment& m : h.moments) {
            w.begin_object();
            w.key("start_ms").value(static_cast<std::int64_t>(m.start_ms));
            w.key("end_ms").value(static_cast<std::int64_t>(m.end_ms));
            w.key("jump_ms").value(static_cast<std::int64_t>(m.jump_ms));
            w.key("time").string_or_null(m.timed ? format_clock(m.start_ms) : std::string());
            w.key("timed").value(m.timed);
            w.key("speaker").string_or_null(m.speaker);
            w.key("language").value(m.language);
            w.key("terms").value(m.distinct_terms);
            w.key("matches").value(m.occurrences);
            w.key("text").value(snippet_text(m.snippet));
            w.key("html").value(snippet_html(m.snippet));
            w.key("link");
            json_link(w, m.timed ? m.link : h.link);
            w.key("chapter").string_or_null(m.chapter);
            w.end_object();
        }
        w.end_array();
        w.key("other_recordings").begin_array();
        for (const OtherRecording& o : h.other_recordings) {
            w.begin_object();
            w.key("id").value(o.talk.id);
            w.key("event").value(o.talk.event);
            w.key("event_title").value(o.talk.event_title);
            w.key("recorded").string_or_null(o.talk.recorded);
            w.key("captions").value(o.talk.captions);
            w.key("catalogue_url").string_or_null(o.talk.catalogue_url);
            w.key("video_url").string_or_null(o.talk.video_url);
            w.key("link");
            json_link(w, o.link);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("facets");
    if (r.facets) {
        facets_json(w, *r.facets);
    } else {
        w.null();
    }
    w.end_object();
    return w.take() + "\n";
}

std::string render_html(const SearchResult& r) {
    std::string out =
        "<section class=\"talksearch-results\" data-total=\"" + std::to_string(r.total) + "\">\n";
    if (r.partial()) {
        out += "  <p class=\"talksearch-partial\" role=\"alert\">Some results may be missing: " +
               std::to_string(r.missing_shards.size()) + " of " + std::to_string(r.shards) +
               " parts of the index could not be searched.</p>\n";
    }
    if (r.suggestion) {
        out += "  <p class=\"talksearch-suggestion\">Did you mean <em>" +
               html_escape(*r.suggestion) + "</em>?</p>\n";
    }
    if (r.hits.empty() && r.total == 0) {
        out +=
            "  <p class=\"talksearch-empty\">No talks match “" + html_escape(r.query) + "”.</p>\n";
    } else if (r.hits.empty()) {
        out += "  <p class=\"talksearch-empty\">" + std::to_string(r.total) +
               " talks match; none on this page.</p>\n";
    } else {
        out += "  <ol class=\"talksearch-talks\" start=\"" + std::to_string(r.offset + 1) + "\">\n";
    }
    for (const Hit& h : r.hits) {
        const TalkInfo& t = h.talk;
        const std::string href = !t.catalogue_url.empty() ? t.catalogue_url : h.link.url;
        out += "    <li class=\"talksearch-talk\">\n      <h3>";
        if (!href.empty()) {
            out += "<a href=\"" + html_escape(href) + "\">" + html_escape(t.title) + "</a>";
        } else {
            out += html_escape(t.title);
        }
        out += "</h3>\n";
        const std::string by = byline(t);
        if (!by.empty())
            out += "      <p class=\"talksearch-byline\">" + html_escape(by) + "</p>\n";
        if (h.moments.empty()) {
            if (!h.link.url.empty()) {
                out += "      <p class=\"talksearch-watch\"><a href=\"" + html_escape(h.link.url) +
                       "\">Watch the talk</a></p>\n";
            }
        } else {
            out += "      <ul class=\"talksearch-moments\">\n";
            for (const Moment& m : h.moments) {
                // A moment of a transcript without times: no time, the talk's start.
                const std::string time =
                    m.timed ? html_escape(format_clock(m.start_ms)) : "no time";
                const std::string cls =
                    m.timed ? "talksearch-time" : "talksearch-time talksearch-untimed";
                const JumpLink& link = m.timed ? m.link : h.link;
                out += m.chapter.empty() ? "        <li>"
                                         : "        <li class=\"talksearch-chapter\">";
                if (link.url.empty()) {  // a host we cannot link to: the time alone
                    out += "<span class=\"" + cls + "\">" + time + "</span>";
                } else {
                    out += "<a class=\"" + cls + "\" href=\"" + html_escape(link.url) + "\">" +
                           time + "</a>";
                }
                out += " <span class=\"talksearch-snippet\">" + snippet_html(m.snippet) +
                       "</span></li>\n";
            }
            out += "      </ul>\n";
        }
        if (!h.other_recordings.empty()) {
            out += "      <p class=\"talksearch-also\">Also given at ";
            for (std::size_t i = 0; i < h.other_recordings.size(); ++i) {
                const OtherRecording& o = h.other_recordings[i];
                const std::string& url =
                    !o.talk.catalogue_url.empty() ? o.talk.catalogue_url : o.link.url;
                if (i > 0) out += ", ";
                const std::string label = html_escape(event_and_date(o.talk));
                out +=
                    url.empty() ? label : "<a href=\"" + html_escape(url) + "\">" + label + "</a>";
            }
            out += "</p>\n";
        }
        out += "    </li>\n";
    }
    if (!r.hits.empty()) out += "  </ol>\n";
    if (r.facets) out += facets_html(*r.facets);
    out += "</section>\n";
    return out;
}

}  // namespace talksearch

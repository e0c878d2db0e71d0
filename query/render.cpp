#include "query/render.h"

#include <cstdio>

#include "core/text.h"
#include "query/links.h"

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

std::string byline(const TalkInfo& t) {
    std::string out = join(t.speakers, ", ");
    const std::string event = t.event_title.empty() ? t.event : t.event_title;
    if (!event.empty()) out += (out.empty() ? "" : " · ") + event;
    if (!t.recorded.empty()) out += (out.empty() ? "" : " · ") + t.recorded;
    return out;
}

// Terminal output must not let captions drive the terminal: control
// characters other than newline become spaces.
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

void key(std::string& out, std::string_view name) {
    if (out.back() != '{') out += ',';
    append_json_string(out, name);
    out += ':';
}

void json_link(std::string& out, const JumpLink& link) {
    out += '{';
    key(out, "url");
    append_json_string(out, link.url);
    key(out, "clip_url");
    if (link.clip_url.empty()) {
        out += "null";
    } else {
        append_json_string(out, link.clip_url);
    }
    key(out, "host");
    append_json_string(out, link.host);
    key(out, "time_text");
    if (link.time_text.empty()) {
        out += "null";
    } else {
        append_json_string(out, link.time_text);
    }
    out += '}';
}

void json_map(std::string& out, const std::map<std::string, std::uint64_t>& m) {
    out += '{';
    for (const auto& [k, v] : m) {
        if (out.back() != '{') out += ',';
        append_json_string(out, k);
        out += ':' + std::to_string(v);
    }
    out += '}';
}

void json_string_or_null(std::string& out, const std::string& s) {
    if (s.empty()) {
        out += "null";
    } else {
        append_json_string(out, s);
    }
}

}  // namespace

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
        if (h.moments.empty()) {
            if (!h.link.url.empty()) out += "   " + terminal_safe(h.link.url) + "\n";
            continue;
        }
        for (const Moment& m : h.moments) {
            std::string snippet;
            for (const SnippetPart& p : m.snippet) {
                snippet += p.marked ? std::string(bold) + terminal_safe(p.text) + reset
                                    : terminal_safe(p.text);
            }
            out += "   " + std::string(bold) + format_clock(m.start_ms) + reset + "  " + snippet +
                   "\n";
            if (!m.link.url.empty()) {
                out += "          " + terminal_safe(m.link.url);
                if (!m.link.time_text.empty()) out += " (" + terminal_safe(m.link.time_text) + ")";
                out += "\n";
            }
        }
    }
    return out;
}

std::string render_json(const SearchResult& r) {
    std::string out = "{";
    key(out, "version");
    out += "1";
    key(out, "query");
    append_json_string(out, r.query);
    key(out, "total");
    out += std::to_string(r.total);
    key(out, "total_exact");
    out += r.total_exact ? "true" : "false";
    key(out, "offset");
    out += std::to_string(r.offset);
    key(out, "limit");
    out += std::to_string(r.limit);
    key(out, "suggestion");
    if (r.suggestion) {
        append_json_string(out, *r.suggestion);
    } else {
        out += "null";
    }
    key(out, "notices");
    out += '[';
    for (std::size_t i = 0; i < r.notices.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, r.notices[i]);
    }
    out += ']';
    key(out, "results");
    out += '[';
    for (std::size_t i = 0; i < r.hits.size(); ++i) {
        const Hit& h = r.hits[i];
        const TalkInfo& t = h.talk;
        if (i) out += ',';
        out += '{';
        key(out, "rank");
        out += std::to_string(h.rank);
        key(out, "score");
        char score[32];
        std::snprintf(score, sizeof score, "%.4f", h.weight);
        out += score;
        key(out, "id");
        append_json_string(out, t.id);
        key(out, "title");
        append_json_string(out, t.title);
        key(out, "speakers");
        out += '[';
        for (std::size_t k = 0; k < t.speakers.size(); ++k) {
            if (k) out += ',';
            append_json_string(out, t.speakers[k]);
        }
        out += ']';
        key(out, "event");
        append_json_string(out, t.event);
        key(out, "event_title");
        append_json_string(out, t.event_title);
        key(out, "recorded");
        json_string_or_null(out, t.recorded);
        key(out, "language");
        json_string_or_null(out, t.language);
        key(out, "duration_s");
        out += t.duration_s ? std::to_string(*t.duration_s) : "null";
        key(out, "captions");
        append_json_string(out, t.captions);
        key(out, "catalogue_url");
        json_string_or_null(out, t.catalogue_url);
        key(out, "video_url");
        json_string_or_null(out, t.video_url);
        key(out, "thumbnail_url");
        json_string_or_null(out, t.thumbnail_url);
        key(out, "link");
        json_link(out, h.link);
        key(out, "moments");
        out += '[';
        for (std::size_t k = 0; k < h.moments.size(); ++k) {
            const Moment& m = h.moments[k];
            if (k) out += ',';
            out += '{';
            key(out, "start_ms");
            out += std::to_string(m.start_ms);
            key(out, "end_ms");
            out += std::to_string(m.end_ms);
            key(out, "jump_ms");
            out += std::to_string(m.jump_ms);
            key(out, "time");
            append_json_string(out, format_clock(m.start_ms));
            key(out, "speaker");
            json_string_or_null(out, m.speaker);
            key(out, "language");
            append_json_string(out, m.language);
            key(out, "terms");
            out += std::to_string(m.distinct_terms);
            key(out, "matches");
            out += std::to_string(m.occurrences);
            key(out, "text");
            append_json_string(out, snippet_text(m.snippet));
            key(out, "html");
            append_json_string(out, snippet_html(m.snippet));
            key(out, "link");
            json_link(out, m.link);
            out += '}';
        }
        out += ']';
        out += '}';
    }
    out += ']';
    key(out, "facets");
    if (r.facets) {
        out += '{';
        key(out, "event");
        json_map(out, r.facets->events);
        key(out, "year");
        json_map(out, r.facets->years);
        key(out, "speaker");
        json_map(out, r.facets->speakers);
        key(out, "language");
        json_map(out, r.facets->languages);
        out += '}';
    } else {
        out += "null";
    }
    out += "}\n";
    return out;
}

std::string render_html(const SearchResult& r) {
    std::string out =
        "<section class=\"talksearch-results\" data-total=\"" + std::to_string(r.total) + "\">\n";
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
                const std::string time = html_escape(format_clock(m.start_ms));
                out += "        <li>";
                if (m.link.url.empty()) {  // a host we cannot link to: the time alone
                    out += "<span class=\"talksearch-time\">" + time + "</span>";
                } else {
                    out += "<a class=\"talksearch-time\" href=\"" + html_escape(m.link.url) +
                           "\">" + time + "</a>";
                }
                out += " <span class=\"talksearch-snippet\">" + snippet_html(m.snippet) +
                       "</span></li>\n";
            }
            out += "      </ul>\n";
        }
        out += "    </li>\n";
    }
    if (!r.hits.empty()) out += "  </ol>\n";
    out += "</section>\n";
    return out;
}

}  // namespace talksearch

#include "query/http_api.h"

#include <charconv>
#include <cmath>
#include <map>

#include "core/json_writer.h"
#include "core/text.h"
#include "query/render.h"

namespace talksearch {

namespace {

// Single-valued parameters: given twice is an error (which one would win is
// not obvious to the caller).
const char* const kSingleValued[] = {"q",      "year",           "lang",    "sort",
                                     "limit",  "offset",         "moments", "preroll",
                                     "facets", "all_recordings", "spoken"};

bool is_single_valued(std::string_view name) {
    for (const char* n : kSingleValued) {
        if (name == n) return true;
    }
    return false;
}

// A non-negative decimal integer of at most 9 digits (no sign, no spaces).
std::uint32_t parse_count(const std::string& name, const std::string& value, std::uint64_t max) {
    std::uint64_t n = 0;
    const bool digits = !value.empty() && value.size() <= 9 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    if (digits) std::from_chars(value.data(), value.data() + value.size(), n);
    if (!digits) {
        throw QueryRejected(name + ": expected a whole number from 0 to " + std::to_string(max));
    }
    if (n > max) throw QueryRejected(name + ": at most " + std::to_string(max));
    return static_cast<std::uint32_t>(n);
}

bool parse_flag(const std::string& name, const std::string& value) {
    if (value.empty() || value == "1" || value == "true") return true;
    if (value == "0" || value == "false") return false;
    throw QueryRejected(name + ": expected 1, true, 0 or false");
}

// Seconds as a decimal number ("2", "1.5") from 0 to kMaxApiPrerollSeconds.
double parse_seconds(const std::string& name, const std::string& value) {
    double d = -1;
    const bool plain = !value.empty() && value.size() <= 12 &&
                       value.find_first_not_of("0123456789.") == std::string::npos;
    if (plain) {
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
        if (ec != std::errc() || end != value.data() + value.size()) d = -1;
    }
    if (!std::isfinite(d) || d < 0 || d > kMaxApiPrerollSeconds) {
        throw QueryRejected(name + ": expected a number of seconds from 0 to 60");
    }
    return d;
}

bool is_language_name(std::string_view v) {
    if (v.empty() || v.size() > 16) return false;
    for (char c : v) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// "m:ss" or "h:mm:ss", as the JSON output's `time`.
std::string clock_time(std::int64_t ms) {
    const std::int64_t s = ms / 1000;
    const std::int64_t h = s / 3600, m = (s / 60) % 60, sec = s % 60;
    auto two = [](std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); };
    if (h > 0) return std::to_string(h) + ":" + two(m) + ":" + two(sec);
    return std::to_string(m) + ":" + two(sec);
}

// "2019-05-04" -> "2019-05-04T00:00:00Z"; empty for anything else.
std::string atom_date(const std::string& recorded) {
    const bool ok = recorded.size() == 10 && recorded[4] == '-' && recorded[7] == '-' &&
                    recorded.find_first_not_of("0123456789-") == std::string::npos;
    return ok ? recorded + "T00:00:00Z" : std::string();
}

void element(std::string& out, std::string_view indent, std::string_view name,
             std::string_view text) {
    out += indent;
    out += '<';
    out += name;
    out += '>';
    out += xml_escape(text);
    out += "</";
    out += name;
    out += ">\n";
}

// The HTML a feed reader shows for one talk: where and when, then its moments.
std::string entry_html(const Hit& hit) {
    const TalkInfo& t = hit.talk;
    std::string html = "<p>";
    html += html_escape(t.event_title.empty() ? t.event : t.event_title);
    if (!t.recorded.empty()) html += ", " + html_escape(t.recorded);
    if (!t.speakers.empty()) {
        html += ", ";
        for (std::size_t i = 0; i < t.speakers.size(); ++i)
            html += (i ? ", " : "") + html_escape(t.speakers[i]);
    }
    html += "</p>";
    if (!hit.moments.empty()) {
        html += "<ul>";
        for (const Moment& m : hit.moments) {
            html += "<li>";
            const std::string label = m.timed ? clock_time(m.start_ms) : "transcript";
            if (is_http_url(m.link.url)) {
                html +=
                    "<a href=\"" + html_escape(m.link.url) + "\">" + html_escape(label) + "</a>";
            } else {
                html += html_escape(label);
            }
            if (!m.chapter.empty()) html += " (chapter)";
            html += " " + snippet_html(m.snippet) + "</li>";
        }
        html += "</ul>";
    }
    return html;
}

}  // namespace

SearchRequest search_request_from_params(const QueryParams& params, ApiEndpoint endpoint) {
    SearchRequest req;
    if (endpoint == ApiEndpoint::kFeed) {
        req.limit = kDefaultFeedLimit;
        req.sort = SortOrder::kDate;
    }
    std::map<std::string, int> seen;
    for (const QueryParam& p : params) {
        const std::string& name = p.name;
        const std::string& v = p.value;
        if (is_single_valued(name) && seen[name]++ > 0) {
            throw QueryRejected(name + ": given more than once");
        }
        if (name == "q") {
            req.query = v;
        } else if (name == "event" || name == "speaker" || name == "language") {
            if (trim(v).empty()) continue;  // an empty choice of a form
            auto& list = name == "event"     ? req.events
                         : name == "speaker" ? req.speakers
                                             : req.languages;
            if (list.size() >= 32) throw QueryRejected(name + ": at most 32 values");
            list.emplace_back(trim(v));
        } else if (name == "year") {
            if (!trim(v).empty())
                parse_year_range(std::string(trim(v)), req.year_from, req.year_to);
        } else if (name == "lang") {
            if (!is_language_name(v)) throw QueryRejected("lang: expected a language such as en");
            req.language = v;
        } else if (name == "sort") {
            if (v != "relevance" && v != "date" && !v.empty()) {
                throw QueryRejected("sort: expected relevance or date");
            }
            if (endpoint == ApiEndpoint::kSearch) {
                req.sort = v == "date" ? SortOrder::kDate : SortOrder::kRelevance;
            }
        } else if (name == "limit") {
            req.limit = parse_count(name, v, kMaxLimit);
        } else if (name == "offset") {
            req.offset = parse_count(name, v, kMaxOffset);
        } else if (name == "moments") {
            req.moments.max_moments = parse_count(name, v, kMaxApiMoments);
        } else if (name == "preroll") {
            req.moments.preroll_ms = static_cast<std::int64_t>(parse_seconds(name, v) * 1000);
        } else if (name == "facets") {
            req.facets = parse_flag(name, v) && endpoint == ApiEndpoint::kSearch;
        } else if (name == "all_recordings") {
            req.group_recordings = !parse_flag(name, v);
        } else if (name == "spoken") {
            req.spoken = parse_flag(name, v);
        }
    }
    return req;
}

std::string xml_escape(std::string_view text) {
    // Characters XML 1.0 does not allow go first (C0 controls but tab, LF
    // and CR; U+FFFE and U+FFFF, EF BF BE and EF BF BF); the rest is escaped
    // as for HTML.
    const std::string valid = sanitize_utf8(text);
    std::string allowed;
    allowed.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto u = static_cast<unsigned char>(valid[i]);
        if (u < 0x20 && u != '\t' && u != '\n' && u != '\r') continue;
        if (u == 0xEF && i + 2 < valid.size() && static_cast<unsigned char>(valid[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(valid[i + 2]) & 0xFE) == 0xBE) {
            i += 2;
            continue;
        }
        allowed += valid[i];
    }
    return html_escape(allowed);
}

std::string url_encode(std::string_view text) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

std::string render_atom(const SearchResult& result, const FeedInfo& info) {
    std::string updated;
    for (const Hit& hit : result.hits) updated = std::max(updated, atom_date(hit.talk.recorded));
    if (updated.empty()) updated = "1970-01-01T00:00:00Z";

    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    out += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
    element(out, "  ", "title", "talksearch: " + result.query);
    const std::string self = info.base_url + info.request_uri;
    element(out, "  ", "id", self);
    element(out, "  ", "updated", updated);
    out +=
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"" + xml_escape(self) + "\"/>\n";
    out += "  <link rel=\"alternate\" type=\"text/html\" href=\"" +
           xml_escape(info.base_url + "/?q=" + url_encode(result.query)) + "\"/>\n";
    out += "  <author><name>talksearch</name></author>\n";
    element(out, "  ", "generator", "talksearch");
    for (const Hit& hit : result.hits) {
        const TalkInfo& t = hit.talk;
        out += "  <entry>\n";
        element(out, "    ", "title", t.title.empty() ? t.id : t.title);
        element(out, "    ", "id", "tag:talksearch,2024:talk/" + url_encode(t.id));
        const std::string date = atom_date(t.recorded);
        element(out, "    ", "updated", date.empty() ? updated : date);
        if (!date.empty()) element(out, "    ", "published", date);
        for (const std::string& s : t.speakers)
            out += "    <author><name>" + xml_escape(s) + "</name></author>\n";
        const std::string& main_link = is_http_url(hit.link.url)      ? hit.link.url
                                       : is_http_url(t.catalogue_url) ? t.catalogue_url
                                                                      : t.video_url;
        if (is_http_url(main_link)) {
            out += "    <link rel=\"alternate\" href=\"" + xml_escape(main_link) + "\"/>\n";
        }
        for (const Moment& m : hit.moments) {
            if (!is_http_url(m.link.url)) continue;
            const std::string title =
                (m.timed ? clock_time(m.start_ms) + " " : std::string()) + snippet_text(m.snippet);
            out += "    <link rel=\"related\" href=\"" + xml_escape(m.link.url) + "\" title=\"" +
                   xml_escape(title) + "\"/>\n";
        }
        if (!t.event.empty()) {
            out += "    <category term=\"" + xml_escape(t.event) + "\" label=\"" +
                   xml_escape(t.event_title.empty() ? t.event : t.event_title) + "\"/>\n";
        }
        if (!t.summary.empty()) element(out, "    ", "summary", t.summary);
        out += "    <content type=\"html\">" + xml_escape(entry_html(hit)) + "</content>\n";
        out += "  </entry>\n";
    }
    out += "</feed>\n";
    return out;
}

std::string render_opensearch(std::string_view base_url) {
    const std::string base = xml_escape(base_url);
    std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    out += "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n";
    out += "  <ShortName>talksearch</ShortName>\n";
    out +=
        "  <Description>Search conference talks and jump to the moment the words were "
        "said</Description>\n";
    out += "  <InputEncoding>UTF-8</InputEncoding>\n";
    out +=
        "  <Url type=\"text/html\" method=\"get\" template=\"" + base + "/?q={searchTerms}\"/>\n";
    out += "  <Url type=\"application/atom+xml\" method=\"get\" template=\"" + base +
           "/api/v1/feed?q={searchTerms}\"/>\n";
    out += "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"" + base +
           "/opensearch.xml\"/>\n";
    out += "</OpenSearchDescription>\n";
    return out;
}

bool is_clean_path(std::string_view raw_path) {
    if (raw_path.empty() || raw_path[0] != '/') return false;
    for (char c : raw_path) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
                        c == '/';
        if (!ok) return false;
    }
    if (raw_path == "/") return true;
    std::size_t start = 1;
    while (start <= raw_path.size()) {
        std::size_t end = raw_path.find('/', start);
        if (end == std::string_view::npos) end = raw_path.size();
        const std::string_view segment = raw_path.substr(start, end - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        start = end + 1;
    }
    return true;
}

std::string json_error(std::string_view message) {
    JsonWriter w;
    w.begin_object().key("error").value(sanitize_utf8(message)).end_object();
    return w.take() + "\n";
}

}  // namespace talksearch

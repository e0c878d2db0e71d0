#include "query/render_talk.h"

#include <utility>
#include <vector>

#include "core/json_writer.h"
#include "core/text.h"
#include "core/video_url.h"
#include "query/http_api.h"
#include "query/links.h"
#include "query/render.h"

namespace talksearch {

namespace {

constexpr std::string_view kYouTubePlayer = "https://www.youtube-nocookie.com/embed/";
constexpr std::string_view kVimeoPlayer = "https://player.vimeo.com/video/";

// `<a href="url">label</a>` for an http(s) URL; the label alone otherwise.
// `label_html` is already escaped.
std::string link_or_text(std::string_view url, const std::string& label_html) {
    if (!is_http_url(url)) return label_html;
    return "<a href=\"" + html_escape(url) + "\">" + label_html + "</a>";
}

// `<a href="path">label</a>` for a path of this server ("" : the label alone).
std::string local_link(const std::string& path, const std::string& label_html,
                       std::string_view attributes = "") {
    if (path.empty()) return label_html;
    return "<a href=\"" + html_escape(path) + "\"" + std::string(attributes) + ">" + label_html +
           "</a>";
}

// "A, B, C"
std::string join_words(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

std::string event_label(const TalkInfo& t) {
    return t.event_title.empty() ? t.event : t.event_title;
}

// "27 min", "1 h 5 min"
std::string duration_text(std::int64_t seconds) {
    const std::int64_t minutes = (seconds + 30) / 60;
    if (minutes < 60) return std::to_string(std::max<std::int64_t>(minutes, 1)) + " min";
    return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

// A time link: the permalink, the seconds for talk.js, the clock as its text.
std::string time_link(std::string_view id, std::int64_t ms) {
    const std::int64_t second = ms / 1000;
    return "<a class=\"talk-time\" href=\"" + html_escape(talk_time_path(id, second)) +
           "\" data-t=\"" + std::to_string(second) + "\">" + html_escape(format_clock(ms)) + "</a>";
}

// "Marisol Quenby" -> a link to the search page filtered by that speaker.
std::string speakers_html(const std::vector<std::string>& speakers) {
    std::string out;
    for (std::size_t i = 0; i < speakers.size(); ++i) {
        if (i > 0) out += i + 1 == speakers.size() ? " and " : ", ";
        out += local_link("/?speaker=" + url_encode(speakers[i]), html_escape(speakers[i]));
    }
    return out;
}

// The byline under the title: speakers, event, date, length.
std::string meta_html(const TalkInfo& t) {
    std::vector<std::string> items;
    if (!t.speakers.empty())
        items.push_back("<span class=\"talk-speakers\">By " + speakers_html(t.speakers) +
                        "</span>");
    if (!t.event.empty() || !t.event_title.empty()) {
        items.push_back(local_link(t.event.empty() ? "" : "/?event=" + url_encode(t.event),
                                   html_escape(event_label(t))));
    }
    if (!t.recorded.empty()) {
        items.push_back("<time datetime=\"" + html_escape(t.recorded) + "\">" +
                        html_escape(t.recorded) + "</time>");
    }
    if (t.duration_s && *t.duration_s > 0) items.push_back(duration_text(*t.duration_s));
    std::string out = "<p class=\"talk-meta\">";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i > 0 ? " <span aria-hidden=\"true\">·</span> " : "") + items[i];
    return out + "</p>\n";
}

// The embedded player, started at `start_s` (the video URL's own offset
// added: a talk cut from a longer recording), or a link to the video.
std::string player_html(const TalkInfo& t, std::optional<std::int64_t> start_s) {
    const std::int64_t offset_s = start_offset_ms(t.video_url) / 1000;
    const std::string embed = embed_url(t.video_url).value_or("");
    std::optional<std::int64_t> at;
    if (start_s || offset_s > 0) at = start_s.value_or(0) + offset_s;
    const std::optional<std::string> src = player_url(embed, at);
    std::string out =
        "<section class=\"talk-video\" aria-labelledby=\"video-heading\">\n"
        "<h2 id=\"video-heading\" class=\"visually-hidden\">Video</h2>\n";
    if (src) {
        out +=
            "<div class=\"talk-player\" id=\"player\" data-embed=\"" + html_escape(embed) +
            "\" data-offset=\"" + std::to_string(offset_s) + "\"><iframe src=\"" +
            html_escape(*src) + "\" title=\"Video: " + html_escape(t.title) +
            "\" allow=\"autoplay; encrypted-media; picture-in-picture; fullscreen\" "
            "allowfullscreen referrerpolicy=\"strict-origin-when-cross-origin\"></iframe></div>\n";
    }
    const JumpLink link = make_jump_link(t.video_url, start_s.value_or(0) * 1000);
    std::vector<std::string> links;
    if (!src && is_http_url(link.url)) {
        links.push_back(link_or_text(link.url, "Watch the video") +
                        (link.time_text.empty() ? "" : " (" + html_escape(link.time_text) + ")"));
    }
    if (is_http_url(t.catalogue_url))
        links.push_back(link_or_text(t.catalogue_url, "Catalogue page"));
    if (!links.empty()) {
        out += "<p class=\"talk-links\">";
        for (std::size_t i = 0; i < links.size(); ++i) out += (i > 0 ? " · " : "") + links[i];
        out += "</p>\n";
    }
    return out + "</section>\n";
}

std::string chapters_html(const TalkInfo& t) {
    if (t.chapters.empty()) return {};
    std::string out =
        "<section class=\"talk-chapters\" aria-labelledby=\"chapters-heading\">\n"
        "<h2 id=\"chapters-heading\">Chapters</h2>\n<ol>\n";
    for (const ChapterInfo& c : t.chapters)
        out += "<li>" + time_link(t.id, c.start_ms) + " " + html_escape(c.title) + "</li>\n";
    return out + "</ol>\n</section>\n";
}

std::string transcript_html(const TalkPage& page, std::optional<std::int64_t> start_s) {
    std::string out =
        "<section class=\"talk-transcript\" aria-labelledby=\"transcript-heading\">\n"
        "<h2 id=\"transcript-heading\">Transcript</h2>\n";
    if (page.cues.empty())
        return out + "<p class=\"talk-none\">This talk has no captions.</p>\n</section>\n";
    if (!page.query.empty()) {
        out += "<p class=\"talk-marked\">The words of <mark>" + html_escape(page.query) +
               "</mark> are marked. " + local_link(talk_path(page.talk.id), "Unmark") + "</p>\n";
    }
    if (!page.timed) out += "<p class=\"talk-none\">This transcript has no times.</p>\n";
    const std::vector<Paragraph> paragraphs = transcript_paragraphs(page.cues, page.timed);
    const std::optional<std::size_t> current =
        start_s && page.timed ? paragraph_at(paragraphs, *start_s) : std::nullopt;
    out += "<div class=\"talk-paragraphs\"";
    if (!page.transcript_language.empty())
        out += " lang=\"" + html_escape(page.transcript_language) + "\"";
    out += ">\n";
    for (std::size_t i = 0; i < paragraphs.size(); ++i) {
        const Paragraph& p = paragraphs[i];
        const bool is_current = current && *current == i;
        out += "<p class=\"talk-para";
        if (page.timed) {
            // The paragraph's own start, or the second asked for: #t-S lands here.
            const std::int64_t anchor = is_current ? *start_s : p.start_ms / 1000;
            out += std::string(is_current ? " talk-current\" aria-current=\"true" : "") +
                   "\" id=\"t-" + std::to_string(anchor) + "\" data-start=\"" +
                   std::to_string(p.start_ms / 1000) + "\">" + time_link(page.talk.id, p.start_ms);
        } else {
            out += "\">";
        }
        if (!p.speaker.empty())
            out += " <span class=\"talk-speaker\">" + html_escape(p.speaker) + ":</span>";
        for (std::size_t c = p.first; c < p.first + p.count; ++c)
            out += " " + snippet_html(page.cues[c].text);
        out += "</p>\n";
    }
    return out + "</div>\n</section>\n";
}

// A list of other talks, each a link to its page with its byline.
std::string talk_list_html(const std::vector<TalkInfo>& talks, std::string_view cls,
                           std::string_view heading_id, std::string_view heading, bool titles) {
    if (talks.empty()) return {};
    std::string out = "<section class=\"" + std::string(cls) + "\" aria-labelledby=\"" +
                      std::string(heading_id) + "\">\n<h2 id=\"" + std::string(heading_id) + "\">" +
                      std::string(heading) + "</h2>\n<ul>\n";
    for (const TalkInfo& t : talks) {
        std::vector<std::string> by;
        if (titles && !t.speakers.empty()) by.push_back(html_escape(join_words(t.speakers, ", ")));
        by.push_back(html_escape(event_label(t)));
        if (!t.recorded.empty()) by.push_back(html_escape(t.recorded));
        std::string byline;
        for (const std::string& b : by) byline += (byline.empty() ? "" : " · ") + b;
        if (titles) {
            out += "<li>" + local_link(talk_path(t.id), html_escape(t.title)) +
                   " <span class=\"talk-byline\">" + byline + "</span></li>\n";
        } else {
            out += "<li>" + local_link(talk_path(t.id), byline) + "</li>\n";
        }
    }
    return out + "</ul>\n</section>\n";
}

// The fields a search result gives a talk (docs/JSON.md), and its page.
void talk_fields(JsonWriter& w, const TalkInfo& t) {
    const std::pair<const char*, const std::string*> texts[] = {
        {"id", &t.id}, {"title", &t.title}, {"event", &t.event}, {"event_title", &t.event_title}};
    for (const auto& [key, text] : texts) w.key(key).value(*text);
    w.key("speakers").strings(t.speakers);
    const std::string page = talk_path(t.id);
    const std::string embed = embed_url(t.video_url).value_or("");
    const std::pair<const char*, const std::string*> optional_texts[] = {
        {"url", &page},
        {"recorded", &t.recorded},
        {"language", &t.language},
        {"catalogue_url", &t.catalogue_url},
        {"video_url", &t.video_url},
        {"thumbnail_url", &t.thumbnail_url},
        {"embed_url", &embed}};
    for (const auto& [key, text] : optional_texts) w.key(key).string_or_null(*text);
    w.key("duration_s").value(t.duration_s);
    w.key("captions").value(t.captions);
}

}  // namespace

std::string talk_time_path(std::string_view id, std::int64_t second) {
    const std::string s = std::to_string(second);
    return talk_path(id) + "?t=" + s + "#t-" + s;
}

std::optional<std::string> player_url(std::string_view embed, std::optional<std::int64_t> second) {
    const std::string_view rest =
        embed.starts_with(kYouTubePlayer) ? embed.substr(kYouTubePlayer.size())
        : embed.starts_with(kVimeoPlayer) ? embed.substr(kVimeoPlayer.size())
                                          : std::string_view();
    // The id alone: no query or fragment of the catalogue's to carry along.
    if (rest.empty() || rest.find_first_of("?#&\"<>/") != std::string_view::npos)
        return std::nullopt;
    std::string url(embed);
    if (!second) return url;
    const std::string s = std::to_string(std::max<std::int64_t>(*second, 0));
    return embed.starts_with(kYouTubePlayer) ? url + "?start=" + s : url + "#t=" + s + "s";
}

std::string render_talk_html(const TalkPage& page, const TalkView& view) {
    const TalkInfo& t = page.talk;
    const std::string title = t.title.empty() ? t.id : t.title;
    std::string description = t.summary;
    if (description.empty()) {
        description =
            "The talk" + (t.speakers.empty() ? "" : " by " + join_words(t.speakers, ", ")) +
            (event_label(t).empty() ? "" : " at " + event_label(t)) + ", with its transcript.";
    }
    std::string out =
        "<!doctype html>\n<html lang=\"" + html_escape(t.language.empty() ? "en" : t.language) +
        "\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>" +
        html_escape(title) + " \u2013 talksearch</title>\n<meta name=\"description\" content=\"" +
        html_escape(description) + "\">\n";
    if (!view.base_url.empty() && !talk_path(t.id).empty())
        out += "<link rel=\"canonical\" href=\"" + html_escape(view.base_url + talk_path(t.id)) +
               "\">\n";
    out +=
        "<link rel=\"stylesheet\" href=\"/page.css\">\n"
        "<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"talksearch\" "
        "href=\"/opensearch.xml\">\n"
        "<script src=\"/talk.js\" defer></script>\n</head>\n<body class=\"talk-page\">\n"
        "<header class=\"masthead talk-masthead\">\n<div class=\"wrap\">\n"
        "<a class=\"brand\" href=\"/\">talk<span>search</span></a>\n"
        "<form class=\"talk-search\" role=\"search\" aria-label=\"Search talks\" action=\"/\" "
        "method=\"get\">"
        "<label class=\"visually-hidden\" for=\"talk-q\">Search talks</label> "
        "<input id=\"talk-q\" name=\"q\" type=\"search\" value=\"" +
        html_escape(page.query) +
        "\"> <button type=\"submit\">Search</button></form>\n</div>\n</header>\n";
    out += "<main class=\"wrap talk-main\">\n<h1>" + html_escape(title) + "</h1>\n" + meta_html(t);
    out += player_html(t, view.start_s);
    out += chapters_html(t);
    out += transcript_html(page, view.start_s);
    out += talk_list_html(page.recordings, "talk-recordings", "recordings-heading", "Also given at",
                          false);
    out += talk_list_html(page.related, "talk-related", "related-heading", "Related talks", true);
    out +=
        "</main>\n<footer class=\"wrap footer\">\n<p class=\"small\">Captions as published; "
        "each time plays the video from there. <a href=\"/\">Search all talks</a></p>\n"
        "</footer>\n</body>\n</html>\n";
    return out;
}

std::string render_talk_not_found_html(bool index_partial) {
    const std::string heading =
        index_partial ? "This talk cannot be shown just now" : "No such talk";
    const std::string text =
        index_partial ? "Part of the index cannot be read just now, and this talk may be in it. "
                        "Try again in a minute, or "
                      : "No talk has this address. It may have been removed from the catalogue, "
                        "or the link may be cut short. ";
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>" +
           heading +
           " \u2013 talksearch</title>\n"
           "<link rel=\"stylesheet\" href=\"/page.css\">\n</head>\n<body class=\"talk-page\">\n"
           "<header class=\"masthead talk-masthead\">\n<div class=\"wrap\">\n"
           "<a class=\"brand\" href=\"/\">talk<span>search</span></a>\n</div>\n</header>\n"
           "<main class=\"wrap talk-main\">\n<h1>" +
           heading + "</h1>\n<p>" + text +
           "<a href=\"/\">search the talks</a>.</p>\n</main>\n</body>\n</html>\n";
}

std::string render_talk_json(const TalkPage& page) {
    JsonWriter w;
    w.begin_object();
    w.key("version").value(std::int64_t{1});
    talk_fields(w, page.talk);
    w.key("tags").strings(page.talk.tags);
    w.key("summary").string_or_null(page.talk.summary);
    w.key("query").string_or_null(page.query);
    w.key("transcript_language").string_or_null(page.transcript_language);
    w.key("timed").value(page.timed);
    w.key("cues").begin_array();
    for (const TranscriptCue& c : page.cues) {
        w.begin_object();
        w.key("start_ms").value(c.start_ms).key("end_ms").value(c.end_ms);
        w.key("text").value(snippet_text(c.text));
        if (!page.query.empty()) w.key("html").value(snippet_html(c.text));
        w.key("speaker").string_or_null(c.speaker);
        w.end_object();
    }
    w.end_array();
    w.key("chapters").begin_array();
    for (const ChapterInfo& c : page.talk.chapters) {
        w.begin_object();
        w.key("start_ms").value(c.start_ms).key("end_ms").value(c.end_ms);
        w.key("title").value(c.title);
        w.end_object();
    }
    w.end_array();
    for (const auto& [key, talks] :
         {std::pair<const char*, const std::vector<TalkInfo>*>{"recordings", &page.recordings},
          {"related", &page.related}}) {
        w.key(key).begin_array();
        for (const TalkInfo& t : *talks) {
            w.begin_object();
            talk_fields(w, t);
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
    return w.take() + "\n";
}

}  // namespace talksearch

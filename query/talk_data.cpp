#include "query/talk_data.h"

#include <simdjson.h>

#include "core/error.h"
#include "core/video_url.h"

namespace talksearch {

namespace {

std::string str(simdjson::dom::object obj, const char* key) {
    std::string_view v;
    if (obj[key].get_string().get(v)) return {};
    return std::string(v);
}

std::vector<std::string> strings(simdjson::dom::object obj, const char* key) {
    std::vector<std::string> out;
    simdjson::dom::array arr;
    if (obj[key].get_array().get(arr)) return out;
    for (simdjson::dom::element e : arr) {
        std::string_view v;
        if (!e.get_string().get(v)) out.emplace_back(v);
    }
    return out;
}

}  // namespace

TalkInfo decode_talk_info(std::string_view data) {
    thread_local simdjson::dom::parser parser;
    simdjson::padded_string padded(data);
    simdjson::dom::object obj;
    if (parser.parse(padded).get_object().get(obj))
        throw Error("document data is not a JSON object");
    TalkInfo t;
    t.id = str(obj, "id");
    t.origin = str(obj, "origin");
    t.event = str(obj, "event");
    t.event_title = str(obj, "event_title");
    t.slug = str(obj, "slug");
    t.title = str(obj, "title");
    t.speakers = strings(obj, "speakers");
    t.tags = strings(obj, "tags");
    t.summary = str(obj, "summary");
    t.language = str(obj, "language");
    t.recorded = str(obj, "recorded");
    // Only http(s) URLs are shown, also from an index built before the indexer
    // dropped the others (a `javascript:` thumbnail or video would be a link).
    t.thumbnail_url = str(obj, "thumbnail_url");
    if (!is_http_url(t.thumbnail_url)) t.thumbnail_url.clear();
    std::int64_t duration = 0;
    if (!obj["duration_s"].get_int64().get(duration)) t.duration_s = duration;
    simdjson::dom::array videos;
    if (!obj["videos"].get_array().get(videos)) {
        for (simdjson::dom::element v : videos) {
            std::string_view url;
            if (!v["url"].get_string().get(url) && is_http_url(url)) {
                t.video_url = std::string(url);
                break;
            }
        }
    }
    simdjson::dom::array tracks;
    t.captions = "none";
    if (!obj["tracks"].get_array().get(tracks)) {
        for (simdjson::dom::element tr : tracks) {
            bool indexed = true;
            if (!tr["indexed"].get_bool().get(indexed) && !indexed) continue;
            std::string_view kind;
            if (!tr["kind"].get_string().get(kind)) {
                t.captions = std::string(kind);
                break;
            }
        }
    }
    simdjson::dom::array chapters;
    if (!obj["chapters"].get_array().get(chapters)) {
        for (simdjson::dom::element c : chapters) {
            ChapterInfo ch;
            std::string_view title;
            if (c["start_ms"].get_int64().get(ch.start_ms) || ch.start_ms < 0 ||
                c["title"].get_string().get(title) || title.empty()) {
                continue;
            }
            ch.title = std::string(title);
            // A chapter without an end (or one before its start) is a point.
            if (c["end_ms"].get_int64().get(ch.end_ms) || ch.end_ms < ch.start_ms) {
                ch.end_ms = ch.start_ms;
            }
            t.chapters.push_back(std::move(ch));
        }
    }
    if (t.origin == "pyvideo" && !t.event.empty() && !t.slug.empty()) {
        t.catalogue_url = "https://pyvideo.org/" + t.event + "/" + t.slug + ".html";
    }
    return t;
}

}  // namespace talksearch

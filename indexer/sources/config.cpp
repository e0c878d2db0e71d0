#include "indexer/sources/config.h"

#include <simdjson.h>

#include <set>

#include "core/error.h"
#include "indexer/io/files.h"
#include "indexer/sources/fetch_guard.h"
#include "indexer/sources/json_object.h"

namespace fs = std::filesystem;
namespace dom = simdjson::dom;

namespace talksearch {

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw Error(where + ": " + what);
}

void only_keys(dom::object obj, const std::string& where, const std::set<std::string>& allowed) {
    for (auto [key, value] : obj) {
        if (!allowed.contains(std::string(key))) {
            bad(where.empty() ? std::string(key) : where + "." + std::string(key), "unknown key");
        }
    }
}

std::string text(dom::element e, const std::string& where) {
    std::string_view v;
    if (e.get_string().get(v)) bad(where, "expected a string");
    for (char c : v) {
        if (static_cast<unsigned char>(c) < 0x20) bad(where, "control characters are not allowed");
    }
    return std::string(v);
}

std::optional<std::string> optional_text(dom::object obj, const char* key,
                                         const std::string& where) {
    dom::element e;
    if (obj[key].get(e)) return std::nullopt;
    return text(e, where + "." + key);
}

fs::path path_of(dom::element e, const std::string& where, const fs::path& base) {
    const std::string p = text(e, where);
    if (p.empty()) bad(where, "expected a path");
    return (base / fs::path(p)).lexically_normal();
}

std::uint64_t positive(dom::element e, const std::string& where) {
    std::uint64_t v = 0;
    if (e.get_uint64().get(v) || v == 0) bad(where, "expected a positive integer");
    return v;
}

double seconds(dom::element e, const std::string& where) {
    double v = 0;
    if (e.get_double().get(v) || !(v > 0) || v > 86400) bad(where, "expected seconds (0 to 86400)");
    return v;
}

bool boolean(dom::element e, const std::string& where) {
    bool v = false;
    if (e.get_bool().get(v)) bad(where, "expected true or false");
    return v;
}

UrlSource url_source(dom::object obj, const std::string& where) {
    only_keys(obj, where, {"type", "kind", "url", "event", "talk", "language", "caption_kind"});
    UrlSource u;
    dom::element e;
    if (obj["url"].get(e)) bad(where + ".url", "missing");
    u.url = text(e, where + ".url");
    if (!(u.url.starts_with("http://") || u.url.starts_with("https://"))) {
        bad(where + ".url", "only http and https URLs are fetched: " + u.url);
    }
    if (obj["kind"].get(e)) bad(where + ".kind", "missing (talk, category, captions or manifest)");
    u.kind = text(e, where + ".kind");
    if (u.kind != "talk" && u.kind != "category" && u.kind != "captions" && u.kind != "manifest") {
        bad(where + ".kind",
            "expected talk, category, captions or manifest, not \"" + u.kind + "\"");
    }
    u.event = optional_text(obj, "event", where).value_or("");
    u.talk = optional_text(obj, "talk", where).value_or("");
    u.language = optional_text(obj, "language", where).value_or("");
    u.caption_kind = optional_text(obj, "caption_kind", where).value_or("");
    if (!u.caption_kind.empty() && u.caption_kind != "human" && u.caption_kind != "machine") {
        bad(where + ".caption_kind", "expected human or machine");
    }
    return u;
}

// `fetch.allowed_private`: every entry is read here as the fetcher reads it, so that a run never
// starts with an entry the fetcher would refuse.
std::vector<std::string> allowed_private(dom::element e) {
    const std::string where = "fetch.allowed_private";
    dom::array list;
    if (e.get_array().get(list)) bad(where, "expected an array of addresses");
    std::vector<std::string> out;
    for (dom::element entry : list) {
        const std::string at = where + "[" + std::to_string(out.size()) + "]";
        out.push_back(text(entry, at));
        try {
            parse_allowed_entry(out.back());
        } catch (const Error& error) {
            bad(at, error.what());
        }
    }
    return out;
}

// `fetch.captions` (config.h: CaptionFetchSettings).
CaptionFetchSettings caption_fetch(dom::element e, const fs::path& base_dir) {
    const std::string where = "fetch.captions";
    dom::object o;
    if (e.get_object().get(o)) bad(where, "expected an object");
    only_keys(o, where,
              {"store", "yt_dlp", "jobs", "sleep_seconds", "timeout_seconds", "refresh_older_than",
               "since", "languages"});
    CaptionFetchSettings c;
    dom::element v;
    if (o["store"].get(v)) bad(where + ".store", "missing");
    c.store = path_of(v, where + ".store", base_dir);
    if (!o["yt_dlp"].get(v)) c.yt_dlp = text(v, where + ".yt_dlp");
    if (!o["jobs"].get(v)) c.jobs = positive(v, where + ".jobs");
    if (!o["sleep_seconds"].get(v)) {
        double pause = 0;  // 0 is allowed here: no pause between videos
        if (v.get_double().get(pause) || !(pause >= 0) || pause > 3600) {
            bad(where + ".sleep_seconds", "expected seconds (0 to 3600)");
        }
        c.sleep_seconds = pause;
    }
    if (!o["timeout_seconds"].get(v)) c.timeout_seconds = positive(v, where + ".timeout_seconds");
    if (!o["refresh_older_than"].get(v)) {
        c.refresh_older_than = text(v, where + ".refresh_older_than");
    }
    if (!o["since"].get(v)) {
        std::int64_t year = 0;
        if (v.get_int64().get(year) || year < 1900 || year > 3000)
            bad(where + ".since", "expected a year");
        c.since = year;
    }
    if (!o["languages"].get(v)) {
        dom::array langs;
        if (v.get_array().get(langs)) bad(where + ".languages", "expected an array of tags");
        for (dom::element l : langs) c.languages.push_back(text(l, where + ".languages"));
    }
    return c;
}

}  // namespace

Config parse_config(std::string_view json, const fs::path& base_dir) {
    const JsonObjectDocument document(json);
    const dom::object obj = document.root();
    only_keys(obj, "",
              {"index", "default_language", "allow_shrink", "grace_seconds", "sources", "fetch"});
    Config c;
    dom::element e;
    if (!obj["index"].get(e)) c.index = path_of(e, "index", base_dir);
    if (!obj["default_language"].get(e)) c.default_language = text(e, "default_language");
    if (!obj["allow_shrink"].get(e)) c.allow_shrink = boolean(e, "allow_shrink");
    if (!obj["grace_seconds"].get(e)) {
        std::int64_t g = 0;
        if (e.get_int64().get(g) || g < 0)
            bad("grace_seconds", "expected a number of seconds >= 0");
        c.grace_seconds = g;
    }
    dom::array sources;
    if (obj["sources"].get(e) || e.get_array().get(sources)) bad("sources", "expected an array");
    std::size_t i = 0;
    for (dom::element s : sources) {
        const std::string where = "sources[" + std::to_string(i++) + "]";
        dom::object so;
        if (s.get_object().get(so)) bad(where, "expected an object");
        dom::element type_e;
        if (so["type"].get(type_e)) bad(where + ".type", "missing");
        const std::string type = text(type_e, where + ".type");
        if (type == "url") {
            c.urls.push_back(url_source(so, where));
            continue;
        }
        only_keys(so, where, {"type", "path"});
        dom::element p;
        if (so["path"].get(p)) bad(where + ".path", "missing");
        const fs::path path = path_of(p, where + ".path", base_dir);
        if (type == "pyvideo") {
            c.talk_roots.push_back(path);
        } else if (type == "captions") {
            c.caption_roots.push_back(path);
        } else if (type == "manifest") {
            c.manifests.push_back(path);
        } else if (type == "yt-dlp") {
            c.ytdlp_roots.push_back(path);
        } else {
            bad(where + ".type",
                "expected pyvideo, captions, manifest, yt-dlp or url, not \"" + type + "\"");
        }
    }
    if (!obj["fetch"].get(e)) {
        dom::object f;
        if (e.get_object().get(f)) bad("fetch", "expected an object");
        only_keys(f, "fetch",
                  {"max_bytes", "timeout_seconds", "connect_timeout_seconds", "parallel",
                   "attempts", "allow_private_addresses", "allowed_private", "captions"});
        if (!f["captions"].get(e)) c.fetch_captions = caption_fetch(e, base_dir);
        if (!f["max_bytes"].get(e)) c.fetch.max_bytes = positive(e, "fetch.max_bytes");
        if (!f["timeout_seconds"].get(e))
            c.fetch.timeout_seconds = seconds(e, "fetch.timeout_seconds");
        if (!f["connect_timeout_seconds"].get(e))
            c.fetch.connect_timeout_seconds = seconds(e, "fetch.connect_timeout_seconds");
        if (!f["parallel"].get(e)) c.fetch.parallel = positive(e, "fetch.parallel");
        if (!f["attempts"].get(e)) c.fetch.attempts = positive(e, "fetch.attempts");
        if (!f["allow_private_addresses"].get(e))
            c.fetch.allow_private_addresses = boolean(e, "fetch.allow_private_addresses");
        if (!f["allowed_private"].get(e)) c.fetch.allowed_private = allowed_private(e);
    }
    return c;
}

Config load_config(const fs::path& path) {
    try {
        return parse_config(read_file(path, 4u << 20), fs::absolute(path).parent_path());
    } catch (const Error& e) {
        throw Error(path.string() + ": " + e.what());
    }
}

}  // namespace talksearch

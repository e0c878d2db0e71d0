#include "indexer/sources/remote.h"

#include <simdjson.h>

#include <algorithm>
#include <string_view>

#include "core/error.h"
#include "core/json_writer.h"
#include "indexer/io/files.h"
#include "indexer/sources/fetch.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// The path of a URL, without query or fragment, split at '/'.
std::vector<std::string> path_segments(const std::string& url) {
    std::string rest = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
    rest = rest.substr(std::min(rest.find('/'), rest.size()));
    rest = rest.substr(0, rest.find_first_of("?#"));
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= rest.size()) {
        const std::size_t end = std::min(rest.find('/', start), rest.size());
        if (end > start) out.push_back(rest.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Characters a mirrored file or folder name may hold.
bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool safe_name(const std::string& s) {
    return !s.empty() && s.size() <= 200 && s != "." && s != ".." && s[0] != '.' &&
           std::all_of(s.begin(), s.end(), is_name_char);
}

std::string sanitize(std::string s) {
    std::replace_if(
        s.begin(), s.end(), [](char c) { return !is_name_char(c); }, '_');
    while (!s.empty() && s[0] == '.') s.erase(0, 1);
    if (s.size() > 200) s.resize(200);
    return s.empty() ? "captions" : s;
}

// A file of the mirror, in the folders its path names.
void write_mirror_file(const fs::path& path, std::string_view body) {
    fs::create_directories(path.parent_path());
    write_file_atomically(path, body);
}

FetchOptions options_of(const FetchSettings& s, const fs::path& index_dir) {
    FetchOptions o;
    if (s.max_bytes) o.max_bytes = static_cast<std::size_t>(*s.max_bytes);
    if (s.timeout_seconds) o.total_timeout_ms = static_cast<long>(*s.timeout_seconds * 1000);
    if (s.connect_timeout_seconds)
        o.connect_timeout_ms = static_cast<long>(*s.connect_timeout_seconds * 1000);
    if (s.parallel) o.parallel = static_cast<std::size_t>(*s.parallel);
    if (s.attempts) o.max_attempts = static_cast<int>(*s.attempts);
    if (s.allow_private_addresses) o.allow_private_addresses = *s.allow_private_addresses;
    o.allowed_private = s.allowed_private;
    o.cache_dir = index_dir / ".fetch-cache";
    return o;
}

// A manifest of URLs: {"talks": [url...], "categories": [url...], "captions": [{"url", "talk",
// "language", "caption_kind"}...]}. Its entries are checked like config entries.
std::vector<UrlSource> parse_url_manifest(const std::string& body) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(body).get_object().get(obj)) throw Error("expected a JSON object");
    std::vector<UrlSource> out;
    auto strings = [&](const char* key, const char* kind) {
        simdjson::dom::array arr;
        if (obj[key].get_array().get(arr)) return;
        std::size_t i = 0;
        for (simdjson::dom::element e : arr) {
            std::string_view url;
            if (e.get_string().get(url)) {
                throw Error(std::string(key) + "[" + std::to_string(i) + "]: expected a URL");
            }
            ++i;
            out.push_back({std::string(url), kind, "", "", "", ""});
        }
    };
    strings("talks", "talk");
    strings("categories", "category");
    simdjson::dom::array caps;
    if (!obj["captions"].get_array().get(caps)) {
        std::size_t i = 0;
        for (simdjson::dom::element e : caps) {
            const std::string where = "captions[" + std::to_string(i++) + "]";
            std::string_view url, talk, language, kind;
            if (e["url"].get_string().get(url)) throw Error(where + ".url: expected a URL");
            UrlSource u{std::string(url), "captions", "", "", "", ""};
            if (!e["talk"].get_string().get(talk)) u.talk = std::string(talk);
            if (!e["language"].get_string().get(language)) u.language = std::string(language);
            if (!e["caption_kind"].get_string().get(kind)) u.caption_kind = std::string(kind);
            out.push_back(std::move(u));
        }
    }
    return out;
}

}  // namespace

RemotePlace place_of(const UrlSource& source) {
    const std::vector<std::string> seg = path_segments(source.url);
    RemotePlace p;
    const std::size_t n = seg.size();
    if (source.kind == "talk") {
        if (n >= 3 && seg[n - 2] == "videos" && seg[n - 1].ends_with(".json")) {
            p.event = seg[n - 3];
            p.slug = seg[n - 1].substr(0, seg[n - 1].size() - 5);
        } else if (n >= 1) {
            p.slug = seg[n - 1].ends_with(".json") ? seg[n - 1].substr(0, seg[n - 1].size() - 5)
                                                   : seg[n - 1];
        }
    } else if (source.kind == "category" && n >= 2 && seg[n - 1] == "category.json") {
        p.event = seg[n - 2];
    }
    if (!source.event.empty()) p.event = source.event;
    if (!safe_name(p.event) || (source.kind == "talk" && !safe_name(p.slug))) return {};
    return p;
}

RemoteSources fetch_remote_sources(const std::vector<UrlSource>& urls, const FetchSettings& fetch,
                                   const fs::path& index_dir) {
    RemoteSources out;
    const FetchOptions options = options_of(fetch, index_dir);
    const fs::path next = index_dir / ".remote.next";
    const fs::path mirror = index_dir / ".remote";
    std::error_code ec;
    fs::remove_all(next, ec);
    fs::create_directories(next / "talks");
    fs::create_directories(next / "captions");

    JsonWriter manifest;
    manifest.begin_array();
    std::vector<UrlSource> round = urls;
    for (int depth = 0; depth < 2 && !round.empty(); ++depth) {
        std::vector<std::string> list;
        for (const UrlSource& u : round) list.push_back(u.url);
        const std::vector<FetchResult> results = fetch_all(list, options);
        std::vector<UrlSource> more;
        for (std::size_t i = 0; i < round.size(); ++i) {
            const UrlSource& u = round[i];
            const FetchResult& r = results[i];
            if (!r.error.empty()) out.failures.push_back({u.url, r.error, r.ok});
            if (!r.ok) continue;
            fs::path target;
            if (u.kind == "manifest") {
                if (depth > 0) {
                    out.failures.push_back({u.url, "a manifest may not list manifests", false});
                    continue;
                }
                try {
                    for (UrlSource& m : parse_url_manifest(r.body)) more.push_back(std::move(m));
                } catch (const Error& e) {
                    out.failures.push_back({u.url, std::string("manifest: ") + e.what(), false});
                }
                continue;
            }
            if (u.kind == "talk" || u.kind == "category") {
                const RemotePlace p = place_of(u);
                if (p.event.empty()) {
                    out.failures.push_back(
                        {u.url, "cannot tell the event (and slug) from the URL; give \"event\"",
                         false});
                    continue;
                }
                target = u.kind == "talk" ? next / "talks" / p.event / "videos" / (p.slug + ".json")
                                          : next / "talks" / p.event / "category.json";
            } else {  // captions
                const std::vector<std::string> seg = path_segments(u.url);
                std::string name = sanitize(seg.empty() ? "captions" : seg.back());
                if (!u.language.empty()) {
                    const auto dot = name.rfind('.');
                    const std::string ext = dot == std::string::npos ? "" : name.substr(dot);
                    const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
                    if (!stem.ends_with("." + u.language))
                        name = stem + "." + sanitize(u.language) + ext;
                }
                // Two URLs with the same file name keep apart.
                for (int k = 2; fs::exists(next / "captions" / name); ++k) {
                    name = std::to_string(k) + "-" + name;
                }
                target = next / "captions" / name;
                if (!u.talk.empty()) {
                    manifest.begin_object();
                    manifest.key("caption").value(name);
                    const auto slash = u.talk.find('/');
                    manifest.key("talk").value(slash == std::string::npos
                                                   ? u.talk
                                                   : u.talk.substr(0, slash) + "/videos/" +
                                                         u.talk.substr(slash + 1) + ".json");
                    if (!u.caption_kind.empty()) manifest.key("kind").value(u.caption_kind);
                    manifest.end_object();
                }
            }
            write_mirror_file(target, r.body);
            out.url_of[(mirror / target.lexically_relative(next)).string()] = u.url;
        }
        round = std::move(more);
    }
    manifest.end_array();
    write_mirror_file(next / "captions" / "manifest.json", manifest.take() + "\n");

    fs::remove_all(mirror, ec);
    fs::rename(next, mirror, ec);
    if (ec)
        throw Error(mirror.string() +
                    ": cannot replace the mirror of remote sources: " + ec.message());
    out.talk_roots.push_back(mirror / "talks");
    out.caption_roots.push_back(mirror / "captions");
    out.manifests.push_back(mirror / "captions" / "manifest.json");
    return out;
}

}  // namespace talksearch

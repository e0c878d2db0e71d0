#include "indexer/sources/caption_store.h"

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "core/error.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/video_url.h"
#include "indexer/io/files.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

constexpr std::string_view kRecordName = "record.json";
constexpr std::uint64_t kMaxRecordBytes = 1u << 20;

constexpr std::pair<FetchStatus, const char*> kStatusNames[] = {
    {FetchStatus::kFetched, "fetched"},
    {FetchStatus::kNoCaptions, "no-captions"},
    {FetchStatus::kUnavailable, "unavailable"},
    {FetchStatus::kFailed, "failed"},
};

std::string field_string(simdjson::dom::object obj, std::string_view name, bool required) {
    std::string_view v;
    const auto err = obj[name].get_string().get(v);
    if (err == simdjson::NO_SUCH_FIELD && !required) return {};
    if (err) throw ParseError(0, std::string(name) + ": expected a string");
    return std::string(v);
}

std::int64_t field_int(simdjson::dom::object obj, std::string_view name) {
    std::int64_t v = 0;
    const auto err = obj[name].get_int64().get(v);
    if (err == simdjson::NO_SUCH_FIELD) return 0;
    if (err || v < 0) throw ParseError(0, std::string(name) + ": expected a whole number");
    return v;
}

// A file name the store may hold: no folder part, not hidden.
bool plain_file_name(std::string_view name) {
    return !name.empty() && name[0] != '.' && name.find('/') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

}  // namespace

const char* fetch_status_name(FetchStatus s) {
    for (const auto& [status, name] : kStatusNames) {
        if (status == s) return name;
    }
    return "failed";
}

std::string encode_video_record(const VideoRecord& r) {
    JsonWriter w;
    w.begin_object();
    w.key("key").value(r.key);
    w.key("url").value(r.url);
    w.key("talk").value(r.talk_id);
    w.key("status").value(fetch_status_name(r.status));
    w.key("info_json").value(r.info_json);
    w.key("tracks").begin_array();
    for (const StoredTrack& t : r.tracks) {
        w.begin_object();
        w.key("file").value(t.file);
        w.key("language").value(t.language);
        w.key("kind").value(t.human ? "human" : "machine");
        w.end_object();
    }
    w.end_array();
    w.key("reason").value(r.reason);
    w.key("attempts").value(r.attempts);
    w.key("fetched_at").value(r.fetched_at);
    w.key("next_try_after").value(r.next_try_after);
    w.end_object();
    return w.take();
}

VideoRecord parse_video_record(std::string_view json) {
    simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(json.data(), json.size()).get_object().get(obj)) {
        throw ParseError(0, "invalid JSON: expected an object");
    }
    VideoRecord r;
    r.key = field_string(obj, "key", true);
    if (!plain_file_name(r.key)) throw ParseError(0, "key: not a folder name");
    r.url = field_string(obj, "url", true);
    r.talk_id = field_string(obj, "talk", false);
    const std::string status = field_string(obj, "status", true);
    const auto* found = std::find_if(std::begin(kStatusNames), std::end(kStatusNames),
                                     [&](const auto& p) { return status == p.second; });
    if (found == std::end(kStatusNames)) throw ParseError(0, "status: unknown value " + status);
    r.status = found->first;
    r.info_json = field_string(obj, "info_json", false);
    if (!r.info_json.empty() && !plain_file_name(r.info_json)) {
        throw ParseError(0, "info_json: not a file name");
    }
    simdjson::dom::array tracks;
    if (obj["tracks"].get_array().get(tracks)) throw ParseError(0, "tracks: expected an array");
    for (simdjson::dom::element e : tracks) {
        simdjson::dom::object t;
        if (e.get_object().get(t)) throw ParseError(0, "tracks: expected objects");
        StoredTrack track;
        track.file = field_string(t, "file", true);
        if (!plain_file_name(track.file)) throw ParseError(0, "tracks: file is not a file name");
        track.language = field_string(t, "language", true);
        track.human = field_string(t, "kind", true) == "human";
        r.tracks.push_back(std::move(track));
    }
    r.reason = field_string(obj, "reason", false);
    r.attempts =
        static_cast<std::uint32_t>(std::min<std::int64_t>(field_int(obj, "attempts"), 1'000'000));
    r.fetched_at = field_int(obj, "fetched_at");
    r.next_try_after = field_int(obj, "next_try_after");
    return r;
}

std::string video_key(std::string_view url) {
    if (const auto id = youtube_id(url)) return *id;
    return "url-" + hex64(fnv1a64(url));
}

std::int64_t failure_backoff_seconds(std::uint32_t attempts) {
    constexpr std::int64_t kFirst = 3600, kMost = 7 * 24 * 3600;
    std::int64_t wait = kFirst;
    for (std::uint32_t i = 1; i < attempts && wait < kMost; ++i) wait *= 2;
    return std::min(wait, kMost);
}

bool fetch_is_due(const std::optional<VideoRecord>& r, std::int64_t now,
                  std::optional<std::int64_t> refresh_older_than) {
    if (!r) return true;
    const bool old = refresh_older_than && now - r->fetched_at >= *refresh_older_than;
    switch (r->status) {
        case FetchStatus::kFailed:
            return now >= r->next_try_after;
        case FetchStatus::kUnavailable:
            return false;
        case FetchStatus::kNoCaptions:
            return old;
        case FetchStatus::kFetched:
            return old && std::any_of(r->tracks.begin(), r->tracks.end(),
                                      [](const StoredTrack& t) { return !t.human; });
    }
    return true;
}

std::int64_t parse_age(std::string_view text) {
    std::int64_t n = 0;
    const char* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, n);
    if (ec != std::errc() || n < 0 || p == text.data()) {
        throw Error("'" + std::string(text) + "': expected an age such as 30d, 12h, 90m or 45s");
    }
    const std::string_view unit(p, static_cast<std::size_t>(end - p));
    std::int64_t scale = 0;
    if (unit.empty() || unit == "s") scale = 1;
    if (unit == "m") scale = 60;
    if (unit == "h") scale = 3600;
    if (unit == "d") scale = 86400;
    if (scale == 0 || n > std::int64_t{1} << 40) {
        throw Error("'" + std::string(text) + "': expected an age such as 30d, 12h, 90m or 45s");
    }
    return n * scale;
}

CaptionStore::CaptionStore(fs::path root) : root_(std::move(root)) {
    std::error_code ec;
    fs::create_directories(root_ / "videos", ec);
    if (ec) throw Error(root_.string() + ": cannot create the store: " + ec.message());
    fs::create_directories(root_ / ".tmp", ec);
    if (ec) throw Error(root_.string() + ": cannot create the store: " + ec.message());
}

fs::path CaptionStore::video_dir(const std::string& key) const { return root_ / "videos" / key; }

std::vector<VideoRecord> CaptionStore::records(std::vector<std::string>* problems) const {
    std::vector<VideoRecord> out;
    std::error_code ec;
    std::vector<fs::path> dirs;
    for (auto it = fs::directory_iterator(root_ / "videos", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        dirs.push_back(it->path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const fs::path& dir : dirs) {
        const fs::path file = dir / kRecordName;
        if (!fs::exists(file, ec)) continue;  // a video in flight when a run was killed
        try {
            VideoRecord r = parse_video_record(read_file(file, kMaxRecordBytes));
            if (r.key != dir.filename().string()) throw ParseError(0, "key: not its folder's name");
            out.push_back(std::move(r));
        } catch (const Error& e) {
            if (problems) problems->push_back(file.string() + ": " + e.what());
        }
    }
    return out;
}

fs::path CaptionStore::work_dir(const std::string& key) const {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const fs::path dir =
        root_ / ".tmp" / (key + "." + std::to_string(::getpid()) + "." + hex64(random()));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir.string() + ": cannot create: " + ec.message());
    return dir;
}

void CaptionStore::commit(const VideoRecord& r, const fs::path& work) const {
    const fs::path dir = video_dir(r.key);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(dir.string() + ": cannot create: " + ec.message());
    // What the record will name replaces what an earlier fetch left; the old
    // record goes first, so a kill between two moves leaves no record naming
    // a file that is gone.
    fs::remove(dir / kRecordName, ec);
    std::vector<std::string> keep;
    if (!r.info_json.empty()) keep.push_back(r.info_json);
    for (const StoredTrack& t : r.tracks) keep.push_back(t.file);
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (std::find(keep.begin(), keep.end(), name) == keep.end()) fs::remove_all(it->path(), ec);
    }
    for (const std::string& name : keep) {
        fs::rename(work / name, dir / name, ec);
        if (ec)
            throw Error((work / name).string() + ": cannot move into the store: " + ec.message());
    }
    fsync_folder(dir);
    write_file_atomically(dir / kRecordName, encode_video_record(r) + "\n");
    fs::remove_all(work, ec);
}

void CaptionStore::remove_stale_work() const {
    std::error_code ec;
    for (auto it = fs::directory_iterator(root_ / ".tmp", ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code ignored;
        fs::remove_all(it->path(), ignored);
    }
}

}  // namespace talksearch

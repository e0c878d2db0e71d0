// pyvideo.org's catalogue layout: walking the folders (load_catalogue). See
// indexer/sources/pyvideo.h; pyvideo_parser.cpp parses each file.
//
// Loading: files are read whole (indexer/io/files.h) into a reused buffer
// (files over 16 MB are refused unread) and parsed with one reused
// PyvideoParser. Events are loaded in order of their folder names, files in
// byte order of their names; hidden entries and files not ending in ".json"
// are ignored. A file that repeats a talk id already loaded is skipped. An
// event's durations are repaired together (pyvideo_duration.h).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "indexer/io/files.h"
#include "indexer/sources/pyvideo.h"
#include "indexer/sources/pyvideo_duration.h"
#include "indexer/sources/pyvideo_parser.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMaxFileBytes = 16u * 1024u * 1024u;

struct EventDir {
    std::string name;
    fs::path dir;
};

// A talk parsed but not yet handed over: its duration awaits the event rule.
struct Pending {
    Talk talk;
    std::optional<std::int64_t> raw_duration;
    std::vector<Warning> warnings;
};

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

bool has_json_extension(const fs::path& p) {
    return ascii_lower(p.extension().string()) == ".json";
}

bool is_directory_noexcept(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// Uses the type the directory listing already gave, when it gave one.
bool is_directory_noexcept(const fs::directory_entry& entry) {
    std::error_code ec;
    return entry.is_directory(ec);
}

// The events under one root, unsorted. Throws Error when the root cannot be
// read.
void find_events(const fs::path& root, std::vector<EventDir>& events) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
        throw Error("catalogue root " + root.string() + ": does not exist");
    }
    if (!fs::is_directory(status)) {
        throw Error("catalogue root " + root.string() + ": not a folder");
    }
    if (is_directory_noexcept(root / "videos")) {
        // A single event folder: its name is the event slug.
        fs::path name = root.lexically_normal();
        if (name.filename().empty()) name = name.parent_path();
        if (name.filename().empty() || name.filename() == "." || name.filename() == "..") {
            name = fs::weakly_canonical(root, ec);
        }
        events.push_back(EventDir{name.filename().string(), root});
        return;
    }
    fs::directory_iterator it(root, ec);
    if (ec) throw Error("catalogue root " + root.string() + ": cannot be read: " + ec.message());
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        const fs::path& p = it->path();
        if (is_hidden(p) || !is_directory_noexcept(*it) || !is_directory_noexcept(p / "videos")) {
            continue;
        }
        events.push_back(EventDir{p.filename().string(), p});
    }
    if (ec) throw Error("catalogue root " + root.string() + ": cannot be read: " + ec.message());
}

class Loader {
  public:
    explicit Loader(Catalogue& out) : out_(out) {}

    void load_event(const EventDir& event) {
        const std::string event_title = read_category(event);

        const fs::path videos_dir = event.dir / "videos";
        std::vector<fs::path> files;
        std::error_code ec;
        fs::directory_iterator it(videos_dir, ec);
        for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
            const fs::path& p = it->path();
            // Non-JSON files and hidden files (editor and macOS droppings) are ignored.
            if (is_hidden(p) || !has_json_extension(p) || is_directory_noexcept(*it)) continue;
            files.push_back(p);
        }
        if (ec) {
            out_.problems.push_back(LoadProblem{videos_dir.string(),
                                                "videos: cannot be listed: " + ec.message(), true});
        }
        std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
            return a.filename().native() < b.filename().native();
        });

        std::vector<Pending> pending;
        pending.reserve(files.size());
        for (const fs::path& file : files) {
            ++out_.files_seen;
            Pending p;
            try {
                ParsedTalk parsed =
                    parser_.parse_talk(read(file), event.name, file.stem().string(), &p.warnings);
                p.talk = std::move(parsed.talk);
                p.raw_duration = parsed.raw_duration;
            } catch (const std::bad_alloc&) {
                throw;
            } catch (const std::exception& e) {
                out_.problems.push_back(LoadProblem{file.string(), e.what(), true});
                continue;
            }
            p.talk.source_path = file.string();
            if (!event_title.empty()) {
                p.talk.event_title = event_title;
            } else if (p.talk.event_title.empty()) {
                p.talk.event_title = event.name;
            }
            pending.push_back(std::move(p));
        }
        finish_event(event, pending);
    }

  private:
    // Reads a whole talk or category file into the reused buffer; the view
    // lives until the next read. Throws Error (`file: problem`).
    std::string_view read(const fs::path& path) {
        try {
            const std::size_t size = read_file_into(path, kMaxFileBytes, [this](std::size_t n) {
                if (buffer_.size() < n) buffer_.resize(n);
                return buffer_.data();
            });
            return std::string_view(buffer_.data(), size);
        } catch (const FileTooLarge& e) {
            throw Error("file: " + std::to_string(e.size()) +
                        " bytes is over the 16 MB limit; not read");
        } catch (const Error& e) {
            throw Error(std::string("file: ") + e.what());
        }
    }

    // The event's title from category.json, or empty (with a warning) when
    // it is missing, broken or has none.
    std::string read_category(const EventDir& event) {
        const fs::path path = event.dir / "category.json";
        std::string problem;
        EventInfo info;
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            problem = "category.json: missing";
        } else {
            try {
                info = parser_.parse_category(read(path));
                if (info.title.empty()) problem = "title: missing";
            } catch (const std::bad_alloc&) {
                throw;
            } catch (const std::exception& e) {
                problem = e.what();
            }
        }
        if (!problem.empty()) {
            out_.problems.push_back(
                LoadProblem{path.string(),
                            problem + "; the event title falls back to the talks' `category` or '" +
                                event.name + "'",
                            false});
        }
        return info.title;
    }

    void finish_event(const EventDir& event, std::vector<Pending>& pending) {
        std::vector<std::int64_t> raw;
        for (const Pending& p : pending) {
            if (p.raw_duration) raw.push_back(*p.raw_duration);
        }
        const DurationUnit unit = event_duration_unit(raw);
        std::size_t event_repaired = 0;
        for (Pending& p : pending) {
            const std::optional<std::int64_t>& d = p.raw_duration;
            if (unit == DurationUnit::kMinutes && d && *d > 0 && *d <= 180) {
                p.talk.duration_s = *d * 60;
                ++event_repaired;
            } else if (unit == DurationUnit::kSixtiethsOfSeconds && d && *d > 0) {
                p.talk.duration_s = *d / 60;
                ++event_repaired;
            } else {
                p.talk.duration_s = repair_duration(d, &p.warnings);
            }
        }
        if (event_repaired > 0) {
            const char* how = unit == DurationUnit::kMinutes
                                  ? " values look like minutes (the event's median is at most 90); "
                                    "multiplied by 60"
                                  : " values are multiples of 60 with a median over 4 hours "
                                    "(seconds x 60); divided by 60";
            out_.problems.push_back(LoadProblem{(event.dir / "videos").string(),
                                                "duration: " + std::to_string(event_repaired) +
                                                    " of " + std::to_string(raw.size()) + how,
                                                false});
        }
        for (Pending& p : pending) {
            for (Warning& w : p.warnings) {
                out_.problems.push_back(
                    LoadProblem{p.talk.source_path, std::move(w.message), false});
            }
            std::string id = talk_id(p.talk);
            const auto [where, fresh] = seen_.emplace(std::move(id), p.talk.source_path);
            if (!fresh) {
                out_.problems.push_back(LoadProblem{
                    p.talk.source_path,
                    "slug: talk id '" + where->first + "' is already used by " + where->second,
                    true});
                continue;
            }
            out_.talks.push_back(std::move(p.talk));
        }
    }

    Catalogue& out_;
    PyvideoParser parser_;
    std::string buffer_;                                 // the file being parsed
    std::unordered_map<std::string, std::string> seen_;  // talk id -> its file
};

}  // namespace

Catalogue load_catalogue(const std::vector<std::filesystem::path>& roots) {
    std::vector<EventDir> events;
    for (const fs::path& root : roots) find_events(root, events);
    // By event name, then by the order the roots were given.
    std::stable_sort(events.begin(), events.end(),
                     [](const EventDir& a, const EventDir& b) { return a.name < b.name; });
    Catalogue out;
    Loader loader(out);
    for (const EventDir& event : events) loader.load_event(event);
    return out;
}

}  // namespace talksearch

#include "indexer/stats.h"

#include <xapian.h>

#include <sstream>

#include "core/error.h"
#include "core/json_writer.h"
#include "core/schema.h"
#include "core/text.h"
#include "indexer/generation.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

std::map<std::string, std::uint64_t> prefix_counts(const Xapian::Database& db,
                                                   std::string_view prefix) {
    std::map<std::string, std::uint64_t> out;
    const std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        const std::string term = *it;
        out[term.substr(p.size())] = it.get_termfreq();
    }
    return out;
}

std::uint64_t folder_bytes(const fs::path& dir) {
    std::uint64_t total = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
        if (e.is_regular_file(ec)) total += e.file_size(ec);
    }
    return total;
}

}  // namespace

IndexStats read_index_stats(const fs::path& index_dir) {
    IndexStats s;
    const auto live = live_generation(index_dir);
    if (!live)
        throw Error(index_dir.string() +
                    ": no index here (no XAPIANDB stub); run talksearch-index build");
    try {
        Xapian::Database db(index_dir.string());
        namespace sc = schema;
        s.talks = db.get_doccount();
        const auto kinds = prefix_counts(db, sc::kCaptions);
        auto get = [&](const std::map<std::string, std::uint64_t>& m, const std::string& k) {
            auto it = m.find(k);
            return it == m.end() ? std::uint64_t{0} : it->second;
        };
        s.talks_with_captions = s.talks - get(kinds, std::string(sc::kCaptionsNone));
        s.talks_human_captions = get(kinds, "human");
        s.talks_machine_captions = get(kinds, "machine");
        s.talks_with_suspect_loops = db.get_termfreq(std::string(sc::kSuspect) + "loop");
        const std::string group_prefix(sc::kGroup);
        for (auto t = db.allterms_begin(group_prefix); t != db.allterms_end(group_prefix); ++t) {
            ++s.repeated_talks;
            s.repeat_recordings += t.get_termfreq();
        }
        s.events = prefix_counts(db, sc::kEvent);
        s.years = prefix_counts(db, sc::kYear);
        s.languages = prefix_counts(db, sc::kLanguage);
    } catch (const Xapian::Error& e) {
        throw Error(index_dir.string() + ": cannot read the index: " + e.get_description());
    }
    s.generation = *live;
    s.bytes = folder_bytes(index_dir / *live);
    return s;
}

std::string stats_to_json(const IndexStats& s) {
    JsonWriter w;
    w.begin_object();
    w.key("talks").value(s.talks);
    w.key("talks_with_captions").value(s.talks_with_captions);
    w.key("talks_human_captions").value(s.talks_human_captions);
    w.key("talks_machine_captions").value(s.talks_machine_captions);
    w.key("talks_with_suspect_loops").value(s.talks_with_suspect_loops);
    w.key("repeated_talks").value(s.repeated_talks);
    w.key("repeat_recordings").value(s.repeat_recordings);
    w.key("events").counts(s.events);
    w.key("years").counts(s.years);
    w.key("languages").counts(s.languages);
    w.key("bytes").value(s.bytes);
    w.key("generation").value(s.generation);
    w.end_object();
    return w.take();
}

std::string stats_to_text(const IndexStats& s) {
    std::ostringstream o;
    o << "talks:               " << s.talks << "\n";
    o << "with captions:       " << s.talks_with_captions << " (human " << s.talks_human_captions
      << ", machine " << s.talks_machine_captions << ")\n";
    o << "with repetition loops collapsed: " << s.talks_with_suspect_loops << "\n";
    o << "given at several events: " << s.repeated_talks << " talks (" << s.repeat_recordings
      << " recordings)\n";
    o << "size on disk:        " << s.bytes / 1024 << " KiB (" << s.generation << ")\n";
    o << "years:\n";
    for (const auto& [y, n] : s.years) o << "  " << y << "  " << n << "\n";
    o << "languages:\n";
    for (const auto& [l, n] : s.languages) o << "  " << l << "  " << n << "\n";
    o << "events (" << s.events.size() << "):\n";
    for (const auto& [e, n] : s.events) o << "  " << e << "  " << n << "\n";
    return o.str();
}

}  // namespace talksearch

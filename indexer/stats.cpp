#include "indexer/stats.h"

#include <xapian.h>

#include <sstream>

#include "core/error.h"
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

void append_map(std::string& out, const std::map<std::string, std::uint64_t>& m) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : m) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, k);
        out += ':' + std::to_string(v);
    }
    out += '}';
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
    std::string out = "{\"talks\":" + std::to_string(s.talks);
    out += ",\"talks_with_captions\":" + std::to_string(s.talks_with_captions);
    out += ",\"talks_human_captions\":" + std::to_string(s.talks_human_captions);
    out += ",\"talks_machine_captions\":" + std::to_string(s.talks_machine_captions);
    out += ",\"talks_with_suspect_loops\":" + std::to_string(s.talks_with_suspect_loops);
    out += ",\"events\":";
    append_map(out, s.events);
    out += ",\"years\":";
    append_map(out, s.years);
    out += ",\"languages\":";
    append_map(out, s.languages);
    out += ",\"bytes\":" + std::to_string(s.bytes);
    out += ",\"generation\":";
    append_json_string(out, s.generation);
    out += "}";
    return out;
}

std::string stats_to_text(const IndexStats& s) {
    std::ostringstream o;
    o << "talks:               " << s.talks << "\n";
    o << "with captions:       " << s.talks_with_captions << " (human " << s.talks_human_captions
      << ", machine " << s.talks_machine_captions << ")\n";
    o << "with repetition loops collapsed: " << s.talks_with_suspect_loops << "\n";
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

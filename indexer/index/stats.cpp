#include "indexer/index/stats.h"

#include <xapian.h>

#include <sstream>

#include "core/error.h"
#include "core/index_stub.h"
#include "core/json_writer.h"
#include "core/schema.h"
#include "core/text.h"
#include "indexer/index/generation.h"

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
    const fs::path stub = stub_file_at(index_dir);
    std::error_code ec;
    if (!fs::exists(stub, ec))
        throw Error(index_dir.string() +
                    ": no index here (no XAPIANDB stub); run talksearch-index build");
    try {
        const std::vector<StubEntry> entries = parse_stub(read_stub_text(stub), stub);
        Xapian::Database db;
        for (const StubEntry& e : entries) {
            IndexStats::Shard shard;
            shard.label = e.label();
            Xapian::Database one;
            try {
                if (e.kind == StubEntry::Kind::kRemote) {
                    one = Xapian::Remote::open(e.host, e.port, 10000, 10000);
                } else {
                    one = Xapian::Database(e.path.string());
                    if (const auto live = live_generation(e.path)) {
                        shard.generation = *live;
                        shard.bytes = folder_bytes(e.path / *live);
                    } else {
                        shard.bytes = folder_bytes(e.path);  // a generation itself
                        shard.generation = e.path.filename().string();
                    }
                }
                shard.part = one.get_metadata(std::string(kShardPartKey));
            } catch (const Xapian::Error& x) {
                throw Error(entries.size() > 1 ? shard.label + ": " + x.get_description()
                                               : x.get_description());
            }
            shard.talks = one.get_doccount();
            s.bytes += shard.bytes;
            db.add_database(one);
            s.shards.push_back(std::move(shard));
        }
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
    } catch (const Error& e) {
        throw Error(index_dir.string() + ": cannot read the index: " + e.what());
    }
    {
        std::vector<std::string> labels, parts;
        for (const IndexStats::Shard& shard : s.shards) {
            labels.push_back(shard.label);
            parts.push_back(shard.part);
        }
        // One shard's own folder is not expected to hold the others' parts.
        if (s.shards.size() > 1) s.problems = check_parts(labels, parts);
    }
    if (s.shards.size() == 1 && s.shards[0].part.empty()) {
        s.generation = s.shards[0].generation;  // one index
        s.shards.clear();
    } else {
        for (const IndexStats::Shard& shard : s.shards) {
            s.generation += (s.generation.empty() ? "" : ",") + shard.label +
                            (shard.generation.empty() ? "" : "/" + shard.generation);
        }
    }
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
    w.key("problems").strings(s.problems);
    w.key("shards").begin_array();
    for (const IndexStats::Shard& shard : s.shards) {
        w.begin_object();
        w.key("label").value(shard.label);
        w.key("part").value(shard.part);
        w.key("talks").value(shard.talks);
        w.key("generation").value(shard.generation);
        w.key("bytes").value(shard.bytes);
        w.end_object();
    }
    w.end_array();
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
    if (s.shards.empty()) {
        o << "size on disk:        " << s.bytes / 1024 << " KiB (" << s.generation << ")\n";
    } else {
        o << "shards:              " << s.shards.size() << " (" << s.bytes / 1024
          << " KiB on this machine)\n";
        for (const IndexStats::Shard& shard : s.shards) {
            o << "  " << shard.label << "  part " << (shard.part.empty() ? "?" : shard.part) << "  "
              << shard.talks << " talks";
            if (!shard.generation.empty())
                o << "  " << shard.bytes / 1024 << " KiB (" << shard.generation << ")";
            o << "\n";
        }
    }
    o << "years:\n";
    for (const auto& [y, n] : s.years) o << "  " << y << "  " << n << "\n";
    o << "languages:\n";
    for (const auto& [l, n] : s.languages) o << "  " << l << "  " << n << "\n";
    o << "events (" << s.events.size() << "):\n";
    for (const auto& [e, n] : s.events) o << "  " << e << "  " << n << "\n";
    return o.str();
}

}  // namespace talksearch

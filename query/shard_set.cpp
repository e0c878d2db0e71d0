#include "query/shard_set.h"

#include <fstream>
#include <system_error>
#include <utility>

#include "core/error.h"
#include "core/schema.h"

namespace talksearch {

namespace sc = schema;

namespace {

// A stub file's text (at most kMaxStubBytes); "" when it cannot be read.
std::string read_stub_text(const std::filesystem::path& stub_file) {
    std::ifstream in(stub_file, std::ios::binary);
    std::string text(kMaxStubBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::filesystem::path stub_file_at(const std::filesystem::path& index) {
    std::error_code ec;
    return stub_file_of(index, std::filesystem::is_directory(index, ec));
}

}  // namespace

ShardSet::ShardSet(const std::filesystem::path& index, const SearcherOptions& options)
    : options_(options), index_(index), stub_file_(stub_file_at(index)) {
    std::error_code ec;
    if (!std::filesystem::exists(stub_file_, ec)) {
        throw Error(where() + ": no index here (no XAPIANDB stub); run talksearch-index build");
    }
    stub_ = read_stub_text(stub_file_);
    std::vector<Shard> fresh;
    for (StubEntry& e : parse_stub(stub_, stub_file_)) {
        fresh.emplace_back();
        fresh.back().entry = std::move(e);
    }
    for (Shard& s : fresh) open_shard(s);
    shards_ = std::move(fresh);
    combine();
}

void ShardSet::open_shard(Shard& s) {
    s.tried = std::chrono::steady_clock::now();
    s.db = Xapian::Database();
    s.up = false;
    try {
        if (s.entry.kind == StubEntry::Kind::kRemote) {
            s.db = Xapian::Remote::open(s.entry.host, s.entry.port, options_.shard_timeout_ms,
                                        options_.shard_timeout_ms);
        } else {
            std::error_code ec;
            s.live_stub = std::filesystem::is_directory(s.entry.path, ec)
                              ? read_stub_text(s.entry.path / "XAPIANDB")
                              : std::string();
            s.db = Xapian::Database(s.entry.path.string());
        }
        s.up = true;
        s.error.clear();
        s.opened = s.tried;
    } catch (const Xapian::Error& e) {
        s.db = Xapian::Database();
        s.error = e.get_description();
    }
}

void ShardSet::combine() {
    // Which part of the catalogue each shard holds: shards that overlap
    // would count talks twice, so they are refused; a part no shard holds
    // makes every result partial.
    std::vector<std::string> labels, parts;
    bool all_up = true;
    for (Shard& s : shards_) {
        if (s.up) {
            try {
                parts.push_back(s.db.get_metadata(std::string(kShardPartKey)));
                labels.push_back(s.label());
                continue;
            } catch (const Xapian::Error& e) {
                s.up = false;
                s.error = e.get_description();
                s.db = Xapian::Database();
            }
        }
        all_up = false;
    }
    unlisted_.clear();
    for (const std::string& problem : check_parts(labels, parts)) {
        if (!problem.starts_with("no shard listed")) {
            throw Error(where() + ": the shards listed do not make one index: " + problem);
        }
        if (all_up) unlisted_.push_back(problem);
    }
    Xapian::Database all;
    std::string why;
    bool any = false;
    for (const Shard& s : shards_) {
        if (s.up) {
            all.add_database(s.db);
            any = true;
        } else {
            why +=
                (why.empty() ? "" : "; ") + (shards_.size() > 1 ? s.label() + ": " : "") + s.error;
        }
    }
    if (!any) {
        throw Error(
            where() +
            (shards_.size() > 1 ? ": no shard could be opened: " : ": cannot open the index: ") +
            why);
    }
    db_ = all;
    try {
        ordered_ = db_.get_value_freq(sc::kSlotDateOrder) > 0;
    } catch (const Xapian::Error& e) {
        throw Error(where() + ": cannot read the index: " + e.get_description());
    }
}

void ShardSet::recover() {
    for (Shard& s : shards_) {
        if (!s.up || s.entry.kind != StubEntry::Kind::kRemote) continue;
        try {
            s.db.reopen();  // a round trip: is it still there?
        } catch (const Xapian::NetworkTimeoutError& e) {
            s.up = false;  // it does not answer: waiting again would only double the wait
            s.error = e.get_description();
            s.db = Xapian::Database();
            s.tried = std::chrono::steady_clock::now();
        } catch (const Xapian::Error&) {
            open_shard(s);  // the connection was closed (an idle timeout, a restart)
        }
    }
    combine();
}

bool ShardSet::refresh() {
    if (read_stub_text(stub_file_) != stub_) {
        // A new generation, or another list of shards: fresh handles.
        // reopen() must not be used across a swap (it can keep the old
        // tables when revisions coincide).
        *this = ShardSet(index_, options_);  // throws Error: the current handles stay
        return true;
    }
    const auto now = std::chrono::steady_clock::now();
    bool changed = false;
    for (Shard& s : shards_) {
        const auto reopen_afresh = [&] {
            open_shard(s);
            changed = true;
        };
        if (!s.up) {
            if (now - s.tried >= options_.retry_after) reopen_afresh();
        } else if (s.entry.kind == StubEntry::Kind::kRemote &&
                   now - s.opened >= options_.reconnect_after) {
            reopen_afresh();
        } else if (!s.live_stub.empty() &&
                   read_stub_text(s.entry.path / "XAPIANDB") != s.live_stub) {
            reopen_afresh();  // the shard's folder has a new generation
        } else {
            try {
                // Commits made in place to the same generation.
                if (s.db.reopen()) changed = true;
            } catch (const Xapian::Error&) {
                reopen_afresh();
            }
        }
    }
    if (changed) {
        try {
            combine();
        } catch (const Error& e) {
            throw Error(where() + ": cannot reopen the index: " + e.what());
        }
    }
    return changed;
}

std::vector<std::string> ShardSet::missing() const {
    std::vector<std::string> out;
    for (const Shard& s : shards_) {
        if (!s.up) out.push_back(s.label() + ": " + s.error);
    }
    out.insert(out.end(), unlisted_.begin(), unlisted_.end());
    return out;
}

std::string ShardSet::describe() const {
    // The generation a local shard's folder stub names ("auto gen-...").
    auto generation = [](const Shard& s) {
        if (s.live_stub.empty()) return std::string();
        try {
            return parse_stub(s.live_stub, s.entry.path / "XAPIANDB")
                .front()
                .path.filename()
                .string();
        } catch (const Error&) {
            return std::string();
        }
    };
    if (shards_.size() == 1 && shards_[0].entry.kind == StubEntry::Kind::kLocal) {
        const std::string g = generation(shards_[0]);
        return g.empty() ? shards_[0].label() : g;
    }
    std::string out;
    for (const Shard& s : shards_) {
        if (!out.empty()) out += ',';
        out += s.label() + "=";
        if (!s.up) {
            out += "down";
        } else if (s.entry.kind == StubEntry::Kind::kRemote) {
            out += "up";
        } else {
            const std::string g = generation(s);
            out += g.empty() ? "up" : g;
        }
    }
    return out;
}

}  // namespace talksearch

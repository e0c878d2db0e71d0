#include "core/index_stub.h"

#include <charconv>

#include "core/error.h"
#include "core/hash.h"
#include "core/text.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

std::uint16_t parse_port(std::string_view text, const std::string& where) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size() || v == 0 || v > 65535)
        throw Error(where + ": '" + std::string(text) + "' is not a port (1-65535)");
    return static_cast<std::uint16_t>(v);
}

StubEntry remote_entry(std::string_view host, std::string_view port, const std::string& where) {
    if (host.empty()) throw Error(where + ": a remote shard needs a host");
    for (char c : host) {
        if (c <= ' ' || c == '#')
            throw Error(where + ": '" + std::string(host) + "' is not a host");
    }
    StubEntry e;
    e.kind = StubEntry::Kind::kRemote;
    e.host = std::string(host);
    e.port = parse_port(port, where);
    return e;
}

}  // namespace

std::string StubEntry::label() const {
    if (kind == Kind::kRemote) return "remote " + host + ":" + std::to_string(port);
    return path.filename().empty() ? path.string() : path.filename().string();
}

fs::path stub_file_of(const fs::path& index, bool is_folder) {
    return is_folder ? index / "XAPIANDB" : index;
}

std::vector<StubEntry> parse_stub(std::string_view text, const fs::path& stub_file) {
    std::vector<StubEntry> out;
    const fs::path base = stub_file.parent_path();
    std::uint32_t line_no = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = trim(text.substr(at, end - at));
        at = end + 1;
        ++line_no;
        if (line.empty() || line[0] == '#') continue;
        const std::string where = stub_file.string() + ":" + std::to_string(line_no);
        const std::size_t space = line.find(' ');
        const std::string_view type = line.substr(0, space);
        const std::string_view rest =
            space == std::string_view::npos ? std::string_view() : trim(line.substr(space + 1));
        StubEntry e;
        if (type == "auto" || type == "glass") {
            if (rest.empty()) throw Error(where + ": '" + std::string(type) + "' needs a path");
            e.path = fs::path(std::string(rest));
            if (e.path.is_relative()) e.path = base / e.path;
        } else if (type == "remote") {
            if (rest.starts_with("tcp ")) {
                // "remote tcp HOST PORT"
                const std::string_view hp = trim(rest.substr(4));
                const std::size_t sp = hp.find(' ');
                if (sp == std::string_view::npos)
                    throw Error(where + ": expected 'remote tcp HOST PORT'");
                e = remote_entry(hp.substr(0, sp), trim(hp.substr(sp + 1)), where);
            } else if (const std::size_t colon = rest.rfind(':');
                       colon != std::string_view::npos && colon > 0) {
                e = remote_entry(rest.substr(0, colon), rest.substr(colon + 1), where);
            } else {
                throw Error(where +
                            ": expected 'remote HOST:PORT' (a xapian-tcpsrv); "
                            "remote programs (xapian-progsrv) are not supported");
            }
        } else {
            throw Error(where + ": expected 'auto PATH' or 'remote HOST:PORT', got '" +
                        std::string(type.substr(0, 40)) + "'");
        }
        e.line = line_no;
        out.push_back(std::move(e));
    }
    if (out.empty()) throw Error(stub_file.string() + ": lists no database");
    return out;
}

std::string format_stub(const std::vector<StubEntry>& entries) {
    std::string out;
    for (const StubEntry& e : entries) {
        if (e.kind == StubEntry::Kind::kRemote) {
            out += "remote " + e.host + ":" + std::to_string(e.port) + "\n";
        } else {
            out += "auto " + e.path.string() + "\n";
        }
    }
    return out;
}

StubEntry parse_remote(std::string_view host_port) {
    const std::string where = "'" + std::string(host_port) + "'";
    const std::size_t colon = host_port.rfind(':');
    if (colon == std::string_view::npos || colon == 0) throw Error(where + ": expected HOST:PORT");
    return remote_entry(host_port.substr(0, colon), host_port.substr(colon + 1), where);
}

std::uint32_t shard_of(std::string_view key, std::uint32_t count) {
    if (count <= 1) return 0;
    // FNV-1a's low bits mix poorly: finish with splitmix64's mixer.
    std::uint64_t h = fnv1a64(key);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return static_cast<std::uint32_t>(h % count);
}

std::string ShardPart::text() const { return std::to_string(index) + "/" + std::to_string(count); }

ShardPart parse_shard_part(std::string_view text) {
    const std::size_t slash = text.find('/');
    ShardPart p;
    auto num = [&](std::string_view s, std::uint32_t& v) {
        const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return ec == std::errc() && ptr == s.data() + s.size();
    };
    if (slash == std::string_view::npos || !num(text.substr(0, slash), p.index) ||
        !num(text.substr(slash + 1), p.count) || p.count == 0 || p.index >= p.count) {
        throw Error("'" + std::string(text) + "' is not a shard part like 1/3");
    }
    return p;
}

std::vector<std::string> check_parts(const std::vector<std::string>& labels,
                                     const std::vector<std::string>& parts) {
    std::vector<std::string> problems;
    if (parts.size() == 1 && parts[0].empty()) return problems;  // one index
    std::uint32_t count = 0;
    std::vector<std::string> holder;  // part index -> label
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& label = i < labels.size() ? labels[i] : std::to_string(i);
        if (parts[i].empty()) {
            problems.push_back(label + " is a whole index, not a shard");
            continue;
        }
        ShardPart p;
        try {
            p = parse_shard_part(parts[i]);
        } catch (const Error& e) {
            problems.push_back(label + ": " + e.what());
            continue;
        }
        if (count == 0) {
            count = p.count;
            holder.assign(count, std::string());
        } else if (p.count != count) {
            problems.push_back(label + " is shard " + p.text() + ", of another split than " +
                               std::to_string(count) + " shards");
            continue;
        }
        if (!holder[p.index].empty()) {
            problems.push_back(label + " holds shard " + p.text() + ", as " + holder[p.index] +
                               " does");
            continue;
        }
        holder[p.index] = label;
    }
    for (std::uint32_t k = 0; k < count; ++k) {
        if (holder[k].empty())
            problems.push_back("no shard listed holds part " + ShardPart{k, count}.text());
    }
    return problems;
}

}  // namespace talksearch

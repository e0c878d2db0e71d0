// What an index path names: one index folder, or a set of shards listed in a
// Xapian stub file (docs/SCALING.md). Pure parsing; opening is the caller's.
//
//   index/XAPIANDB        "auto gen-..."              one index (a generation)
//   shards/XAPIANDB       "auto shard-0\nauto shard-1" shards on this machine
//   talks.stub            "remote 10.0.0.7:33333\n..." shards behind xapian-tcpsrv
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// One line of a stub: a database to open.
struct StubEntry {
    enum class Kind { kLocal, kRemote };
    Kind kind = Kind::kLocal;
    std::filesystem::path path;  ///< kLocal: absolute, or relative to the stub's folder resolved
    std::string host;            ///< kRemote
    std::uint16_t port = 0;      ///< kRemote
    std::uint32_t line = 0;      ///< 1-based line in the stub
    /// "shard-1" (a local path as written) or "remote 10.0.0.7:33333".
    std::string label() const;
};

/// The stub file an index path names: `<dir>/XAPIANDB` for a folder, the path
/// itself for a file (the caller asks the filesystem which `index` is).
std::filesystem::path stub_file_of(const std::filesystem::path& index, bool is_folder);

/// A stub is a few lines: readers refuse to read more than this of one.
inline constexpr std::uintmax_t kMaxStubBytes = 1u << 20;

/// Parses a stub's text. Lines: `auto PATH` or `glass PATH` (relative paths
/// are relative to `stub_file`'s folder, as Xapian resolves them), `remote
/// HOST:PORT` (Xapian's own syntax for a xapian-tcpsrv) or `remote tcp HOST
/// PORT`; blank lines and `#` comments are skipped. Throws Error naming
/// `stub_file` and the line for anything else (Xapian itself would silently
/// skip a remote line it cannot read) and when no database is listed.
std::vector<StubEntry> parse_stub(std::string_view text, const std::filesystem::path& stub_file);

/// The stub text listing `entries` in Xapian's own syntax (so xapian-delve and
/// xapian-tcpsrv read it too).
std::string format_stub(const std::vector<StubEntry>& entries);

/// Parses "HOST:PORT" (a remote shard given on a command line). Throws Error.
StubEntry parse_remote(std::string_view host_port);

/// The shard (0 .. count-1) a talk belongs to: a stable hash of `key` (its
/// recording group when it has one, so every recording of a talk shares a
/// shard and collapsing stays within one; else its id). Never change it: it
/// decides where indexed talks live.
std::uint32_t shard_of(std::string_view key, std::uint32_t count);

/// Which part of a sharded index one shard holds: "1/3" in its metadata.
struct ShardPart {
    std::uint32_t index = 0;
    std::uint32_t count = 1;
    bool whole() const { return count <= 1; }
    std::string text() const;  ///< "1/3"
};

/// Parses ShardPart::text(); throws Error for anything else.
ShardPart parse_shard_part(std::string_view text);

/// What is wrong with a set of shards, given the part each holds (its
/// metadata: "" for an index that is not a shard), in stub order: a part
/// held twice, shards of different splits, a shard beside a whole index, a
/// part no shard holds. Empty when the shards make one whole index.
std::vector<std::string> check_parts(const std::vector<std::string>& labels,
                                     const std::vector<std::string>& parts);

/// The Xapian metadata key a shard's part is stored under.
inline constexpr std::string_view kShardPartKey = "talksearch.shard";

}  // namespace talksearch

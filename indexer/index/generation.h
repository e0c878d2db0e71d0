// The index folder: generations, the stub that names the live one, and the
// writer lock. Readers open the folder itself: Xapian reads its XAPIANDB stub.
//
//   index/
//     XAPIANDB          "auto gen-20261122T101500-4242": the live generation
//     gen-.../          one complete Xapian database per build
//     .lock             held (flock) by the one running writer
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace talksearch {

/// Thrown by IndexLock when another writer holds the lock (exit code 75).
class LockBusy : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An exclusive, non-blocking lock on an index folder (flock on `.lock`),
/// released by the destructor or when the process dies.
class IndexLock {
  public:
    /// Creates the folder if needed and takes the lock. Throws LockBusy naming
    /// the process that holds it, or Error when the folder cannot be made.
    explicit IndexLock(const std::filesystem::path& index_dir);
    ~IndexLock();
    IndexLock(const IndexLock&) = delete;
    IndexLock& operator=(const IndexLock&) = delete;

  private:
    int fd_ = -1;
};

/// The generation the stub names ("gen-..."), or nullopt when there is none.
std::optional<std::string> live_generation(const std::filesystem::path& index_dir);

/// A fresh, unused generation name: gen-<UTC timestamp>-<pid>.
std::string new_generation_name();

/// Makes `generation` live (its files already synced, sync_tree): writes its
/// `.published` marker and fsyncs it, the generation folder and the index
/// folder; then writes the stub under a temporary name, fsyncs it, renames it
/// over XAPIANDB and fsyncs the index folder again. Readers that open the
/// index afterwards see the new generation; open readers keep the old one.
/// Throws Error on failure (the old stub is then untouched).
void publish_generation(const std::filesystem::path& index_dir, const std::string& generation);

/// The stub file an index path names (core's stub_file_of, asking the
/// filesystem whether `index` is a folder).
std::filesystem::path stub_file_at(const std::filesystem::path& index);

/// A stub file's text (at most kMaxStubBytes); "" when it cannot be read.
std::string read_stub_text(const std::filesystem::path& stub_file);

/// Replaces `stub` (a Xapian stub file) with `text` atomically: written under
/// a temporary name, fsynced, renamed over it, its folder fsynced. Throws Error.
void write_stub_file(const std::filesystem::path& stub, const std::string& text);

/// fsyncs every file below `dir` and `dir` itself.
void sync_tree(const std::filesystem::path& dir);

/// Removes generation folders other than the live one, the `keep_previous`
/// newest previously published ones and those that stopped being live less
/// than `grace` ago (readers may still have them open), and the leftovers of
/// runs that died (generations never published, stub temporaries). Call with
/// the lock held. Returns the names removed.
std::vector<std::string> remove_old_generations(const std::filesystem::path& index_dir,
                                                std::size_t keep_previous = 1,
                                                std::chrono::seconds grace = std::chrono::seconds{
                                                    600});

}  // namespace talksearch

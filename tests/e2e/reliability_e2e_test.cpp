// Cron-safety of the indexer, with real processes on a synthetic corpus:
// kill -9 at random moments, overlapping runs, queries during rebuilds, a
// full disk. Every loop is bounded in count and time.
#include <fcntl.h>
#include <signal.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "query/searcher.h"
#include "tests/support/process.h"
#include "tests/support/synthetic_corpus.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::SyntheticCorpus;
using talksearch::test::TempDir;

extern char** environ;

namespace {

/// A process started in the background; killed (SIGKILL) by the destructor if still running.
class Background {
  public:
    explicit Background(const std::vector<std::string>& argv) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
    }
    ~Background() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    void kill9() { ::kill(pid_, SIGKILL); }
    /// Waits; returns the exit code, or 128 + signal.
    int wait() {
        int status = 0;
        while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

  private:
    pid_t pid_ = -1;
};

struct Corpus {
    TempDir dir;
    fs::path src0, src1;  // variant 0 and 1 of the same talks
    Corpus() {
        SyntheticCorpus c;
        src0 = dir.path() / "v0";
        src1 = dir.path() / "v1";
        talksearch::test::write_synthetic_corpus(src0, c);
        c.variant = 1;
        talksearch::test::write_synthetic_corpus(src1, c);
    }
};

const Corpus& corpus() {
    static const Corpus c;
    return c;
}

std::vector<std::string> index_args(const std::string& command, const fs::path& src,
                                    const fs::path& index) {
    return {TALKSEARCH_INDEX_BIN,
            command,
            "--talks",
            (src / "talks").string(),
            "--captions",
            (src / "captions").string(),
            "--index",
            index.string(),
            "--grace",
            "0"};
}

/// The ids the marker query returns, sorted; throws when the query fails.
std::set<std::string> marker_results(const fs::path& index) {
    const ProcessResult r =
        run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(), talksearch::test::kMarkerWord,
                     "--limit", "100", "--moments", "0", "--format", "json"});
    if (r.exit_code != 0)
        throw std::runtime_error("query exited " + std::to_string(r.exit_code) + ": " + r.err);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(r.out));
    std::set<std::string> ids;
    for (simdjson::dom::element hit : doc["results"].get_array())
        ids.insert(std::string(hit["id"].get_string().value()));
    return ids;
}

/// Xapian's own consistency check of the live generation: its error count.
std::size_t check_live(const fs::path& index) {
    return Xapian::Database::check((index / "XAPIANDB").string(), 0, nullptr);
}

std::set<std::string> expected_marker(unsigned variant) {
    std::set<std::string> ids;
    for (std::size_t k = 0; k < SyntheticCorpus{}.talks; ++k) {
        if (k % 13 == variant % 13) ids.insert(talksearch::test::synthetic_talk_id(k));
    }
    return ids;
}

double seconds_of(const std::function<void()>& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::size_t unpublished_generations(const fs::path& index) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(index)) {
        const std::string name = e.path().filename().string();
        if (name.starts_with("gen-") && !fs::exists(e.path() / ".published")) ++n;
    }
    return n;
}

// Kills `command` (build or update from variant 1 over an index of variant 0)
// at 20 random moments within its running time.
void kill_at_random_moments(const std::string& command) {
    const Corpus& c = corpus();
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    REQUIRE(run_process(index_args("build", c.src0, index)).exit_code == 0);
    const auto old_results = marker_results(index);
    REQUIRE(old_results.size() == expected_marker(0).size());
    const auto new_results = expected_marker(1);
    const std::int64_t talks = Xapian::Database((index / "XAPIANDB").string()).get_doccount();

    // How long one run takes, on a copy.
    const fs::path probe = tmp.path() / "probe";
    REQUIRE(run_process(index_args("build", c.src0, probe)).exit_code == 0);
    const double full = seconds_of(
        [&] { REQUIRE(run_process(index_args(command, c.src1, probe)).exit_code == 0); });
    INFO(command << " takes " << full << " s");

    std::mt19937 rng(4242);
    std::uniform_real_distribution<double> when(0.0, full);
    int old_state = 0, new_state = 0;
    for (int i = 0; i < 20; ++i) {
        Background run(index_args(command, c.src1, index));
        std::this_thread::sleep_for(std::chrono::duration<double>(when(rng)));
        run.kill9();
        run.wait();
        const auto now = marker_results(index);
        // The live index answers with one whole state: the old one, or the new
        // one when the kill came after the run had published it.
        CHECK((now == old_results || now == new_results));
        (now == old_results ? old_state : new_state) += 1;
        CHECK(check_live(index) == 0);
        CHECK(Xapian::Database((index / "XAPIANDB").string()).get_doccount() == talks);
        // Back to the old state, so that every kill starts from it.
        if (now == new_results)
            REQUIRE(run_process(index_args("build", c.src0, index)).exit_code == 0);
    }
    WARN(command << " killed 20 times: " << old_state << " left the old state, " << new_state
                 << " the new one (a run takes " << full << " s)");
    CHECK(old_state > 0);

    // The next run finishes and cleans up after the dead ones.
    REQUIRE(run_process(index_args(command, c.src1, index)).exit_code == 0);
    CHECK(marker_results(index) == new_results);
    CHECK(unpublished_generations(index) == 0);
    CHECK_FALSE(fs::exists(index / "XAPIANDB.tmp"));
}

}  // namespace

TEST_CASE("kill -9 of a build at 20 random moments leaves the index answering with one state",
          "[e2e][reliability]") {
    kill_at_random_moments("build");
}

TEST_CASE("kill -9 of an update at 20 random moments leaves the index answering with one state",
          "[e2e][reliability]") {
    kill_at_random_moments("update");
}

TEST_CASE("of two overlapping runs the second exits 75 naming the first", "[e2e][reliability]") {
    const Corpus& c = corpus();
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    REQUIRE(run_process(index_args("build", c.src0, index)).exit_code == 0);
    Background first(index_args("build", c.src1, index));
    std::this_thread::sleep_for(300ms);
    const ProcessResult second = run_process(index_args("update", c.src1, index));
    CHECK(second.exit_code == 75);
    CHECK_THAT(second.err, Catch::Contains("another") && Catch::Contains("pid"));
    CHECK(first.wait() == 0);
    CHECK(marker_results(index) == expected_marker(1));
}

TEST_CASE("queries in a loop during 5 rebuilds see no error and no mixed results",
          "[e2e][reliability]") {
    const Corpus& c = corpus();
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    REQUIRE(run_process(index_args("build", c.src0, index)).exit_code == 0);
    const auto a = expected_marker(0), b = expected_marker(1);

    std::atomic<bool> done{false};
    std::atomic<int> queries{0}, errors{0}, mixed{0};
    std::thread reader([&] {
        const auto deadline = std::chrono::steady_clock::now() + 120s;
        while (!done && std::chrono::steady_clock::now() < deadline) {
            try {
                const auto ids = marker_results(index);
                if (ids != a && ids != b) ++mixed;
            } catch (const std::exception&) {
                ++errors;
            }
            ++queries;
        }
    });
    int failed_builds = 0;
    for (int i = 0; i < 5; ++i) {
        const fs::path& src = i % 2 == 0 ? c.src1 : c.src0;
        if (run_process(index_args("build", src, index)).exit_code != 0) ++failed_builds;
        // And an in-place update back, also while queries run.
        if (run_process(index_args("update", i % 2 == 0 ? c.src0 : c.src1, index)).exit_code != 0)
            ++failed_builds;
    }
    done = true;
    reader.join();
    CHECK(failed_builds == 0);
    CHECK(queries > 20);
    CHECK(errors == 0);
    CHECK(mixed == 0);
    WARN(queries << " queries during 5 rebuilds and 5 updates");
}

namespace {

/// A small tmpfs, unmounted by the destructor; mounted() is false where
/// mounting is not permitted (not root).
class SmallDisk {
  public:
    SmallDisk(const fs::path& where, const char* size) : path_(where) {
        fs::create_directories(where);
        const std::string options = std::string("size=") + size;
        mounted_ = ::mount("tmpfs", where.c_str(), "tmpfs", 0, options.c_str()) == 0;
    }
    ~SmallDisk() {
        if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    }
    bool mounted() const { return mounted_; }

  private:
    fs::path path_;
    bool mounted_ = false;
};

/// The bytes the files below `dir` take on their disk (allocated blocks, not lengths).
std::uintmax_t allocated_bytes(const fs::path& dir) {
    std::uintmax_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        struct stat st {};
        if (e.is_regular_file() && ::stat(e.path().c_str(), &st) == 0)
            total += static_cast<std::uintmax_t>(st.st_blocks) * 512;
    }
    return total;
}

/// The folder of the generation the stub of `index` names.
fs::path live_generation_dir(const fs::path& index) {
    std::string generation;
    std::ifstream in(index / "XAPIANDB");
    in >> generation >> generation;  // "auto gen-..."
    return index / generation;
}

/// An index of a copy of the sample on a 6 MB tmpfs, for the full-disk tests;
/// the sample and the 1,000 synthetic talks together do not fit on it.
struct FullDiskCase {
    TempDir tmp;
    SmallDisk disk{tmp.path() / "disk", "6m"};
    fs::path index = tmp.path() / "disk" / "index";
    fs::path sample = tmp.path() / "sample";

    /// Prints why and returns true where the tmpfs cannot be mounted.
    bool skipped() const {
        if (disk.mounted()) return false;
        std::cout << "SKIPPED: cannot mount a tmpfs here (needs root)\n";
        return true;
    }
    /// The sample's sources; with `big`, the synthetic talks before them.
    std::vector<std::string> sources(bool big) const {
        std::vector<std::string> args = {"--talks", (sample / "talks").string(), "--captions",
                                         (sample / "captions").string()};
        const Corpus& c = corpus();
        if (big)
            args.insert(args.begin(), {"--talks", (c.src0 / "talks").string(), "--captions",
                                       (c.src0 / "captions").string()});
        return args;
    }
    /// The command line of `command` on the index.
    std::vector<std::string> args(const std::string& command, bool big) const {
        std::vector<std::string> a = {TALKSEARCH_INDEX_BIN, command};
        for (const std::string& s : sources(big)) a.push_back(s);
        a.insert(a.end(), {"--index", index.string(), "--grace", "0"});
        return a;
    }
    ProcessResult run(const std::string& command, bool big) const {
        return run_process(args(command, big));
    }
    ProcessResult query(const std::string& words) const {
        return run_process(
            {TALKSEARCH_QUERY_BIN, "--index", index.string(), words, "--format", "json"});
    }
    /// Builds the index of the sample; notes its generation, the bytes it
    /// takes and the space left.
    void build_sample() {
        fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data", sample, fs::copy_options::recursive);
        REQUIRE(run("build", false).exit_code == 0);
        live = live_generation_dir(index);
        live_size = allocated_bytes(live);
        free_before = fs::space(index).available;
    }
    fs::path live;
    std::uintmax_t live_size = 0;
    std::uintmax_t free_before = 0;
};

}  // namespace

TEST_CASE("a full disk fails a build and an update cleanly and leaves the index as it was",
          "[e2e][reliability]") {
    FullDiskCase f;
    if (f.skipped()) return;
    f.build_sample();
    const std::string stub = talksearch::test::slurp(f.index / "XAPIANDB");
    const ProcessResult before = f.query("decorators");
    REQUIRE(before.exit_code == 0);

    for (const char* command : {"build", "update"}) {
        INFO(command);
        const ProcessResult r = f.run(command, true);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("the index is unchanged"));
        CHECK_THAT(r.err, Catch::Contains("space") || Catch::Contains("writing"));
        CHECK(talksearch::test::slurp(f.index / "XAPIANDB") == stub);
        CHECK(check_live(f.index) == 0);
        CHECK(f.query("decorators").out == before.out);
        CHECK(unpublished_generations(f.index) == 0);
    }
}

TEST_CASE(
    "an update that fills the disk gives its space back and the next update and build work "
    "once the data fits",
    "[e2e][reliability]") {
    FullDiskCase f;
    if (f.skipped()) return;
    f.build_sample();

    const ProcessResult failed = f.run("update", true);
    INFO(failed.err);
    REQUIRE(failed.exit_code == 2);
    CHECK_THAT(failed.err, Catch::Contains("No space left"));
    CHECK(check_live(f.index) == 0);
    // The live generation is the size it was, and the disk has its space back.
    CHECK(allocated_bytes(f.live) == f.live_size);
    CHECK(fs::space(f.index).available + 64 * 1024 >= f.free_before);

    // The data fits again: a changed talk is updated, then the index rebuilt.
    std::ofstream(f.sample / "captions" / "dCr8Gr0unD1.en.vtt", std::ios::app)
        << "\n00:04:00.000 --> 00:04:03.000\nA closing word about flamingos.\n";
    const ProcessResult updated = f.run("update", false);
    INFO(updated.err);
    CHECK(updated.exit_code == 0);
    const ProcessResult rebuilt = f.run("build", false);
    INFO(rebuilt.err);
    CHECK(rebuilt.exit_code == 0);
    CHECK_THAT(f.query("flamingos").out, Catch::Contains("decorators-from-the-ground-up"));
    CHECK(check_live(f.index) == 0);
}

TEST_CASE("an update killed while it fills the disk has its space given back by the next run",
          "[e2e][reliability]") {
    FullDiskCase f;
    if (f.skipped()) return;
    f.build_sample();

    // Killed once it has filled half the free space (before it fails on its own).
    Background update(f.args("update", true));
    const auto deadline = std::chrono::steady_clock::now() + 40s;
    while (fs::space(f.index).available > f.free_before / 2 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    update.kill9();
    update.wait();
    REQUIRE(allocated_bytes(f.live) > f.live_size + 1024 * 1024);  // what the dead run left

    // The next run gives it back before it writes: the build fits, and the generation it
    // replaced (kept as the previous one) is the size it was.
    const ProcessResult rebuilt = f.run("build", false);
    INFO(rebuilt.err);
    CHECK(rebuilt.exit_code == 0);
    CHECK(live_generation_dir(f.index) != f.live);
    CHECK(allocated_bytes(f.live) == f.live_size);
    CHECK(check_live(f.index) == 0);
}

TEST_CASE("a long-running reader picks up an update and a rebuild with refresh()",
          "[e2e][reliability]") {
    TempDir tmp;
    const fs::path src = tmp.path() / "data";
    fs::copy(fs::path(TALKSEARCH_SOURCE_DIR) / "data", src, fs::copy_options::recursive);
    const fs::path index = tmp.path() / "index";
    auto run = [&](const std::string& command) {
        return run_process({TALKSEARCH_INDEX_BIN, command, "--talks", (src / "talks").string(),
                            "--captions", (src / "captions").string(), "--index", index.string(),
                            "--grace", "0"})
            .exit_code;
    };
    REQUIRE(run("build") == 0);
    talksearch::Searcher searcher(index);
    talksearch::SearchRequest req;
    req.query = "flamingos";
    CHECK(searcher.search(req).hits.empty());
    CHECK_FALSE(searcher.refresh());  // nothing changed

    // An in-place update: a new cue in the decorators talk's captions.
    std::ofstream(src / "captions" / "dCr8Gr0unD1.en.vtt", std::ios::app)
        << "\n00:04:00.000 --> 00:04:03.000\nA closing word about flamingos.\n";
    REQUIRE(run("update") == 0);
    CHECK(searcher.refresh());
    auto hits = searcher.search(req).hits;
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].talk.id == "lakeshore-pyconf-2017/decorators-from-the-ground-up");
    REQUIRE(hits[0].moments.size() == 1);
    CHECK(hits[0].moments[0].start_ms >= 240000);

    // A rebuild: a new generation, opened afresh; the old one is removed
    // (grace 0) and the reader never touches it again.
    fs::remove(src / "talks" / "lakeshore-pyconf-2017" / "videos" /
               "plugin-systems-that-dont-bite.json");
    REQUIRE(run("build") == 0);
    REQUIRE(run("build") == 0);
    CHECK(searcher.refresh());
    CHECK(searcher.talk_count() == 8);
    CHECK(searcher.search(req).hits.size() == 1);
}

TEST_CASE("I/O errors injected into writes and syncs fail runs cleanly and leave the index whole",
          "[e2e][reliability]") {
    const fs::path fiu = "/usr/bin/fiu-run";
    if (!fs::exists(fiu)) {
        std::cout << "SKIPPED: fiu-run (Debian fiu-utils) is not installed\n";
        return;
    }
    const Corpus& c = corpus();
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    REQUIRE(run_process(index_args("build", c.src0, index)).exit_code == 0);
    const auto old_results = marker_results(index), new_results = expected_marker(1);
    int failed = 0;
    for (int i = 0; i < 8; ++i) {
        // Builds get failing pwrite()s, updates failing fdatasync()s (libfiu, as reliability-
        // matrix.md A8 does), each run from the other variant of the corpus.
        const bool build = i % 2 == 0;
        std::vector<std::string> args = {
            fiu.string(), "-x", "-c",
            build ? "enable_random name=posix/io/rw/pwrite,probability=0.01"
                  : "enable_random name=posix/io/sync/fdatasync,probability=0.3"};
        for (const std::string& a : index_args(build ? "build" : "update", c.src1, index))
            args.push_back(a);
        const ProcessResult r = run_process(args);
        INFO(r.err);
        CHECK((r.exit_code == 0 || r.exit_code == 2));
        if (r.exit_code == 2) {
            ++failed;
            CHECK_THAT(r.err, Catch::Contains("the index is unchanged"));
        }
        const auto now = marker_results(index);
        CHECK((now == old_results || now == new_results));
        CHECK(check_live(index) == 0);
        CHECK(unpublished_generations(index) == 0);
    }
    CHECK(failed > 0);  // the injection did bite
    REQUIRE(run_process(index_args("build", c.src1, index)).exit_code == 0);
    CHECK(marker_results(index) == new_results);
}

namespace {

/// The line number of the first line of `lines` at or after `from` that holds every needle,
/// or npos.
std::size_t find_line(const std::vector<std::string>& lines,
                      const std::vector<std::string>& needles, std::size_t from = 0) {
    for (std::size_t i = from; i < lines.size(); ++i) {
        bool all = true;
        for (const std::string& n : needles) all = all && lines[i].find(n) != std::string::npos;
        if (all) return i;
    }
    return std::string::npos;
}

}  // namespace

TEST_CASE(
    "a build makes every file of the new generation and its folders durable before the stub "
    "names it, as strace shows",
    "[e2e][reliability]") {
    const fs::path strace = "/usr/bin/strace";
    if (!fs::exists(strace)) {
        std::cout << "SKIPPED: strace is not installed (scripts/setup installs it)\n";
        return;
    }
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const fs::path log = tmp.path() / "strace.log";
    // -y names each descriptor's file; -f follows the build's threads. LeakSanitizer cannot
    // run under ptrace: in the sanitizer build the traced run checks no leaks.
    const char* asan = std::getenv("ASAN_OPTIONS");
    const std::vector<std::string> env = {"ASAN_OPTIONS=" + std::string(asan ? asan : "") +
                                          (asan ? ":" : "") + "detect_leaks=0"};
    const ProcessResult r = run_process(
        {strace.string(), "-f", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o",
         log.string(), TALKSEARCH_INDEX_BIN, "build", "--talks",
         (fs::path(TALKSEARCH_SOURCE_DIR) / "data/talks").string(), "--captions",
         (fs::path(TALKSEARCH_SOURCE_DIR) / "data/captions").string(), "--index", index.string()},
        env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> lines;
    {
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    const std::string stub = (index / "XAPIANDB").string();
    const std::string stub_tmp = stub + ".tmp";
    const std::size_t swap =
        find_line(lines, {"rename", "(\"" + stub_tmp + "\", \"" + stub + "\") = 0"});
    REQUIRE(swap != std::string::npos);

    std::string generation;
    {
        std::ifstream in(stub);
        in >> generation >> generation;  // "auto gen-..."
    }
    const fs::path gen = index / generation;
    INFO("generation " << gen.string());
    // Every file of the generation is fsynced before the swap.
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(gen)) {
        if (!e.is_regular_file()) continue;
        ++files;
        INFO(e.path().string());
        const std::size_t synced = find_line(lines, {"fsync(", "<" + e.path().string() + ">"});
        CHECK(synced < swap);
    }
    CHECK(files >= 5);
    // The generation's folder is fsynced after its last file (the .published marker) was.
    const std::size_t marker =
        find_line(lines, {"fsync(", "<" + (gen / ".published").string() + ">"});
    REQUIRE(marker < swap);
    CHECK(find_line(lines, {"fsync(", "<" + gen.string() + ">)"}, marker) < swap);
    // The index folder is fsynced after the generation was renamed into it, before the swap.
    const std::size_t renamed = find_line(lines, {"rename", "\"" + gen.string() + "\") = 0"});
    REQUIRE(renamed < swap);
    CHECK(find_line(lines, {"fsync(", "<" + index.string() + ">)"}, renamed) < swap);
    // The stub's new text is fsynced before the swap, and the folder after it.
    const std::size_t stub_synced = find_line(lines, {"fsync(", "<" + stub_tmp + ">)"});
    CHECK(stub_synced < swap);
    CHECK(find_line(lines, {"fsync(", "<" + index.string() + ">)"}, swap) != std::string::npos);
}

TEST_CASE(
    "a new generation damaged before its consistency check is not published and the live "
    "index answers as before",
    "[e2e][reliability]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const std::vector<std::string> build = {
        TALKSEARCH_INDEX_BIN,
        "build",
        "--talks",
        (fs::path(TALKSEARCH_SOURCE_DIR) / "data/talks").string(),
        "--captions",
        (fs::path(TALKSEARCH_SOURCE_DIR) / "data/captions").string(),
        "--index",
        index.string()};
    REQUIRE(run_process(build).exit_code == 0);
    const std::string stub_before = talksearch::test::slurp(index / "XAPIANDB");
    const auto query = [&] {
        return run_process(
            {TALKSEARCH_QUERY_BIN, "--index", index.string(), "--format", "json", "decorators"});
    };
    const ProcessResult before = query();
    REQUIRE(before.exit_code == 0);

    std::vector<std::string> damaged = build;
    damaged.push_back("--test-corrupt-before-check");
    const ProcessResult r = run_process(damaged);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("failed its consistency check"));
    CHECK_THAT(r.err, Catch::Contains("the index is unchanged"));
    CHECK(talksearch::test::slurp(index / "XAPIANDB") == stub_before);
    const ProcessResult after = query();
    CHECK(after.exit_code == 0);
    CHECK(after.out == before.out);
    // The damaged generation is gone; only the live one is left.
    std::size_t generations = 0;
    for (const auto& e : fs::directory_iterator(index)) {
        if (e.is_directory() && e.path().filename().string().rfind("gen-", 0) == 0) ++generations;
    }
    CHECK(generations == 1);
    // --help does not list the test-only flag.
    const ProcessResult help = run_process({TALKSEARCH_INDEX_BIN, "build", "--help"});
    CHECK(help.out.find("corrupt") == std::string::npos);
}

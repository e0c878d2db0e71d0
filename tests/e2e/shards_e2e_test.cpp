// An index split into shards, searched through stub files: shards in local
// folders, and shards served by real xapian-tcpsrv processes on 127.0.0.1
// (started and stopped here; docs/SCALING.md).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "query/searcher.h"
#include "tests/support/http.h"
#include "tests/support/process.h"
#include "tests/support/shared.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::HttpClient;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::slurp;
using talksearch::test::TempDir;
using talksearch::test::write_file;
using namespace std::chrono_literals;

namespace {

const fs::path kSource = TALKSEARCH_SOURCE_DIR;

ProcessResult index_tool(std::vector<std::string> args) {
    args.insert(args.begin(), TALKSEARCH_INDEX_BIN);
    return run_process(args);
}

ProcessResult query(const fs::path& index, std::vector<std::string> args) {
    args.insert(args.begin(), {TALKSEARCH_QUERY_BIN, "--index", index.string()});
    return run_process(args);
}

std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool port_accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// A server of Xapian's (xapian-tcpsrv, xapian-replicate-server) on a loopback
// port, in a process group of its own (it forks a child per connection): the
// destructor kills the group and reaps it.
class LoopbackServer {
  public:
    /// `argv(port)`: the command that serves on that port.
    using Argv = std::function<std::vector<std::string>(std::uint16_t)>;
    explicit LoopbackServer(Argv argv, std::uint16_t port = 0) : argv_(std::move(argv)) {
        start(port);
    }
    ~LoopbackServer() { stop(); }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    /// Starts serving (again), on `port` or a free one.
    void start(std::uint16_t port = 0) {
        for (int attempt = 0; attempt < 5 && pid_ < 0; ++attempt) {
            port_ = port != 0 ? port : free_port();
            const std::vector<std::string> args = argv_(port_);
            pid_ = ::fork();
            REQUIRE(pid_ >= 0);
            if (pid_ == 0) {
                ::setpgid(0, 0);
                const int null = ::open("/dev/null", O_RDWR);
                ::dup2(null, 0);
                ::dup2(null, 1);
                ::dup2(null, 2);  // "Broken pipe" from the probes of port_accepts()
                std::vector<char*> c;
                for (const std::string& a : args) c.push_back(const_cast<char*>(a.c_str()));
                c.push_back(nullptr);
                ::execv(c[0], c.data());
                ::_exit(127);
            }
            ::setpgid(pid_, pid_);
            for (int i = 0; i < 100; ++i) {  // 5 s at most
                if (port_accepts(port_)) return;
                if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                    pid_ = -1;  // the port was taken: another one
                    break;
                }
                std::this_thread::sleep_for(50ms);
            }
            if (port != 0) break;
        }
        FAIL("did not start serving: " << argv_(port_)[0]);
    }
    /// Kills the server and the connections it serves.
    void stop() {
        if (pid_ < 0) return;
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    /// Freezes it: connections are accepted by the kernel, never answered.
    void pause() { ::kill(-pid_, SIGSTOP); }
    void resume() { ::kill(-pid_, SIGCONT); }

  private:
    Argv argv_;
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
};

// xapian-tcpsrv serving one shard folder.
struct ShardServer : LoopbackServer {
    explicit ShardServer(const fs::path& db, std::uint16_t port = 0)
        : LoopbackServer(
              [db](std::uint16_t p) {
                  return std::vector<std::string>{
                      TALKSEARCH_TCPSRV_BIN, "--port",  std::to_string(p), "--interface",
                      "127.0.0.1",           "--quiet", db.string()};
              },
              port) {}
};

// The JSON of a search with what may differ between one index and shards
// taken out: the shard count, and a total that is an estimate. Xapian's
// estimate depends on how the index is split; matches of up to 1,000
// recordings are counted, and their totals compared.
std::string comparable(const std::string& json, long* estimated_total) {
    static const std::regex shards(R"("shards":\d+,)");
    static const std::regex total(R"("total":(\d+),"total_exact":false,)");
    std::string out = std::regex_replace(json, shards, "");
    std::smatch m;
    if (std::regex_search(out, m, total)) {
        *estimated_total = std::stol(m[1]);
        out = std::regex_replace(out, total, "");
    } else {
        *estimated_total = -1;
        out = std::regex_replace(out, std::regex(R"("total":\d+,"total_exact":true,)"), "");
    }
    return out;
}

void check_same_answers(const fs::path& one, const fs::path& shards,
                        const std::vector<std::string>& queries) {
    const std::vector<std::vector<std::string>> variants = {
        {},
        {"--sort", "date"},
        {"--facets"},
        {"--offset", "10", "--limit", "5"},
        {"--offset", "95", "--limit", "10", "--moments", "5"},
        {"--all-recordings", "--limit", "20"},
    };
    int compared = 0;
    for (const std::string& q : queries) {
        for (const auto& variant : variants) {
            std::vector<std::string> args = {q, "--format", "json"};
            args.insert(args.end(), variant.begin(), variant.end());
            const ProcessResult a = query(one, args);
            const ProcessResult b = query(shards, args);
            INFO("query " << q << " " << (variant.empty() ? "" : variant[0]));
            INFO(b.err);
            REQUIRE(a.exit_code <= 1);
            CHECK(b.exit_code == a.exit_code);
            long ta = 0, tb = 0;
            const std::string ca = comparable(a.out, &ta);
            const std::string cb = comparable(b.out, &tb);
            CHECK(ca == cb);
            // Exact and equal (compared above), or an estimate of a large match.
            if (ta >= 0 || tb >= 0) {
                CHECK(std::max(ta, tb) >= 100);
                CHECK(std::min(ta, tb) != 0);
            }
            CHECK_THAT(b.out,
                       Catch::Contains("\"partial\":false,\"shards\":3,\"shards_missing\":0"));
            ++compared;
        }
    }
    CHECK(compared == static_cast<int>(queries.size() * variants.size()));
}

std::string remote_stub(const std::vector<const ShardServer*>& servers) {
    std::string text = "# written by shards_e2e_test\n";
    for (std::size_t i = 0; i < servers.size(); ++i) {
        // Both spellings: Xapian's own, and "remote tcp HOST PORT".
        text += i % 2 == 0 ? "remote " + servers[i]->address() + "\n"
                           : "remote tcp 127.0.0.1 " + std::to_string(servers[i]->port()) + "\n";
    }
    return text;
}

// Shards 0 to 2 of a folder behind xapian-tcpsrv, and a stub listing them.
struct RemoteShards {
    ShardServer a, b, c;
    fs::path stub;
    RemoteShards(const fs::path& folder, fs::path stub_file)
        : a(folder / "shard-0"),
          b(folder / "shard-1"),
          c(folder / "shard-2"),
          stub(std::move(stub_file)) {
        write_file(stub, remote_stub({&a, &b, &c}));
    }
};

// The ids a JSON result lists, in order.
std::vector<std::string> ids_of(const std::string& json) {
    static const std::regex id(R"re(\{"rank":\d+,"score":[-0-9.e]+,"id":"([^"]+)")re");
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(json.begin(), json.end(), id); it != std::sregex_iterator();
         ++it) {
        out.push_back((*it)[1]);
    }
    return out;
}

// The sample corpus (data/) built as one index and as 3 shards.
struct SampleShards {
    TempDir tmp;
    fs::path one = tmp.path() / "one";
    fs::path three = tmp.path() / "three";
    SampleShards() {
        const std::vector<std::string> sources = {"--talks", (kSource / "data/talks").string(),
                                                  "--captions",
                                                  (kSource / "data/captions").string()};
        std::vector<std::string> a = {"build", "--index", one.string()};
        a.insert(a.end(), sources.begin(), sources.end());
        REQUIRE(index_tool(a).exit_code == 0);
        std::vector<std::string> b = {"build", "--index", three.string(), "--shards", "3"};
        b.insert(b.end(), sources.begin(), sources.end());
        const ProcessResult r = index_tool(b);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    }
    /// The ids shard k holds (searched on its own folder).
    std::set<std::string> ids_in_shard(int k) const {
        const ProcessResult r = query(
            three / ("shard-" + std::to_string(k)),
            {"", "--year", "1000..9999", "--limit", "100", "--format", "json", "--all-recordings"});
        const std::vector<std::string> ids = ids_of(r.out);
        return {ids.begin(), ids.end()};
    }
};

const std::vector<std::string> kSampleQueries = {"decorators",
                                                 "python",
                                                 "the",
                                                 "fixtures OR decorators",
                                                 "\"wraps the function\"",
                                                 "deco*",
                                                 "pandas -numpy",
                                                 "title:decorators",
                                                 "speaker:quenby",
                                                 "asyncio year:2019",
                                                 "pyhton"};

}  // namespace

TEST_CASE(
    "the sample corpus in 3 shards, local and behind xapian-tcpsrv, answers as one index does",
    "[e2e][shards]") {
    SampleShards s;
    const ProcessResult stats = index_tool({"stats", "--index", s.three.string()});
    CHECK(stats.exit_code == 0);
    CHECK_THAT(stats.out, Catch::Contains("talks:               9"));
    CHECK_THAT(stats.out, Catch::Contains("shards:              3"));
    CHECK(slurp(s.three / "XAPIANDB") == "auto shard-0\nauto shard-1\nauto shard-2\n");
    check_same_answers(s.one, s.three, kSampleQueries);

    RemoteShards remote(s.three, s.tmp.path() / "remote.stub");
    ShardServer& b = remote.b;
    const fs::path& stub = remote.stub;
    check_same_answers(s.one, stub, kSampleQueries);
    // `talksearch-index stub` writes the same list, once the shards make one index.
    const fs::path written = s.tmp.path() / "written.stub";
    const ProcessResult w = index_tool(
        {"stub", "-o", written.string(), remote.a.address(), b.address(), remote.c.address()});
    CHECK(w.exit_code == 0);
    CHECK_THAT(w.out, Catch::Contains("remote " + b.address() + "  part 1/3"));
    CHECK(slurp(written) == "remote " + remote.a.address() + "\nremote " + b.address() +
                                "\nremote " + remote.c.address() + "\n");
    check_same_answers(s.one, written, {"decorators"});
    const fs::path refused = s.tmp.path() / "refused.stub";
    const ProcessResult twice =
        index_tool({"stub", "-o", refused.string(), b.address(), b.address(), remote.c.address()});
    CHECK(twice.exit_code == 2);
    CHECK_THAT(twice.err, Catch::Contains("no shard listed holds part 0/3"));
    CHECK_FALSE(fs::exists(refused));
    const ProcessResult down =
        index_tool({"stub", "-o", refused.string(), "127.0.0.1:1", b.address()});
    CHECK(down.exit_code == 2);
    CHECK_THAT(down.err, Catch::Contains(refused.string() + " not written: cannot read the index"));
    CHECK_FALSE(fs::exists(refused));
    const ProcessResult remote_stats = index_tool({"stats", "--index", stub.string()});
    CHECK(remote_stats.exit_code == 0);
    CHECK_THAT(remote_stats.out, Catch::Contains("remote " + b.address() + "  part 1/3"));
}

TEST_CASE("a shard that is down or frozen is left out within the timeout, and the result says so",
          "[e2e][shards]") {
    SampleShards s;
    RemoteShards remote(s.three, s.tmp.path() / "remote.stub");
    ShardServer &a = remote.a, &b = remote.b, &c = remote.c;
    const fs::path& stub = remote.stub;
    const std::vector<std::string> args = {"--year",   "1000..9999", "--limit",         "100",
                                           "--format", "json",       "--all-recordings"};
    std::vector<std::string> everything = {""};
    everything.insert(everything.end(), args.begin(), args.end());
    const std::vector<std::string> all = ids_of(query(s.one, everything).out);
    const std::set<std::string> in_b = s.ids_in_shard(1);
    REQUIRE_FALSE(in_b.empty());
    std::vector<std::string> expected;
    for (const std::string& id : all) {
        if (!in_b.contains(id)) expected.push_back(id);
    }

    SECTION("a server that is gone: refused at once") {
        b.stop();
        const auto t0 = std::chrono::steady_clock::now();
        const ProcessResult r = query(stub, everything);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("partial results: not searched: remote " + b.address()));
        CHECK_THAT(r.out, Catch::Contains("\"partial\":true,\"shards\":3,\"shards_missing\":1"));
        CHECK(ids_of(r.out) == expected);
        CHECK(seconds < 2.0);
    }
    SECTION("a server that accepts and never answers: left out after --shard-timeout") {
        b.pause();
        std::vector<std::string> timed = everything;
        timed.insert(timed.end(), {"--shard-timeout", "500"});
        const auto t0 = std::chrono::steady_clock::now();
        const ProcessResult r = query(stub, timed);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        b.resume();
        CHECK(r.exit_code == 3);
        CHECK_THAT(r.err, Catch::Contains("Timeout"));
        CHECK(ids_of(r.out) == expected);
        CHECK(seconds < 2.5);
    }
    SECTION("every server gone: an error, not an empty answer") {
        a.stop();
        b.stop();
        c.stop();
        const ProcessResult r = query(stub, everything);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("no shard could be opened"));
        CHECK(r.out.empty());
    }
}

TEST_CASE("the server answers partially while a shard is down and whole again once it is back",
          "[e2e][shards][server]") {
    SampleShards s;
    RemoteShards remote(s.three, s.tmp.path() / "remote.stub");
    ShardServer& b = remote.b;
    const fs::path& stub = remote.stub;
    BackgroundProcess server({TALKSEARCH_QUERY_BIN, "serve", "--index", stub.string(), "--port",
                              "0", "--threads", "2", "--shard-timeout", "500", "--shard-retry",
                              "300"});
    const std::string& line = server.first_line();
    REQUIRE_THAT(line, Catch::StartsWith("listening on http://127.0.0.1:"));
    const std::string base = line.substr(std::string("listening on ").size());
    HttpClient client;
    const std::string search = base + "/api/v1/search?q=python&limit=100&all_recordings=1";
    const auto whole = client.get(search);
    REQUIRE(whole.status == 200);
    CHECK_THAT(whole.body, Catch::Contains("\"partial\":false"));
    CHECK_THAT(client.get(base + "/healthz").body, Catch::Contains("\"status\":\"ok\""));

    const std::uint16_t port = b.port();
    b.stop();
    const auto partial = client.get(search);
    CHECK(partial.status == 200);
    CHECK_THAT(partial.body, Catch::Contains("\"partial\":true,\"shards\":3,\"shards_missing\":1"));
    CHECK(partial.header("cache-control") == "no-store");
    CHECK(partial.seconds < 2.0);
    // The page does not name the shard: addresses are the operator's.
    CHECK_THAT(partial.body, !Catch::Contains(b.address()));
    const std::string health = client.get(base + "/healthz").body;
    CHECK_THAT(health, Catch::Contains("\"status\":\"degraded\""));
    CHECK_THAT(health, Catch::Contains("\"shards\":3,\"shards_missing\":1"));
    CHECK_THAT(client.get(base + "/metrics").body,
               Catch::Contains("talksearch_index_shards_missing 1"));
    // A talk page: a talk of the shard that is down may exist (503, not 404); one of another
    // shard is shown, not to be cached (its related talks lack the shard's).
    const std::string in_b = *s.ids_in_shard(1).begin(), in_a = *s.ids_in_shard(0).begin();
    const auto gone = client.get(base + "/talk/" + in_b);
    CHECK(gone.status == 503);
    CHECK(gone.header("retry-after") == "10");
    CHECK(client.get(base + "/api/v1/talk/" + in_b).status == 503);
    const auto shown = client.get(base + "/talk/" + in_a);
    CHECK(shown.status == 200);
    CHECK(shown.header("cache-control") == "no-store");

    b.start(port);
    std::string after;
    for (int i = 0; i < 40; ++i) {  // retried every 300 ms; 10 s at most
        std::this_thread::sleep_for(250ms);
        after = client.get(search).body;
        if (after.find("\"partial\":false") != std::string::npos) break;
    }
    CHECK(after == whole.body);
    CHECK_THAT(client.get(base + "/healthz").body, Catch::Contains("\"status\":\"ok\""));
}

TEST_CASE("one shard is updated on its own, and a rebuild keeps the number of shards",
          "[e2e][shards][build]") {
    TempDir tmp;
    const fs::path talks = tmp.path() / "talks";
    fs::copy(kSource / "data/talks", talks, fs::copy_options::recursive);
    const fs::path index = tmp.path() / "index";
    const std::vector<std::string> sources = {"--talks", talks.string(), "--captions",
                                              (kSource / "data/captions").string()};
    auto run = [&](std::vector<std::string> args) {
        args.insert(args.end(), sources.begin(), sources.end());
        return index_tool(args);
    };
    REQUIRE(run({"build", "--index", index.string(), "--shards", "3"}).exit_code == 0);

    // The shard that holds the talk whose title changes.
    int holder = -1;
    for (int k = 0; k < 3; ++k) {
        const ProcessResult r =
            query(index / ("shard-" + std::to_string(k)), {"title:pytest", "--format", "json"});
        if (r.out.find("pycon-valdoria-2019/pytest-beyond-assert") != std::string::npos) holder = k;
    }
    REQUIRE(holder >= 0);
    const fs::path file = talks / "pycon-valdoria-2019/videos/pytest-beyond-assert.json";
    std::string json = slurp(file);
    json.replace(json.find("pytest Beyond assert"), 20, "pytest Beyond Quokkas");
    write_file(file, json);

    auto generations = [&] {
        std::vector<std::string> g;
        for (int k = 0; k < 3; ++k)
            g.push_back(slurp(index / ("shard-" + std::to_string(k)) / "XAPIANDB"));
        return g;
    };
    const auto before = generations();
    const fs::path shard = index / ("shard-" + std::to_string(holder));
    const ProcessResult u = run({"update", "--index", shard.string()});
    INFO(u.err);
    CHECK(u.exit_code == 0);
    CHECK_THAT(u.out, Catch::Contains("replaced 1, deleted 0"));
    CHECK(generations() == before);  // updated in place; no shard rebuilt
    const ProcessResult found = query(index, {"quokkas", "--format", "json"});
    CHECK(found.exit_code == 0);
    CHECK(ids_of(found.out) ==
          std::vector<std::string>{"pycon-valdoria-2019/pytest-beyond-assert"});
    // The whole index: every shard checked, nothing left to do.
    CHECK_THAT(run({"update", "--index", index.string()}).out, Catch::Contains("no change"));

    // A rebuild without --shards keeps 3; another number is refused.
    REQUIRE(run({"build", "--index", index.string()}).exit_code == 0);
    CHECK(slurp(index / "XAPIANDB") == "auto shard-0\nauto shard-1\nauto shard-2\n");
    const ProcessResult two = run({"build", "--index", index.string(), "--shards", "2"});
    CHECK(two.exit_code == 2);
    CHECK_THAT(two.err, Catch::Contains("split into 3 shards"));
    // A shard's folder keeps its part: it is never filled with the whole catalogue.
    REQUIRE(run({"build", "--index", shard.string()}).exit_code == 0);
    CHECK_THAT(index_tool({"stats", "--index", index.string()}).out,
               Catch::Contains("talks:               9"));
    const ProcessResult other = run(
        {"build", "--index", shard.string(), "--shard", std::to_string((holder + 1) % 3) + "/3"});
    CHECK(other.exit_code == 2);
    CHECK_THAT(other.err, Catch::Contains("holds shard " + std::to_string(holder) + "/3"));
}

TEST_CASE("a stub listing a shard twice is refused, one missing a part flagged, a bad line named",
          "[e2e][shards]") {
    SampleShards s;
    const fs::path twice = s.tmp.path() / "twice.stub";
    write_file(twice, "auto three/shard-0\nauto three/shard-0\nauto three/shard-2\n");
    const ProcessResult t = query(twice, {"python"});
    CHECK(t.exit_code == 2);
    CHECK_THAT(t.err,
               Catch::Contains("do not make one index: shard-0 holds shard 0/3, as shard-0"));
    CHECK(index_tool({"stats", "--index", twice.string()}).exit_code == 1);

    const fs::path missing = s.tmp.path() / "missing.stub";
    write_file(missing, "auto three/shard-0\nauto three/shard-2\n");
    const ProcessResult m = query(missing, {"python", "--format", "json"});
    CHECK(m.exit_code == 3);
    CHECK_THAT(m.err, Catch::Contains("no shard listed holds part 1/3"));
    CHECK_THAT(m.out, Catch::Contains("\"partial\":true"));

    const fs::path bad = s.tmp.path() / "bad.stub";
    write_file(bad, "auto three/shard-0\nremote tcp 127.0.0.1\n");
    const ProcessResult b = query(bad, {"python"});
    CHECK(b.exit_code == 2);
    CHECK_THAT(b.err, Catch::Contains(bad.string() + ":2: expected 'remote tcp HOST PORT'"));
}

TEST_CASE("replicas made by xapian-replicate answer as the shards, after an update and a rebuild",
          "[e2e][shards]") {
    TempDir tmp;
    const fs::path talks = tmp.path() / "talks";
    fs::copy(kSource / "data/talks", talks, fs::copy_options::recursive);
    const fs::path master = tmp.path() / "master", replicas = tmp.path() / "replicas";
    const std::vector<std::string> sources = {"--talks", talks.string(), "--captions",
                                              (kSource / "data/captions").string()};
    // Changesets (what a replica is sent after an update) are kept only when asked for.
    const std::vector<std::string> env = {"XAPIAN_MAX_CHANGESETS=10"};
    auto index = [&](std::vector<std::string> args) {
        args.insert(args.begin(), TALKSEARCH_INDEX_BIN);
        args.insert(args.end(), sources.begin(), sources.end());
        return run_process(args, env);
    };
    REQUIRE(index({"build", "--index", master.string(), "--shards", "3"}).exit_code == 0);
    LoopbackServer server([&](std::uint16_t p) {
        return std::vector<std::string>{TALKSEARCH_REPLICATE_SERVER_BIN,
                                        "-I",
                                        "127.0.0.1",
                                        "-p",
                                        std::to_string(p),
                                        master.string()};
    });
    fs::create_directories(replicas);  // the client makes only the last level
    // One pass of the replica client for every shard; what it printed.
    auto replicate = [&] {
        std::string out;
        for (int k = 0; k < 3; ++k) {
            const std::string shard = "shard-" + std::to_string(k);
            const ProcessResult r = run_process({TALKSEARCH_REPLICATE_BIN, "-h", "127.0.0.1", "-p",
                                                 std::to_string(server.port()), "-m", shard, "-o",
                                                 "-v", (replicas / shard).string()});
            INFO(r.out << r.err);
            REQUIRE(r.exit_code == 0);
            out += r.out + r.err;
        }
        return out;
    };
    CHECK_THAT(replicate(), Catch::Contains("Update complete: 1 copies"));
    const fs::path stub = tmp.path() / "replicas.stub";
    write_file(stub, "auto replicas/shard-0\nauto replicas/shard-1\nauto replicas/shard-2\n");
    auto same = [&](const std::string& q) {
        const ProcessResult a = query(master, {q, "--format", "json", "--facets"});
        const ProcessResult b = query(stub, {q, "--format", "json", "--facets"});
        INFO(q << ": " << b.err);
        CHECK(b.exit_code == a.exit_code);
        CHECK(a.out == b.out);
        return b.out;
    };
    same("python");
    same("decorators");

    const fs::path file = talks / "pydays-sierra-azul-2022/videos/shipping-your-first-package.json";
    std::string json = slurp(file);
    const std::string title = "Shipping Your First Package";
    json.replace(json.find(title), title.size(), "Shipping Your First Wombat");
    write_file(file, json);
    REQUIRE(index({"update", "--index", master.string()}).exit_code == 0);
    CHECK_THAT(replicate(), Catch::Contains("1 changesets"));
    CHECK_THAT(same("wombat"), Catch::Contains("\"total\":1,"));

    REQUIRE(index({"build", "--index", master.string()}).exit_code == 0);  // new generations
    CHECK_THAT(replicate(), Catch::Contains("Update complete: 1 copies"));
    CHECK_THAT(same("wombat"), Catch::Contains("\"total\":1,"));
    same("python");
}

TEST_CASE("the real corpus in 3 shards behind xapian-tcpsrv answers exactly as one index does",
          "[e2e][shards][shared]") {
    const fs::path talks = talksearch::test::shared_path("corpus/pyvideo-data");
    const fs::path captions = talksearch::test::shared_path("corpus/pycon-captions");
    TALKSEARCH_SKIP_WITHOUT(talks);
    TALKSEARCH_SKIP_WITHOUT(captions);
    TempDir tmp;
    const std::vector<std::string> sources = {"--talks",    talks.string(),
                                              "--captions", captions.string(),
                                              "--manifest", (captions / "manifest.json").string()};
    auto build = [&](const fs::path& index, std::vector<std::string> extra) {
        std::vector<std::string> args = {"build", "--index", index.string()};
        args.insert(args.end(), sources.begin(), sources.end());
        args.insert(args.end(), extra.begin(), extra.end());
        const ProcessResult r = index_tool(args);
        INFO(r.err.substr(0, 2000));
        REQUIRE(r.exit_code <= 1);
        return r;
    };
    const fs::path one = tmp.path() / "one", three = tmp.path() / "three";
    const ProcessResult built_one = build(one, {});
    const ProcessResult built_three = build(three, {"--shards", "3"});
    // The same report: every talk and caption file once.
    CHECK(built_three.out.substr(0, built_three.out.find(", skipped")) ==
          built_one.out.substr(0, built_one.out.find(", skipped")));

    RemoteShards remote(three, tmp.path() / "talks.stub");
    const fs::path& stub = remote.stub;
    const std::vector<std::string> queries = {"decorators",
                                              "python",
                                              "asyncio",
                                              "the",
                                              "data science",
                                              "\"machine learning\"",
                                              "deco*",
                                              "django AND rest",
                                              "pandas -numpy",
                                              "title:testing",
                                              "speaker:beazley",
                                              "kubernetes",
                                              "gil",
                                              "year:2015..2018 async",
                                              "pyhton",
                                              "\"global interpreter lock\"",
                                              "type hints",
                                              "lang:es python",
                                              "captions:human python"};
    check_same_answers(one, stub, queries);

    // The HTTP API over the shards: the same pages as the CLI over one index.
    BackgroundProcess server(
        {TALKSEARCH_QUERY_BIN, "serve", "--index", stub.string(), "--port", "0", "--threads", "2"});
    const std::string& line = server.first_line();
    REQUIRE_THAT(line, Catch::StartsWith("listening on http://127.0.0.1:"));
    const std::string base = line.substr(std::string("listening on ").size());
    HttpClient client;
    const std::vector<std::pair<std::string, std::vector<std::string>>> pages = {
        {"q=decorators&facets=1", {"decorators", "--facets"}},
        {"q=asyncio&sort=date&limit=5&offset=5",
         {"asyncio", "--sort", "date", "--limit", "5", "--offset", "5"}},
    };
    for (const auto& [params, args] : pages) {
        std::vector<std::string> cli = args;
        cli.insert(cli.end(), {"--format", "json"});
        long t1 = 0, t2 = 0;
        const std::string api = client.get(base + "/api/v1/search?" + params).body;
        INFO(params);
        CHECK(comparable(api, &t1) == comparable(query(one, cli).out, &t2));
    }
}

TEST_CASE(
    "a talk page's related talks over 3 shards, local and behind xapian-tcpsrv, are those "
    "of one index",
    "[e2e][shards][talk]") {
    SampleShards s;
    RemoteShards remote(s.three, s.tmp.path() / "remote.stub");
    const auto related = [](const fs::path& index, const std::string& id) {
        talksearch::Searcher searcher(index);
        const std::optional<talksearch::TalkPage> page = searcher.talk({id, "", 6});
        REQUIRE(page);
        std::vector<std::string> ids;
        for (const talksearch::TalkInfo& t : page->related) ids.push_back(t.id);
        return ids;
    };
    for (const std::string id : {"lakeshore-pyconf-2017/decorators-from-the-ground-up",
                                 "pycon-valdoria-2019/async-await-without-tears",
                                 "pydays-sierra-azul-2022/tipos-de-datos-en-python-sin-miedo"}) {
        INFO(id);
        const std::vector<std::string> one = related(s.one, id);
        CHECK(one.size() >= 3);
        CHECK(related(s.three, id) == one);
        CHECK(related(remote.stub, id) == one);
    }
}

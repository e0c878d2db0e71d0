// End-to-end tests of what a caption folder holds besides caption files
// (issue 19, cases 10 and 11): entries that cannot be read are reported with
// their path and reason and make the run exit 1, and one size cap, with one
// message, holds for `build` and `captions` alike.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;
using talksearch::test::write_file;

namespace {

const std::string kGoodVtt =
    "WEBVTT\n\n00:00:05.000 --> 00:00:08.000\nthe quagga walks in at five seconds\n";

// A caption folder with one good file and the entries of case 10.
fs::path hostile_folder(const fs::path& base) {
    const fs::path root = base / "captions";
    write_file(root / "good" / "Qg5Ag7Wk1Zz.en.vtt", kGoodVtt);
    REQUIRE(::mkfifo((root / "fifo.en.vtt").c_str(), 0644) == 0);
    fs::create_symlink("loop.en.vtt", root / "loop.en.vtt");
    write_file(root / "karaoke.en.ass", "[Script Info]\n");
    return root;
}

}  // namespace

TEST_CASE("build reports a FIFO, a symlink loop and an unread format by path, and exits 1",
          "[e2e][captions][walk]") {
    TempDir tmp;
    const fs::path root = hostile_folder(tmp.path());
    const fs::path index = tmp.path() / "index";
    const ProcessResult r = run_process(
        {TALKSEARCH_INDEX_BIN, "build", "--captions", root.string(), "--index", index.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains((root / "fifo.en.vtt").string()) &&
                          Catch::Contains("not a regular file (a FIFO)"));
    CHECK_THAT(r.err, Catch::Contains((root / "loop.en.vtt").string()) &&
                          Catch::Contains("a symlink that cannot be followed"));
    CHECK_THAT(r.err, Catch::Contains((root / "karaoke.en.ass").string()) &&
                          Catch::Contains("does not read (.ass)"));
    // The good file is indexed all the same, and found at its second.
    const ProcessResult q = run_process(
        {TALKSEARCH_QUERY_BIN, "--index", index.string(), "--format", "json", "quagga"});
    CHECK(q.exit_code == 0);
    CHECK_THAT(q.out, Catch::Contains("Qg5Ag7Wk1Zz"));
}

TEST_CASE("build reports a caption subfolder it may not read, and exits 1",
          "[e2e][captions][walk]") {
    // Root reads any folder: the build then runs as nobody (setpriv).
    std::vector<std::string> as_user;
    if (::geteuid() == 0) {
        if (!fs::exists("/usr/bin/setpriv")) {
            WARN("SKIPPED: running as root without setpriv to drop to another user");
            return;
        }
        as_user = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    }
    TempDir tmp;
    fs::permissions(tmp.path(), fs::perms::all);
    const fs::path root = tmp.path() / "captions";
    write_file(root / "open" / "Qg5Ag7Wk1Zz.en.vtt", kGoodVtt);
    write_file(root / "closed" / "Cl0sEd4Ev3r.en.vtt", kGoodVtt);
    for (const fs::path& p : {root, root / "open", root / "open" / "Qg5Ag7Wk1Zz.en.vtt"}) {
        fs::permissions(p, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read |
                               fs::perms::group_exec | fs::perms::others_exec);
    }
    fs::permissions(root / "closed", fs::perms::none);
    const fs::path out = tmp.path() / "out";
    fs::create_directory(out);
    fs::permissions(out, fs::perms::all);
    std::vector<std::string> argv = as_user;
    for (const std::string& a :
         {std::string(TALKSEARCH_INDEX_BIN), std::string("build"), std::string("--captions"),
          root.string(), std::string("--index"), (out / "index").string()}) {
        argv.push_back(a);
    }
    const ProcessResult r = run_process(argv);
    fs::permissions(root / "closed", fs::perms::owner_all);  // so that TempDir can remove it
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains((root / "closed").string()) &&
                          Catch::Contains("cannot read the folder: Permission denied"));
    CHECK_THAT(r.out + r.err, Catch::Contains("1 talk"));
}

TEST_CASE("captions and build refuse a 1 GB caption file unread, with one message",
          "[e2e][captions][walk]") {
    TempDir tmp;
    const fs::path root = tmp.path() / "captions";
    const fs::path big = root / "Sp4rSeF1l3x.en.vtt";
    write_file(big, "WEBVTT\n");
    fs::resize_file(big, 1ull << 30);  // sparse: no disk used
    const std::string message = "file too large: 1073741824 bytes (the limit is 67108864)";

    const ProcessResult one = run_process({TALKSEARCH_INDEX_BIN, "captions", big.string()});
    INFO(one.err);
    CHECK(one.exit_code == 2);  // the one file asked for could not be read
    CHECK(one.err == big.string() + ": " + message + "\n");
    CHECK(one.seconds < 5);
    CHECK(one.max_rss_kb < 200 * 1024);

    const ProcessResult all =
        run_process({TALKSEARCH_INDEX_BIN, "build", "--captions", root.string(), "--index",
                     (tmp.path() / "index").string()});
    INFO(all.err);
    CHECK(all.exit_code == 1);
    CHECK_THAT(all.err, Catch::Contains(big.string()) && Catch::Contains(message));
    CHECK(all.max_rss_kb < 200 * 1024);
}

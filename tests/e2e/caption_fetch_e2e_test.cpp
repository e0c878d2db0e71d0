// End-to-end tests of `talksearch-index fetch` with the real yt-dlp: a small catalogue whose
// talks' video URLs are HTML5 <video><track> pages served by tests/support/http_fixture.py on
// 127.0.0.1 (yt-dlp's generic extractor reads them), then `build --talks --ytdlp` and real
// queries. Nothing but 127.0.0.1 is contacted. Skipped where yt-dlp is not installed.
#include <signal.h>
#include <simdjson.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using talksearch::test::BackgroundProcess;
using talksearch::test::FixtureServer;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::slurp;
using talksearch::test::TempDir;
using talksearch::test::write_file;

namespace {

const char* const kYtdlp = "/usr/bin/yt-dlp";

#define SKIP_WITHOUT_YTDLP()                                    \
    do {                                                        \
        if (!fs::exists(kYtdlp)) {                              \
            WARN("SKIPPED: " << kYtdlp << " is not installed"); \
            return;                                             \
        }                                                       \
    } while (false)

std::string page(const std::string& title, const std::string& tracks) {
    return "<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title +
           "</h1><video controls src=\"talk.mp4\">" + tracks + "</video></body></html>\n";
}

std::string vtt(const std::vector<std::pair<std::string, std::string>>& cues) {
    std::string out = "WEBVTT\n\n";
    for (const auto& [time, text] : cues) out += time + "\n" + text + "\n\n";
    return out;
}

// A talk file of the catalogue, listing `urls` as its videos.
void talk(const fs::path& catalogue, const std::string& slug, const std::string& title,
          const std::string& language, const std::vector<std::string>& urls) {
    std::string videos;
    for (const std::string& u : urls) {
        videos +=
            std::string(videos.empty() ? "" : ",") + R"({"type": "html", "url": ")" + u + "\"}";
    }
    write_file(catalogue / "loop-conf-2024" / "videos" / (slug + ".json"),
               R"({"title": ")" + title + R"(", "speakers": ["Ada Loop"], "recorded": "2024-05-01",
                  "language": ")" +
                   language + R"(", "videos": [)" + videos + "]}\n");
}

// The site and catalogue: one page per case the issue lists.
struct Site {
    TempDir tmp;
    fs::path www = tmp.path() / "www";
    fs::path catalogue = tmp.path() / "catalogue";
    fs::path store = tmp.path() / "store";
    fs::path index = tmp.path() / "index";
    fs::path report = tmp.path() / "report.json";
    std::unique_ptr<FixtureServer> server;

    explicit Site(int extra_pages = 0) {
        write_file(
            www / "captions.html",
            page("Decorators in Depth",
                 R"(<track kind="captions" src="captions.en.vtt" srclang="en" label="English">)"));
        write_file(www / "captions.en.vtt",
                   vtt({{"00:00:05.000 --> 00:00:08.000", "Decorators wrap the function"},
                        {"00:01:10.000 --> 00:01:12.500", "docstrings survive with functools"}}));
        write_file(www / "subtitles.html",
                   page("Tipos de datos",
                        R"(<track kind="subtitles" src="subtitles.es.vtt" srclang="es">)"));
        write_file(www / "subtitles.es.vtt",
                   vtt({{"00:02:03.000 --> 00:02:06.000", "diccionarios guardan pares"}}));
        write_file(www / "none.html", page("A Talk Without Captions", ""));
        write_file(
            www / "broken.html",
            page("Broken Captions", R"(<track kind="captions" src="broken.en.vtt" srclang="en">)"));
        write_file(www / "broken.en.vtt", "this is not a caption file\n");
        write_file(www / "slow.html",
                   page("Slow Host", R"(<track kind="captions" src="slow.en.vtt" srclang="en">)"));
        write_file(www / "slow.en.vtt", vtt({{"00:00:01.000 --> 00:00:02.000", "slowly"}}));
        for (int i = 0; i < extra_pages; ++i) {
            const std::string n = std::to_string(i);
            write_file(www / ("extra" + n + ".html"),
                       page("Extra " + n, "<track kind=\"captions\" src=\"extra" + n +
                                              ".en.vtt\" srclang=\"en\">"));
            write_file(www / ("extra" + n + ".en.vtt"),
                       vtt({{"00:00:0" + std::to_string(i % 10) + ".000 --> 00:00:09.500",
                             "zq" + std::string(1, static_cast<char>('a' + i)) +
                                 " is an extraordinary marker"}}));
        }
        server = std::make_unique<FixtureServer>(false, www.string());
        write_file(catalogue / "loop-conf-2024" / "category.json",
                   R"({"title": "Loop Conf 2024"})");
        talk(catalogue, "decorators-in-depth", "Decorators in Depth", "eng",
             {file("captions.html")});
        talk(catalogue, "tipos-de-datos", "Tipos de datos", "spa", {file("subtitles.html")});
        talk(catalogue, "no-captions", "A Talk Without Captions", "eng", {file("none.html")});
        talk(catalogue, "gone", "A Removed Video", "eng", {server->url("/404")});
        talk(catalogue, "broken", "Broken Captions", "eng", {file("broken.html")});
        talk(catalogue, "no-video", "A Talk With No Video", "eng", {});
        for (int i = 0; i < extra_pages; ++i) {
            const std::string n = std::to_string(i);
            talk(catalogue, "extra-" + n, "Extra " + n, "eng", {file("extra" + n + ".html")});
        }
    }

    std::string file(const std::string& name) const { return server->url("/files/" + name); }

    std::vector<std::string> fetch_args(std::vector<std::string> extra = {}) const {
        std::vector<std::string> args = {
            TALKSEARCH_INDEX_BIN, "fetch",   "--talks", catalogue.string(), "--store",
            store.string(),       "--sleep", "0",       "--quiet",          "--report",
            report.string()};
        if (std::find(extra.begin(), extra.end(), "--yt-dlp") == extra.end()) {
            args.insert(args.end(), {"--yt-dlp", kYtdlp});
        }
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    ProcessResult fetch(std::vector<std::string> extra = {}) const {
        return run_process(fetch_args(std::move(extra)));
    }

    std::size_t page_requests() const {
        std::size_t n = 0;
        for (const auto& r : server->log().requests) {
            if (r.path.ends_with(".html") || r.path == "/404") ++n;
        }
        return n;
    }
};

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& text) {
    return p.parse(simdjson::padded_string(text));
}

ProcessResult query(const fs::path& index, const std::string& q) {
    return run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(), q, "--format", "json"});
}

// The start_ms of the first moment of the only result of `q`; -1 when none.
std::int64_t first_moment_ms(const fs::path& index, const std::string& q, std::string* title) {
    const ProcessResult r = query(index, q);
    INFO(q << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser p;
    auto results = parse(p, r.out)["results"].get_array().value();
    REQUIRE(results.size() == 1);
    if (title) *title = std::string(results.at(0)["title"].get_string().value());
    auto moments = results.at(0)["moments"].get_array().value();
    if (moments.size() == 0) return -1;
    return moments.at(0)["start_ms"].get_int64().value();
}

}  // namespace

TEST_CASE(
    "fetch gets each talk's captions from loopback pages with the real yt-dlp, and build "
    "puts their moments at the right second, one talk per video",
    "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    const ProcessResult f = site.fetch({"--timeout", "60"});
    INFO(f.out << f.err);
    // The 404 page is unavailable: reported, not a failure of the run.
    CHECK(f.exit_code == 0);
    simdjson::dom::parser p;
    const std::string report_text = slurp(site.report);
    INFO(report_text);
    auto report = parse(p, report_text);
    CHECK(std::string(report["yt_dlp_version"].get_string().value()).size() >= 8);
    CHECK(report["talks"].get_uint64().value() == 6);
    CHECK(report["videos"].get_uint64().value() == 5);
    CHECK(report["fetched"].get_uint64().value() == 3);  // captions, subtitles, broken
    CHECK(report["no_captions"].get_uint64().value() == 1);
    CHECK(report["unavailable"].get_uint64().value() == 1);
    CHECK(report["failed"].get_uint64().value() == 0);
    bool no_video_named = false, gone_named = false;
    for (auto problem : report["problems"].get_array()) {
        const std::string talk(problem["talk"].get_string().value());
        const std::string status(problem["status"].get_string().value());
        if (talk == "loop-conf-2024/no-video" && status == "no-video") no_video_named = true;
        if (talk == "loop-conf-2024/gone" && status == "unavailable") {
            gone_named = std::string(problem["reason"].get_string().value()).find("404") !=
                         std::string::npos;
        }
    }
    CHECK(no_video_named);
    CHECK(gone_named);

    const ProcessResult b =
        run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", site.catalogue.string(), "--ytdlp",
                     site.store.string(), "--index", site.index.string()});
    INFO(b.out << b.err);
    CHECK(b.exit_code == 1);  // the broken caption file is skipped and named
    // It is named by its file in the store: the folder of the video the broken talk lists.
    std::string broken_folder;
    for (const auto& dir : fs::directory_iterator(site.store / "videos")) {
        if (slurp(dir.path() / "record.json").find("loop-conf-2024/broken") != std::string::npos) {
            broken_folder = dir.path().filename().string();
        }
    }
    REQUIRE(!broken_folder.empty());
    CHECK_THAT(b.err,
               Catch::Contains(broken_folder + "/video.en.vtt:1: skipped: not a WebVTT file"));
    // One talk per video: the catalogue's six talks, none added from the store.
    const ProcessResult st = run_process(
        {TALKSEARCH_INDEX_BIN, "stats", "--index", site.index.string(), "--format", "json"});
    auto stats = parse(p, st.out);
    CHECK(stats["talks"].get_uint64().value() == 6);
    CHECK(stats["talks_with_captions"].get_uint64().value() == 2);

    std::string title;
    CHECK(first_moment_ms(site.index, "decorator", &title) == 5000);
    CHECK(title == "Decorators in Depth");  // the catalogue's metadata, not the page's
    CHECK(first_moment_ms(site.index, "docstring", nullptr) == 70000);
    CHECK(first_moment_ms(site.index, "\"diccionarios\"", &title) == 123000);
    CHECK(title == "Tipos de datos");
    // The kind comes from info.json: a <track kind="captions"> page lists it under subtitles.
    CHECK(query(site.index, "decorator captions:human").exit_code == 0);
    CHECK(query(site.index, "decorator captions:machine").exit_code == 1);
}

TEST_CASE("a second fetch run asks for no page it has already fetched", "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    REQUIRE(site.fetch().exit_code == 0);
    const std::size_t first = site.page_requests();
    CHECK(first >= 5);
    const ProcessResult again = site.fetch();
    INFO(again.out << again.err);
    CHECK(again.exit_code == 0);
    CHECK(site.page_requests() == first);
    simdjson::dom::parser p;
    auto report = parse(p, slurp(site.report));
    CHECK(report["up_to_date"].get_uint64().value() == 5);
    CHECK(report["fetched"].get_uint64().value() == 0);
}

TEST_CASE("a slow page past the per-video timeout fails alone, and waits before its next try",
          "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    talk(site.catalogue, "slow", "Slow Host", "eng",
         {site.server->url("/slow-files/slow.html?ms=25000")});
    // 10 s is far more than yt-dlp takes for a loopback page, even on a busy machine.
    const ProcessResult f = site.fetch({"--timeout", "10", "--jobs", "2"});
    INFO(f.out << f.err);
    CHECK(f.exit_code == 1);
    simdjson::dom::parser p;
    auto report = parse(p, slurp(site.report));
    CHECK(report["failed"].get_uint64().value() == 1);
    CHECK(report["fetched"].get_uint64().value() == 3);
    bool named = false;
    for (auto problem : report["problems"].get_array()) {
        if (std::string(problem["talk"].get_string().value()) == "loop-conf-2024/slow") {
            named = std::string(problem["reason"].get_string().value()) == "timed out";
        }
    }
    CHECK(named);
    // Its back-off has not passed: the rerun leaves it alone.
    const ProcessResult again = site.fetch({"--timeout", "10"});
    CHECK(again.exit_code == 0);
    auto second = parse(p, slurp(site.report));
    CHECK(second["failed"].get_uint64().value() == 0);
    CHECK(second["up_to_date"].get_uint64().value() == 6);
}

TEST_CASE("a fetch killed with SIGKILL loses nothing: the rerun completes and the store is whole",
          "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site(12);
    {
        BackgroundProcess run([&] {
            auto args = site.fetch_args({"--jobs", "2"});
            // BackgroundProcess waits for a first line: print one, then become the fetch.
            std::string cmd = "echo started; exec";
            for (const std::string& a : args) cmd += " '" + a + "'";
            return std::vector<std::string>{"/bin/sh", "-c", cmd};
        }());
        // Kill it once a few videos are in the store, while others are in flight.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        std::size_t done = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            done = 0;
            std::error_code ec;
            for (auto it = fs::directory_iterator(site.store / "videos", ec);
                 !ec && it != fs::directory_iterator(); it.increment(ec)) {
                if (fs::exists(it->path() / "record.json")) ++done;
            }
            if (done >= 3) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        REQUIRE(done >= 3);
        ::kill(run.pid(), SIGKILL);
        CHECK(run.wait_for_exit(std::chrono::seconds(10)) == 128 + SIGKILL);
    }
    const ProcessResult again = site.fetch({"--jobs", "2"});
    INFO(again.out << again.err);
    CHECK(again.exit_code == 0);
    simdjson::dom::parser p;
    auto report = parse(p, slurp(site.report));
    CHECK(report["videos"].get_uint64().value() == 17);
    CHECK(report["up_to_date"].get_uint64().value() + report["fetched"].get_uint64().value() +
              report["no_captions"].get_uint64().value() +
              report["unavailable"].get_uint64().value() ==
          17);
    CHECK(report["store_problems"].get_array().size() == 0);
    // Every record names files that are there, and nothing is left in flight.
    std::size_t records = 0;
    for (const auto& dir : fs::directory_iterator(site.store / "videos")) {
        REQUIRE(fs::exists(dir.path() / "record.json"));
        ++records;
        auto rec = parse(p, slurp(dir.path() / "record.json"));
        for (auto t : rec["tracks"].get_array()) {
            CHECK(fs::exists(dir.path() / std::string(t["file"].get_string().value())));
        }
    }
    CHECK(records == 17);
    CHECK(fs::is_empty(site.store / ".tmp"));
    const ProcessResult b =
        run_process({TALKSEARCH_INDEX_BIN, "build", "--talks", site.catalogue.string(), "--ytdlp",
                     site.store.string(), "--index", site.index.string()});
    CHECK(b.exit_code == 1);  // the broken file
    for (int i = 0; i < 12; ++i) {
        CHECK(first_moment_ms(site.index, "zq" + std::string(1, static_cast<char>('a' + i)),
                              nullptr) == (i % 10) * 1000);
    }
}

TEST_CASE(
    "a host that answers 429 backs the run off, then stops it with exit 4, keeping what "
    "it fetched",
    "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    talk(site.catalogue, "zz-limited", "Rate Limited", "eng", {site.server->url("/always-429")});
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult f = site.fetch({"--jobs", "1", "--rate-limit-wait", "1"});
    INFO(f.out << f.err);
    CHECK(f.exit_code == 4);
    CHECK_THAT(f.err, Catch::Contains("rate limit") && Catch::Contains("run again later"));
    // Two pauses (1 s, then 2 s) before it gave up.
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::seconds(3));
    std::size_t asked = 0;
    for (const auto& r : site.server->log().requests) asked += r.path == "/always-429";
    CHECK(asked == 3);
    simdjson::dom::parser p;
    auto report = parse(p, slurp(site.report));
    CHECK(report["rate_limited"].get_bool().value());
    CHECK(report["fetched"].get_uint64().value() == 3);
}

TEST_CASE("a second fetch on the same store exits 75, and a missing yt-dlp is named",
          "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    const ProcessResult missing = site.fetch({"--yt-dlp", "/nonexistent/yt-dlp"});
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Catch::Contains("/nonexistent/yt-dlp"));
    // flock is per open file: hold the store's lock from another process.
    fs::create_directories(site.store);
    BackgroundProcess holder({"/usr/bin/flock", (site.store / ".lock").string(), "/bin/sh", "-c",
                              "echo held; sleep 30"});
    const ProcessResult second = site.fetch();
    CHECK(second.exit_code == 75);
}

TEST_CASE("an update from cron with a fetch.captions section fetches the new talk's captions first",
          "[e2e][fetch-captions]") {
    SKIP_WITHOUT_YTDLP();
    Site site;
    const fs::path config = site.tmp.path() / "sources.json";
    write_file(config, R"({"index": ")" + site.index.string() + R"(",
        "sources": [{"type": "pyvideo", "path": ")" +
                           site.catalogue.string() + R"("}],
        "fetch": {"captions": {"store": ")" +
                           site.store.string() + R"(", "yt_dlp": ")" + kYtdlp +
                           R"(", "sleep_seconds": 0, "jobs": 2}}})");
    const ProcessResult built =
        run_process({TALKSEARCH_INDEX_BIN, "build", "--config", config.string()});
    INFO(built.out << built.err);
    CHECK(built.exit_code == 1);  // the broken caption file
    CHECK(first_moment_ms(site.index, "decorators", nullptr) == 5000);
    // A talk added to the catalogue: the next update fetches its captions, then indexes them.
    write_file(site.www / "new.html",
               page("New Talk", R"(<track kind="captions" src="new.en.vtt" srclang="en">)"));
    write_file(site.www / "new.en.vtt",
               vtt({{"00:03:00.000 --> 00:03:04.000", "metaclasses explained"}}));
    talk(site.catalogue, "new-talk", "New Talk", "eng", {site.file("new.html")});
    const std::size_t pages_before = site.page_requests();
    const ProcessResult updated =
        run_process({TALKSEARCH_INDEX_BIN, "update", "--config", config.string()});
    INFO(updated.out << updated.err);
    CHECK(updated.exit_code == 0);  // the broken file is unchanged: not read again
    CHECK(site.page_requests() == pages_before + 1);  // only the new talk's page
    std::string title;
    CHECK(first_moment_ms(site.index, "metaclasses", &title) == 180000);
    CHECK(title == "New Talk");
}

// End-to-end tests of talksearch-index: the real binary on real files.
#include <fcntl.h>
#include <simdjson.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "tests/support/process.h"
#include "tests/support/shared.h"

namespace fs = std::filesystem;
using talksearch::test::ProcessResult;
using talksearch::test::run_process;
using talksearch::test::TempDir;

namespace {

const fs::path kSource = TALKSEARCH_SOURCE_DIR;
const fs::path kTestData = TALKSEARCH_TEST_DATA;

ProcessResult index_tool(std::vector<std::string> args) {
    args.insert(args.begin(), TALKSEARCH_INDEX_BIN);
    return run_process(args);
}

// The stats of an index as parsed JSON.
struct Stats {
    std::int64_t talks = -1;
    std::int64_t with_captions = -1;
    std::int64_t human = -1;
    std::int64_t machine = -1;
    std::int64_t loops = -1;
    std::int64_t repeated = -1;
    std::int64_t repeat_recordings = -1;
    std::int64_t bytes = -1;
    std::string generation;
    std::map<std::string, std::int64_t> events;
};

Stats stats_of(const fs::path& index) {
    const ProcessResult r = index_tool({"stats", "--index", index.string(), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(r.out));
    Stats s;
    s.talks = doc["talks"].get_int64();
    s.with_captions = doc["talks_with_captions"].get_int64();
    s.human = doc["talks_human_captions"].get_int64();
    s.machine = doc["talks_machine_captions"].get_int64();
    s.loops = doc["talks_with_suspect_loops"].get_int64();
    s.repeated = doc["repeated_talks"].get_int64();
    s.repeat_recordings = doc["repeat_recordings"].get_int64();
    s.bytes = doc["bytes"].get_int64();
    s.generation = std::string(doc["generation"].get_string().value());
    for (auto [k, v] : doc["events"].get_object()) s.events[std::string(k)] = v.get_int64();
    return s;
}

// Builds `index` from the sample catalogue alone (8 talks, no captions).
void build_sample_catalogue(const fs::path& index) {
    REQUIRE(index_tool(
                {"build", "--talks", (kSource / "data/talks").string(), "--index", index.string()})
                .exit_code == 0);
}

std::size_t count_files(const fs::path& root, const std::string& ext) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file() && e.path().extension() == ext) ++n;
    }
    return n;
}

std::size_t count_lines_containing(const std::string& text, const std::string& needle) {
    std::size_t n = 0, pos = 0;
    while ((pos = text.find(needle, pos)) != std::string::npos) {
        ++n;
        pos += needle.size();
    }
    return n;
}

}  // namespace

TEST_CASE("talksearch-index build indexes every sample talk and stats reports them",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const ProcessResult r =
        index_tool({"build", "--talks", (kSource / "data/talks").string(), "--captions",
                    (kSource / "data/captions").string(), "--index", index.string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Matches("indexed \\d+ talks .*s\\n"));

    const std::size_t talk_files =
        count_files(kSource / "data/talks", ".json") -
        static_cast<std::size_t>(std::distance(fs::directory_iterator(kSource / "data/talks"),
                                               fs::directory_iterator()));
    const Stats s = stats_of(index);
    // Every talk file, plus the one caption file that matches no talk.
    CHECK(s.talks == static_cast<std::int64_t>(talk_files) + 1);
    CHECK(s.with_captions ==
          static_cast<std::int64_t>(count_files(kSource / "data/captions", ".vtt") +
                                    count_files(kSource / "data/captions", ".srt")));
    CHECK(s.loops >= 1);
    CHECK(s.bytes > 0);
    // data/README.md: the decorators talk was given again at PyDays Sierra Azul 2022.
    CHECK_THAT(r.out, Catch::Contains("1 given at more than one event"));
    CHECK(s.repeated == 1);
    CHECK(s.repeat_recordings == 2);
}

TEST_CASE("a broken talk file and a non-caption file are reported and the rest indexed with exit 1",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const ProcessResult r =
        index_tool({"build", "--talks", (kTestData / "broken-catalogue").string(), "--captions",
                    (kTestData / "broken-captions").string(), "--index", index.string()});
    CHECK(r.exit_code == 1);
    // Each skipped file is named with the reason, one line each.
    CHECK_THAT(r.err, Catch::Contains("broken-catalogue/") && Catch::Contains("skipped"));
    CHECK_THAT(r.err, Catch::Contains("garbage.srt") && Catch::Contains("not a"));
    CHECK_THAT(r.out, Catch::Contains("skipped 2"));
    const Stats s = stats_of(index);
    CHECK(s.talks == 2);
    CHECK(s.with_captions == 1);
}

TEST_CASE("a build whose sources are missing fails with exit 2 and leaves the live index as it was",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    build_sample_catalogue(index);
    const Stats before = stats_of(index);
    const ProcessResult r = index_tool(
        {"build", "--talks", (tmp.path() / "no-such-folder").string(), "--index", index.string()});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("no-such-folder"));
    const Stats after = stats_of(index);
    CHECK(after.generation == before.generation);
    CHECK(after.talks == before.talks);
}

TEST_CASE("a second writer exits 75 naming the running one", "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    fs::create_directories(index);
    const int fd = ::open((index / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    REQUIRE(::write(fd, "4242\n", 5) == 5);
    const ProcessResult r = index_tool(
        {"build", "--talks", (kSource / "data/talks").string(), "--index", index.string()});
    ::close(fd);
    CHECK(r.exit_code == 75);
    CHECK_THAT(r.err,
               Catch::Contains("another talksearch-index is running") && Catch::Contains("4242"));
    CHECK_FALSE(fs::exists(index / "XAPIANDB"));
}

TEST_CASE("a rebuild publishes a new generation and removes all but the previous one",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    std::vector<std::string> generations;
    for (int i = 0; i < 3; ++i) {
        REQUIRE(index_tool({"build", "--talks", (kSource / "data/talks").string(), "--index",
                            index.string(), "--grace", "0"})
                    .exit_code == 0);
        generations.push_back(stats_of(index).generation);
    }
    CHECK(generations[0] != generations[1]);
    CHECK(generations[1] != generations[2]);
    CHECK_FALSE(fs::exists(index / generations[0]));
    CHECK(fs::exists(index / generations[1]));
    CHECK(fs::exists(index / generations[2]));
}

TEST_CASE("an earlier generation stays for the grace period after it stopped being live",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    std::vector<std::string> generations;
    for (int i = 0; i < 3; ++i) {
        REQUIRE(index_tool({"build", "--talks", (kSource / "data/talks").string(), "--index",
                            index.string()})
                    .exit_code == 0);
        generations.push_back(stats_of(index).generation);
    }
    // The default grace is 10 minutes: a reader may still have any of them open.
    for (const std::string& g : generations) CHECK(fs::exists(index / g));
}

TEST_CASE("talksearch-index captions prints cleaned cues as JSON lines", "[e2e][captions]") {
    TempDir tmp;
    const fs::path vtt = tmp.path() / "talk.en.vtt";
    talksearch::test::write_file(
        vtt,
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Ada>Hello &amp; welcome\n\n"
        "00:00:02.500 --> 00:00:04.000\nThank you.\n\n"
        "00:00:04.000 --> 00:00:05.000\nThank you.\n\n"
        "00:00:05.000 --> 00:00:06.000\nThank you.\n");
    const ProcessResult r = index_tool({"captions", vtt.string(), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out ==
          "{\"start_ms\":1000,\"end_ms\":2500,\"speaker\":\"Ada\",\"text\":\"Hello & welcome\"}\n"
          "{\"start_ms\":2500,\"end_ms\":4000,\"speaker\":null,\"text\":\"Thank you.\"}\n");
    const ProcessResult raw = index_tool({"captions", vtt.string(), "--format", "json", "--raw"});
    CHECK(count_lines_containing(raw.out, "Thank you.") == 3);
}

TEST_CASE("talksearch-index captions refuses a file that is not a caption file",
          "[e2e][captions]") {
    TempDir tmp;
    const fs::path txt = tmp.path() / "notes.srt";
    talksearch::test::write_file(txt, "Just some notes.\nNo timings here.\n");
    const ProcessResult r = index_tool({"captions", txt.string()});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("notes.srt") && Catch::Contains("not a"));
    CHECK(r.out.empty());
}

TEST_CASE("talksearch-index captions prints a Whisper repetition loop once",
          "[e2e][captions][shared]") {
    const fs::path file =
        talksearch::test::shared_path("corpus/pycon-captions/whisper/YWFbR8mTcAY.en.srt");
    TALKSEARCH_SKIP_WITHOUT(file);
    const ProcessResult raw = index_tool({"captions", file.string(), "--format", "json", "--raw"});
    REQUIRE(raw.exit_code == 0);
    REQUIRE(count_lines_containing(raw.out, "\"Thank you.\"") > 12000);
    const ProcessResult r = index_tool({"captions", file.string(), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    CHECK(count_lines_containing(r.out, "\"Thank you.\"") < 10);
    CHECK_THAT(r.err, Catch::Contains("repetition loop collapsed"));
}

TEST_CASE("the real catalogue and pycon captions build in under 60 s with human tracks preferred",
          "[e2e][build][shared]") {
    const fs::path talks = talksearch::test::shared_path("corpus/pyvideo-data");
    const fs::path captions = talksearch::test::shared_path("corpus/pycon-captions");
    TALKSEARCH_SKIP_WITHOUT(talks);
    TALKSEARCH_SKIP_WITHOUT(captions);
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult r = index_tool(
        {"build", "--talks", talks.string(), "--captions", captions.string(), "--manifest",
         (captions / "manifest.json").string(), "--index", index.string()});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(r.out);
    INFO(r.err.substr(0, 4000));
    CHECK(r.exit_code <= 1);
    // Under AddressSanitizer (scripts/test-sanitizers) the build runs 2-3x slower.
    if (std::getenv("TALKSEARCH_SANITIZED") == nullptr) CHECK(seconds < 60.0);
    const Stats s = stats_of(index);
    CHECK(s.talks >= 21000);
    // 512 Whisper files; two of them are the recording of two catalogue talks each.
    CHECK(s.with_captions == 514);
    CHECK(s.human == 29);
    CHECK(s.machine == 514 - 29);
    // 131 files repeat a block of cues three or more times (docs/DESIGN.md, Cleaning).
    CHECK(s.loops >= 120);
}

TEST_CASE("the leftover of a build that died is removed and the previous generation kept",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const std::vector<std::string> build = {"build", "--talks", (kSource / "data/talks").string(),
                                            "--index", index.string()};
    REQUIRE(index_tool(build).exit_code == 0);
    const std::string first = stats_of(index).generation;
    // What a run killed before publishing leaves behind: a newer, unpublished generation.
    fs::create_directories(index / "gen-99999999T999999.999-1");
    talksearch::test::write_file(index / "gen-99999999T999999.999-1" / "postlist.glass", "partial");
    REQUIRE(index_tool(build).exit_code == 0);
    CHECK_FALSE(fs::exists(index / "gen-99999999T999999.999-1"));
    CHECK(fs::exists(index / first));  // the previous published generation stays for readers
}

TEST_CASE("yt-dlp output is indexed with its captions and the bad file is reported",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    const ProcessResult r =
        index_tool({"build", "--ytdlp", (kTestData / "ytdlp").string(), "--index", index.string()});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("Broken [brokenVideo1].info.json"));
    const Stats s = stats_of(index);
    CHECK(s.talks == 2);
    CHECK(s.with_captions == 2);
    const ProcessResult q = run_process(
        {TALKSEARCH_QUERY_BIN, "--index", index.string(), "wrappers", "--format", "json"});
    REQUIRE(q.exit_code == 0);
    CHECK_THAT(q.out, Catch::Contains("\"id\":\"pyfictional-channel/dEc0rAt0r5X\""));
    CHECK_THAT(q.out, Catch::Contains("https://www.youtube.com/watch?v=dEc0rAt0r5X&t=0s"));
    CHECK_THAT(q.out, Catch::Contains("\"catalogue_url\":null"));
}

TEST_CASE("yt-dlp output read as a caption folder takes each track's kind from its info.json",
          "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    // Async Basics' Spanish track is listed under automatic_captions, Decorators' English one
    // under subtitles: machine and human, where a caption folder used to call both human.
    const ProcessResult r = index_tool(
        {"build", "--captions", (kTestData / "ytdlp").string(), "--index", index.string()});
    INFO(r.out << r.err);
    CHECK(r.exit_code <= 1);
    const Stats s = stats_of(index);
    CHECK(s.with_captions == 2);
    CHECK(s.human == 1);
    CHECK(s.machine == 1);
}

TEST_CASE("an update replaces exactly the talks whose metadata or captions changed",
          "[e2e][update]") {
    TempDir tmp;
    const fs::path src = tmp.path() / "data";
    fs::copy(kSource / "data", src, fs::copy_options::recursive);
    const fs::path index = tmp.path() / "index";
    talksearch::test::write_file(tmp.path() / "sources.json",
                                 R"({"index": "index", "sources": [
                                       {"type": "pyvideo", "path": "data/talks"},
                                       {"type": "captions", "path": "data/captions"}]})");
    const std::string config = (tmp.path() / "sources.json").string();
    const std::string report = (tmp.path() / "report.json").string();
    auto update = [&] {
        return index_tool({"update", "--config", config, "--report", report, "--verbose"});
    };
    auto report_of = [&] {
        simdjson::dom::parser parser;
        simdjson::dom::element doc = parser.load(report);
        std::map<std::string, std::int64_t> counts;
        for (const char* k : {"added", "replaced", "deleted", "unchanged", "talks"})
            counts[k] = doc[k].get_int64();
        return counts;
    };

    // No index yet: update says so and writes nothing.
    const ProcessResult first = update();
    CHECK(first.exit_code == 2);
    CHECK_THAT(first.err, Catch::Contains("run talksearch-index build first"));
    REQUIRE(index_tool({"build", "--config", config}).exit_code == 0);
    const std::string generation = stats_of(index).generation;

    SECTION("an unchanged re-run changes nothing") {
        const ProcessResult r = update();
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::StartsWith("no change: unchanged 9 talks"));
        CHECK(report_of() ==
              std::map<std::string, std::int64_t>{
                  {"added", 0}, {"replaced", 0}, {"deleted", 0}, {"unchanged", 9}, {"talks", 9}});
    }
    SECTION("one talk's metadata, another's caption file and a deleted talk") {
        const fs::path pytest = src / "talks/pycon-valdoria-2019/videos/pytest-beyond-assert.json";
        std::string json = talksearch::test::slurp(pytest);
        json.replace(json.find("pytest Beyond assert"), 20, "pytest Beyond assert, revisited");
        talksearch::test::write_file(pytest, json);
        std::ofstream(src / "captions" / "aW4t_sYnc9Q.en.vtt", std::ios::app)
            << "\n00:09:00.000 --> 00:09:03.000\nOne more thing about quokkas.\n";
        fs::remove(src / "talks/lakeshore-pyconf-2017/videos/plugin-systems-that-dont-bite.json");

        const ProcessResult r = update();
        REQUIRE(r.exit_code == 0);
        CHECK(report_of() ==
              std::map<std::string, std::int64_t>{
                  {"added", 0}, {"replaced", 2}, {"deleted", 1}, {"unchanged", 6}, {"talks", 8}});
        CHECK_THAT(r.err, Catch::Contains("replaced pycon-valdoria-2019/pytest-beyond-assert"));
        CHECK_THAT(r.err,
                   Catch::Contains("deleted lakeshore-pyconf-2017/plugin-systems-that-dont-bite"));
        CHECK(stats_of(index).generation == generation);  // in place

        auto query = [&](const std::string& q) {
            return run_process({TALKSEARCH_QUERY_BIN, "--index", index.string(), q});
        };
        CHECK_THAT(query("revisited").out, Catch::Contains("pytest Beyond assert, revisited"));
        CHECK_THAT(query("quokkas").out, Catch::Contains("9:0"));
        CHECK(query("\"plugin systems\"").exit_code == 1);  // gone
        // And the next run finds nothing to do.
        REQUIRE(update().exit_code == 0);
        CHECK(report_of()["unchanged"] == 8);
    }
}

TEST_CASE(
    "a build in several shards, or in several waves of shards, answers exactly as a single "
    "writer's and leaves no work folder",
    "[e2e][build]") {
    TempDir tmp;
    // One writer; three shards at once; and waves of two shards of at most
    // two talks each, so several waves are merged.
    const std::vector<std::vector<std::string>> layouts = {
        {"--jobs", "1"}, {"--jobs", "3"}, {"--jobs", "2", "--shard-talks", "2"}};
    std::vector<fs::path> indexes;
    for (const std::vector<std::string>& layout : layouts) {
        const fs::path index = tmp.path() / ("index-" + std::to_string(indexes.size()));
        std::vector<std::string> args = {"build"};
        args.insert(args.end(), layout.begin(), layout.end());
        args.insert(args.end(), {"--talks", (kSource / "data/talks").string(), "--captions",
                                 (kSource / "data/captions").string(), "--index", index.string()});
        const ProcessResult r = index_tool(args);
        INFO(layout.back() << ": " << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(stats_of(index).talks == stats_of(indexes.empty() ? index : indexes[0]).talks);
        // Only the lock, the stub and the generation: the shards are gone.
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(index))
            names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        REQUIRE(names.size() == 3);
        CHECK(names[0] == ".lock");
        CHECK(names[1] == "XAPIANDB");
        CHECK(names[2].starts_with("gen-"));
        CHECK_FALSE(names[2].ends_with("-build"));
        indexes.push_back(index);
    }
    REQUIRE(stats_of(indexes[0]).talks > 4);  // so the waves are more than one
    // Documents are numbered as by one writer, so even ties and date order agree.
    for (const std::vector<std::string>& query : {std::vector<std::string>{"decorators"},
                                                  {"\"wraps the function\""},
                                                  {"python"},
                                                  {"the", "--sort", "date"},
                                                  {"--year", "2010..2030", "--limit", "50"},
                                                  {"decorators", "--all-recordings", "--facets"}}) {
        std::vector<std::string> outputs;
        for (const fs::path& index : indexes) {
            std::vector<std::string> args = {TALKSEARCH_QUERY_BIN, "--index", index.string()};
            args.insert(args.end(), query.begin(), query.end());
            args.insert(args.end(), {"--format", "json"});
            const ProcessResult r = run_process(args);
            INFO(query.front() << ": " << r.err);
            REQUIRE(r.exit_code == 0);
            outputs.push_back(r.out);
        }
        INFO(query.front());
        CHECK(outputs[0] == outputs[1]);
        CHECK(outputs[0] == outputs[2]);
    }
}

TEST_CASE("a talk listed twice is indexed once however many shards a build writes",
          "[e2e][build]") {
    TempDir tmp;
    // The same yt-dlp output in two folders: every talk id appears twice, and
    // with a shard per talk (64 is more than there are) each copy is in a
    // shard of its own. The fixture holds one broken info.json: exit 1.
    const fs::path copy = tmp.path() / "ytdlp-copy";
    fs::copy(kTestData / "ytdlp", copy, fs::copy_options::recursive);
    std::map<std::string, std::int64_t> talks;
    for (const std::string sources : {"one", "two"}) {
        for (const std::string jobs : {"1", "64"}) {
            const fs::path index = tmp.path() / ("index-" + sources + "-" + jobs);
            std::vector<std::string> args = {
                "build",   "--jobs",      jobs, "--ytdlp", (kTestData / "ytdlp").string(),
                "--index", index.string()};
            if (sources == "two") args.insert(args.end(), {"--ytdlp", copy.string()});
            const ProcessResult r = index_tool(args);
            INFO(sources << " folder(s), " << jobs << " job(s): " << r.err);
            REQUIRE(r.exit_code == 1);
            talks[sources + "-" + jobs] = stats_of(index).talks;
        }
    }
    CHECK(talks["one-1"] >= 2);
    CHECK(talks["one-64"] == talks["one-1"]);
    CHECK(talks["two-1"] == talks["one-1"]);
    CHECK(talks["two-64"] == talks["one-1"]);
}

TEST_CASE(
    "a catalogue that comes back empty or tiny is refused by the shrink guard unless "
    "--allow-shrink is given",
    "[e2e][build]") {
    TempDir tmp;
    const fs::path index = tmp.path() / "index";
    build_sample_catalogue(index);
    const Stats before = stats_of(index);
    REQUIRE(before.talks == 8);
    // A mirror that came back empty, and one that holds one event of three (2 talks of 8).
    const fs::path empty = tmp.path() / "empty";
    fs::create_directories(empty);
    const fs::path tiny = tmp.path() / "tiny";
    fs::create_directories(tiny);
    fs::copy(kSource / "data/talks/pycon-valdoria-2019", tiny / "pycon-valdoria-2019",
             fs::copy_options::recursive);

    for (const std::string mode : {"build", "update"}) {
        for (const fs::path& catalogue : {empty, tiny}) {
            INFO(mode << " from " << catalogue.filename().string());
            const ProcessResult r =
                index_tool({mode, "--talks", catalogue.string(), "--index", index.string()});
            CHECK(r.exit_code == 2);
            CHECK_THAT(r.err, Catch::Contains("refusing to") &&
                                  Catch::Contains("the live index holds 8") &&
                                  Catch::Contains("--allow-shrink"));
            const Stats after = stats_of(index);
            CHECK(after.generation == before.generation);
            CHECK(after.talks == 8);
        }
    }
    // Said on purpose, the smaller catalogue is published.
    const ProcessResult r = index_tool(
        {"build", "--talks", tiny.string(), "--index", index.string(), "--allow-shrink"});
    CHECK(r.exit_code == 0);
    CHECK(stats_of(index).talks == 2);
}

TEST_CASE(
    "a caption file the manifest names but that is missing, or that cannot be read, leaves its "
    "talk indexed without it and is reported",
    "[e2e][build]") {
    TempDir tmp;
    // Everything the run reads is copied into the temporary folder: as root, the indexer runs
    // as nobody (root reads any file), who may not be able to reach the checkout.
    const fs::path captions = tmp.path() / "captions";
    fs::copy(kSource / "data/captions", captions);
    const fs::path talks = tmp.path() / "talks";
    fs::copy(kSource / "data/talks", talks, fs::copy_options::recursive);
    const fs::path indexer = tmp.path() / "talksearch-index";
    fs::copy_file(TALKSEARCH_INDEX_BIN, indexer);
    // The manifest names a file that is gone, for the pandas talk.
    talksearch::test::write_file(
        captions / "manifest.json",
        R"([{"caption": "gone.en.vtt", "talk": "lakeshore-pyconf-2017/videos/from-spreadsheet-to-dataframe-tidy-data-with-pandas.json"}])");
    // The decorators talk's captions cannot be read by the indexer's user.
    const fs::path unreadable = captions / "dCr8Gr0unD1.en.vtt";
    fs::permissions(unreadable, fs::perms::none);
    const fs::path index = tmp.path() / "index";
    std::vector<std::string> argv = {
        indexer.string(), "build",           "--talks",    talks.string(),
        "--captions",     captions.string(), "--manifest", (captions / "manifest.json").string(),
        "--index",        index.string(),    "--verbose"};
    if (::geteuid() == 0) {
        argv.insert(argv.begin(),
                    {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
        for (const auto& e : fs::recursive_directory_iterator(tmp.path())) {
            if (e.path() != unreadable) {
                fs::permissions(e.path(), fs::perms::others_read | fs::perms::others_exec,
                                fs::perm_options::add);
            }
        }
        fs::permissions(tmp.path(), fs::perms::all);  // nobody writes the index here
    }
    const ProcessResult r = run_process(argv);
    INFO(r.err);
    CHECK(r.exit_code == 1);  // the unreadable file is skipped
    CHECK_THAT(r.err,
               Catch::Contains((captions / "gone.en.vtt").string() +
                               ": warning: caption file missing (the manifest lists it for talk "
                               "lakeshore-pyconf-2017/videos/"
                               "from-spreadsheet-to-dataframe-tidy-data-with-pandas."
                               "json)"));
    CHECK_THAT(r.err,
               Catch::Contains(unreadable.string() + ": skipped: cannot open: Permission denied"));
    // Every talk is indexed; of the 7 caption files, the 6 readable ones are used.
    fs::permissions(unreadable, fs::perms::owner_read);
    const Stats s = stats_of(index);
    CHECK(s.talks == 9);
    CHECK(s.with_captions == 6);
    const ProcessResult q = run_process(
        {TALKSEARCH_QUERY_BIN, "--index", index.string(), "--format", "json", "title:decorators"});
    CHECK(q.exit_code == 0);
    CHECK_THAT(q.out, Catch::Contains("decorators-from-the-ground-up"));
}

TEST_CASE(
    "a caption file with a header and no cue is a warning in the report, and its talk claims "
    "no captions",
    "[e2e][build]") {
    TempDir tmp;
    const fs::path captions = tmp.path() / "captions";
    fs::copy(kSource / "data/captions", captions);
    // yt-dlp writes such a file for a video with nothing said.
    talksearch::test::write_file(captions / "dCr8Gr0unD1.en.vtt", "WEBVTT\n\n");
    const fs::path index = tmp.path() / "index";
    const fs::path report = tmp.path() / "report.json";
    const ProcessResult r = index_tool({"build", "--talks", (kSource / "data/talks").string(),
                                        "--captions", captions.string(), "--index", index.string(),
                                        "--report", report.string(), "-v"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("dCr8Gr0unD1.en.vtt: warning: no cues: the file holds none"));
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.load(report.string());
    CHECK(doc["skipped"].get_array().size() == 0);
    bool listed = false;
    for (simdjson::dom::element w : doc["warning_list"].get_array()) {
        const std::string_view path = w["path"].get_string().value();
        listed = listed || (path.ends_with("dCr8Gr0unD1.en.vtt") &&
                            w["reason"].get_string().value() == "no cues");
    }
    CHECK(listed);
    CHECK(stats_of(index).with_captions == 6);
}

TEST_CASE("both programs print their version, and the commit they were built from in a checkout",
          "[e2e][version]") {
    const bool checkout = std::filesystem::exists(std::string(TALKSEARCH_SOURCE_DIR) + "/.git");
    for (const std::string program : {TALKSEARCH_INDEX_BIN, TALKSEARCH_QUERY_BIN}) {
        const ProcessResult r = run_process({program, "--version"});
        INFO(program << ": " << r.out << r.err);
        REQUIRE(r.exit_code == 0);
        const std::string name = std::filesystem::path(program).filename().string();
        std::smatch m;
        REQUIRE(std::regex_match(r.out, m,
                                 std::regex(name + R"( (\d+\.\d+\.\d+)(?: \(git ([^)]+)\))?\n)")));
        if (!checkout) continue;
        // git describe --always --dirty --tags: "1a2b3c4", "v0.1.0-3-g1a2b3c4", with "-dirty".
        REQUIRE(m[2].matched);
        std::smatch h;
        const std::string described = m[2].str();
        REQUIRE(
            std::regex_search(described, h, std::regex(R"((?:-g|^)([0-9a-f]{7,40})(?:-dirty)?$)")));
        const ProcessResult git = run_process({"/usr/bin/git", "-C", TALKSEARCH_SOURCE_DIR,
                                               "cat-file", "-e", h[1].str() + "^{commit}"});
        CHECK(git.exit_code == 0);  // the commit is this checkout's
    }
}

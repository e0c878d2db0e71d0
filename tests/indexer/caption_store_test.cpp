// Tests of the caption store (indexer/sources/caption_store.h) and of reading what yt-dlp says
// and writes (indexer/sources/ytdlp_run.h).
#include "indexer/sources/caption_store.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "indexer/sources/ytdlp_run.h"
#include "tests/support/process.h"

using namespace talksearch;
namespace fs = std::filesystem;
using talksearch::test::TempDir;

namespace {

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

VideoRecord sample_record() {
    VideoRecord r;
    r.key = "dEc0rAt0r5X";
    r.url = "https://www.youtube.com/watch?v=dEc0rAt0r5X";
    r.talk_id = "pycon-us-2019/decorators-in-depth";
    r.status = FetchStatus::kFetched;
    r.info_json = "video.info.json";
    r.tracks = {{"video.en.json3", "en", false}, {"video.es.vtt", "es", true}};
    r.fetched_at = 1'700'000'000;
    return r;
}

}  // namespace

TEST_CASE("a video record reads back as it was written", "[caption-store]") {
    const VideoRecord r = sample_record();
    const VideoRecord back = parse_video_record(encode_video_record(r));
    CHECK(back.key == r.key);
    CHECK(back.url == r.url);
    CHECK(back.talk_id == r.talk_id);
    CHECK(back.status == FetchStatus::kFetched);
    CHECK(back.info_json == "video.info.json");
    REQUIRE(back.tracks.size() == 2);
    CHECK(back.tracks[0].file == "video.en.json3");
    CHECK_FALSE(back.tracks[0].human);
    CHECK(back.tracks[1].language == "es");
    CHECK(back.tracks[1].human);
    CHECK(back.fetched_at == 1'700'000'000);
}

TEST_CASE("a video record that names a file outside its folder is refused", "[caption-store]") {
    VideoRecord r = sample_record();
    r.tracks[0].file = "../../etc/passwd";
    CHECK_THROWS_WITH(parse_video_record(encode_video_record(r)),
                      Catch::Contains("tracks: file is not a file name"));
    CHECK_THROWS_WITH(parse_video_record(R"({"key":"x","url":"u","status":"odd","tracks":[]})"),
                      Catch::Contains("status: unknown value odd"));
    CHECK_THROWS_WITH(parse_video_record("{"), Catch::Contains("invalid JSON"));
}

TEST_CASE("a video's store key is its YouTube id, else a hash of its URL", "[caption-store]") {
    CHECK(video_key("https://www.youtube.com/watch?v=9oyr0mocZTg") == "9oyr0mocZTg");
    CHECK(video_key("https://youtu.be/9oyr0mocZTg?t=3") == "9oyr0mocZTg");
    const std::string k = video_key("https://archive.org/details/pyvideo_1234");
    CHECK(k.starts_with("url-"));
    CHECK(k.size() == 20);
    CHECK(k != video_key("https://archive.org/details/pyvideo_1235"));
}

TEST_CASE("failed videos wait longer after each failure, at most a week", "[caption-store]") {
    CHECK(failure_backoff_seconds(1) == 3600);
    CHECK(failure_backoff_seconds(2) == 7200);
    CHECK(failure_backoff_seconds(3) == 14400);
    CHECK(failure_backoff_seconds(40) == 7 * 24 * 3600);
}

TEST_CASE("a video is fetched again only when it is missing, due after a failure, or old",
          "[caption-store]") {
    const std::int64_t now = 2'000'000'000;
    CHECK(fetch_is_due(std::nullopt, now, std::nullopt));
    VideoRecord r = sample_record();
    r.fetched_at = now - 40 * 86400;
    CHECK_FALSE(fetch_is_due(r, now, std::nullopt));
    // Its English track is automatic: a refresh older than 30 days takes it again.
    CHECK(fetch_is_due(r, now, 30 * 86400));
    CHECK_FALSE(fetch_is_due(r, now, 60 * 86400));
    r.tracks = {{"video.es.vtt", "es", true}};  // human captions only: they do not change
    CHECK_FALSE(fetch_is_due(r, now, 30 * 86400));
    r.status = FetchStatus::kFailed;
    r.next_try_after = now + 10;
    CHECK_FALSE(fetch_is_due(r, now, std::nullopt));
    r.next_try_after = now;
    CHECK(fetch_is_due(r, now, std::nullopt));
    r.status = FetchStatus::kUnavailable;
    CHECK_FALSE(fetch_is_due(r, now, 1));
}

TEST_CASE("parse_age reads days, hours, minutes and seconds", "[caption-store]") {
    CHECK(parse_age("30d") == 30 * 86400);
    CHECK(parse_age("12h") == 12 * 3600);
    CHECK(parse_age("90m") == 5400);
    CHECK(parse_age("45") == 45);
    CHECK_THROWS_WITH(parse_age("soon"), Catch::Contains("expected an age"));
    CHECK_THROWS_WITH(parse_age("3w"), Catch::Contains("expected an age"));
}

TEST_CASE("a committed video is in the store with its files, and a record without them is not",
          "[caption-store]") {
    TempDir tmp;
    CaptionStore store(tmp.path() / "store");
    const VideoRecord r = sample_record();
    const fs::path work = store.work_dir(r.key);
    write(work / "video.info.json", "{}");
    write(work / "video.en.json3", "{\"events\":[]}");
    write(work / "video.es.vtt", "WEBVTT\n");
    write(work / "video.de.vtt", "WEBVTT\n");  // not named by the record: not kept
    store.commit(r, work);
    CHECK_FALSE(fs::exists(work));
    const fs::path dir = store.video_dir(r.key);
    CHECK(fs::exists(dir / "video.en.json3"));
    CHECK(fs::exists(dir / "video.es.vtt"));
    CHECK_FALSE(fs::exists(dir / "video.de.vtt"));
    // A folder a killed run left without its record, and a record that is not JSON.
    fs::create_directories(store.video_dir("half-done"));
    write(store.video_dir("garbled") / "record.json", "not json");
    std::vector<std::string> problems;
    const auto records = store.records(&problems);
    REQUIRE(records.size() == 1);
    CHECK(records[0].key == r.key);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0],
               Catch::Contains("garbled/record.json") && Catch::Contains("invalid JSON"));
}

TEST_CASE("yt-dlp's messages tell a rate limit, a missing video and a failure apart",
          "[caption-store]") {
    std::string why;
    CHECK(classify_ytdlp(0, false, "[info] Writing video subtitles\n", why) == YtdlpOutcome::kOk);
    CHECK(classify_ytdlp(1, false,
                         "ERROR: [generic] None: Unable to download webpage: HTTP Error 429: Too "
                         "Many Requests (caused by <HTTPError 429>); please report this issue on "
                         "https://github.com/yt-dlp/yt-dlp/issues?q= , filling out",
                         why) == YtdlpOutcome::kRateLimited);
    CHECK(why ==
          "[generic] None: Unable to download webpage: HTTP Error 429: Too Many Requests "
          "(caused by <HTTPError 429>)");
    CHECK(classify_ytdlp(1, false,
                         "ERROR: [youtube] abc: Sign in to confirm you're not a bot. Use "
                         "--cookies-from-browser",
                         why) == YtdlpOutcome::kRateLimited);
    CHECK(classify_ytdlp(1, false,
                         "ERROR: [youtube] abc: Private video. Sign in if you've been "
                         "granted access",
                         why) == YtdlpOutcome::kUnavailable);
    CHECK(classify_ytdlp(1, false, "ERROR: Unsupported URL: http://127.0.0.1/x\n", why) ==
          YtdlpOutcome::kUnavailable);
    CHECK(why == "Unsupported URL: http://127.0.0.1/x");
    CHECK(classify_ytdlp(1, false, "Traceback (most recent call last):\nKeyError: 'x'\n", why) ==
          YtdlpOutcome::kFailed);
    CHECK(why == "KeyError: 'x'");
    CHECK(classify_ytdlp(137, true, "", why) == YtdlpOutcome::kFailed);
    CHECK(why == "timed out");
}

TEST_CASE("yt-dlp is asked for the talk's language first, then the fallbacks", "[caption-store]") {
    CHECK(subtitle_languages("pt-BR", {"en"}) == "pt.*,pt,en.*,en");
    CHECK(subtitle_languages("", {"en"}) == "en.*,en");
    CHECK(subtitle_languages("en", {"en", "de"}) == "en.*,en,de.*,de");
    CHECK(subtitle_languages("e[n]|.*", {}) ==
          "en.*,en");  // never a regular expression of the data's
    YtdlpSettings s;
    const auto args = ytdlp_arguments(s, "https://youtu.be/x", "es", "/tmp/w");
    CHECK(std::find(args.begin(), args.end(), "--skip-download") != args.end());
    CHECK(std::find(args.begin(), args.end(), "--write-auto-subs") != args.end());
    CHECK(std::find(args.begin(), args.end(), "json3/srv3/vtt/best") != args.end());
    CHECK(args.back() == "https://youtu.be/x");
    CHECK(args[args.size() - 2] == "--");  // a URL that starts with '-' is not an option
}

TEST_CASE("fetched tracks are human when info.json lists them as subtitles, machine when automatic",
          "[caption-store]") {
    TempDir tmp;
    const fs::path work = tmp.path();
    // The shape of a real YouTube info.json: both lists, keyed by language.
    write(work / "video.info.json",
          R"({"id":"dEc0rAt0r5X","title":"Decorators","subtitles":{"es":[{"ext":"vtt","url":"u"}]},
              "automatic_captions":{"en":[{"ext":"json3","url":"u"}],"es":[{"ext":"json3","url":"u"}]}})");
    write(work / "video.en.json3", "{}");
    write(work / "video.es.vtt", "WEBVTT\n");
    write(work / "video.live_chat.json", "{}");
    const FetchedFiles f = read_fetched_tracks(work);
    CHECK(f.info_json == "video.info.json");
    REQUIRE(f.tracks.size() == 2);
    CHECK(f.tracks[0].file == "video.en.json3");
    CHECK_FALSE(f.tracks[0].human);
    CHECK(f.tracks[1].file == "video.es.vtt");
    CHECK(f.tracks[1].human);
    write(work / "video.info.json", "<html>garbage");
    CHECK_THROWS_WITH(read_fetched_tracks(work), Catch::Contains("not JSON"));
}

TEST_CASE("a program that cannot be run, or that hangs, is reported and never waited on forever",
          "[caption-store]") {
    CHECK_THROWS_WITH(ytdlp_version("/nonexistent/yt-dlp"), Catch::Contains("/nonexistent/yt-dlp"));
    const auto started = std::chrono::steady_clock::now();
    const YtdlpRun r =
        run_program("/bin/sh", {"-c", "echo started >&2; sleep 30"}, std::chrono::seconds(1));
    CHECK(r.timed_out);
    CHECK(r.stderr_text == "started\n");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    const YtdlpRun ok =
        run_program("/bin/sh", {"-c", "echo out; echo err >&2; exit 3"}, std::chrono::seconds(10));
    CHECK(ok.exit_code == 3);
    CHECK(ok.stdout_text == "out\n");
    CHECK(ok.stderr_text == "err\n");
}

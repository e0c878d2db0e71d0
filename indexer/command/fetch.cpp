#include "indexer/command/fetch.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/error.h"
#include "indexer/command/run.h"
#include "indexer/index/generation.h"
#include "indexer/sources/caption_store.h"

namespace talksearch {

namespace {

// "1h02m", "4m05s", "12s".
std::string duration_text(double seconds) {
    const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, s / 60 % 60);
    } else if (s >= 60) {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%llds", s);
    }
    return buf;
}

// The progress line on a terminal: count, rate, ETA and the counters.
class FetchProgressBar {
  public:
    explicit FetchProgressBar(bool enabled) : enabled_(enabled) {}
    void update(std::size_t done, std::size_t due, const CaptionFetchReport& r) {
        if (!enabled_ || due == 0) return;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
        const double eta = rate > 0 ? static_cast<double>(due - done) / rate : 0;
        const int width = 30;
        const auto filled =
            static_cast<std::size_t>(static_cast<double>(done) / static_cast<double>(due) * width);
        std::string bar(filled, '#');
        bar.resize(width, '.');
        std::fprintf(stderr,
                     "\rfetching [%s] %zu/%zu videos, %.2f/s, ETA %s; fetched %zu, no captions "
                     "%zu, unavailable %zu, failed %zu ",
                     bar.c_str(), done, due, rate, duration_text(eta).c_str(), r.fetched,
                     r.no_captions, r.unavailable, r.failed);
        if (done == due) std::fputs("\n", stderr);
        std::fflush(stderr);
    }

  private:
    bool enabled_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

void print_summary(const CaptionFetchReport& r) {
    std::printf(
        "fetched captions of %zu talks' %zu videos with yt-dlp %s: %zu with captions, %zu "
        "without, %zu unavailable, %zu failed, %zu up to date%s (%s)\n",
        r.talks, r.videos, r.ytdlp_version.c_str(), r.fetched, r.no_captions, r.unavailable,
        r.failed, r.up_to_date,
        r.not_reached ? (", " + std::to_string(r.not_reached) + " not reached").c_str() : "",
        duration_text(r.seconds).c_str());
}

}  // namespace

int run_fetch(FetchFlags flags) {
    CaptionFetchOptions& o = flags.options;
    o.ytdlp.fallback_languages = flags.fallback_languages;
    o.ytdlp.timeout = std::chrono::seconds(flags.timeout_seconds);
    o.sleep = std::chrono::milliseconds(std::llround(flags.sleep_seconds * 1000));
    o.rate_limit_wait =
        std::chrono::milliseconds(std::llround(flags.rate_limit_wait_seconds * 1000));
    FetchProgressBar bar(!flags.quiet && ::isatty(STDERR_FILENO) != 0);
    CaptionFetchReport report;
    std::string error;
    int code = kExitOk;
    try {
        if (!flags.refresh_older_than.empty())
            o.refresh_older_than = parse_age(flags.refresh_older_than);
        report = fetch_captions(o, [&](std::size_t done, std::size_t due,
                                       const CaptionFetchReport& r) { bar.update(done, due, r); });
    } catch (const LockBusy& e) {
        error = e.what();
        code = kExitLocked;
    } catch (const std::exception& e) {  // Error, or a filesystem or allocation failure
        error = std::string("fetch failed: ") + e.what();
        code = kExitFailed;
    }
    if (code == kExitOk) {
        if (report.rate_limited && report.not_reached > 0) {
            code = kExitRateLimited;
        } else if (report.failed > 0) {
            code = kExitSkipped;
        }
    }
    if (!flags.report_path.empty()) {
        std::ofstream out(flags.report_path, std::ios::trunc);
        out << caption_fetch_report_json(report, code) << "\n";
        if (!out)
            std::cerr << "talksearch-index: cannot write the report " << flags.report_path << "\n";
    }
    if (!error.empty()) {
        std::cerr << "talksearch-index: " << error << "\n";
        return code;
    }
    for (const std::string& p : report.store_problems) {
        std::cerr << p << ": warning: unreadable record, the video is fetched again\n";
    }
    for (const FetchProblem& p : report.problems) {
        if (p.status == "no-video" && flags.quiet) continue;
        std::cerr << p.talk_id << (p.url.empty() ? "" : " " + p.url) << ": " << p.status << ": "
                  << p.reason << "\n";
    }
    if (code == kExitRateLimited) {
        std::cerr << "talksearch-index: fetch stopped: the video host answered with a rate limit ("
                  << report.not_reached
                  << " videos not reached); what was fetched is kept, run again later\n";
    }
    if (!flags.quiet || code != kExitOk) print_summary(report);
    return code;
}

}  // namespace talksearch

#include "indexer/sources/caption_fetch.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/json_writer.h"
#include "core/video_url.h"
#include "indexer/index/generation.h"
#include "indexer/sources/caption_store.h"
#include "indexer/sources/pyvideo.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

/// One video to fetch, for the talk that lists it first.
struct VideoJob {
    std::string key;
    std::string url;
    std::string talk_id;
    std::string language;
    std::optional<VideoRecord> previous;
};

bool selected(const Talk& t, const CaptionFetchOptions& o) {
    if (!o.events.empty() &&
        std::find(o.events.begin(), o.events.end(), t.event) == o.events.end()) {
        return false;
    }
    if (!o.talk_ids.empty() &&
        std::find(o.talk_ids.begin(), o.talk_ids.end(), talk_id(t)) == o.talk_ids.end()) {
        return false;
    }
    if (o.since_year) {
        const int year = t.recorded.size() >= 4 ? std::atoi(t.recorded.substr(0, 4).c_str()) : 0;
        if (year < *o.since_year) return false;
    }
    return true;
}

/// The talks' video URLs not yet fetched (or due again), each once.
std::vector<VideoJob> due_videos(const std::vector<Talk>& talks, const CaptionStore& store,
                                 const CaptionFetchOptions& o, CaptionFetchReport& report) {
    std::map<std::string, VideoRecord> known;
    for (VideoRecord& r : store.records(&report.store_problems)) {
        std::string key = r.key;
        known.emplace(std::move(key), std::move(r));
    }
    std::vector<VideoJob> jobs;
    std::map<std::string, bool> seen;
    const std::int64_t now = unix_now();
    for (const Talk& t : talks) {
        bool any = false;
        for (const VideoSource& v : t.videos) {
            if (video_link_rank(v.url, now) >= 3) continue;  // nothing to open: not fetched
            any = true;
            const std::string key = video_key(v.url);
            if (seen.contains(key)) continue;
            seen[key] = true;
            ++report.videos;
            std::optional<VideoRecord> previous;
            if (auto it = known.find(key); it != known.end()) previous = it->second;
            if (!fetch_is_due(previous, now, o.refresh_older_than)) {
                ++report.up_to_date;
                continue;
            }
            jobs.push_back({key, v.url, talk_id(t), t.language, std::move(previous)});
        }
        if (!any) report.problems.push_back({talk_id(t), "", "no-video", "no video URL to fetch"});
    }
    return jobs;
}

/// Fetches one video into a work folder and says what it came to; the
/// record is not yet committed. Never throws for the video's own faults.
VideoRecord fetch_one(const VideoJob& job, const YtdlpSettings& s, const fs::path& work,
                      YtdlpOutcome& outcome) {
    VideoRecord r;
    r.key = job.key;
    r.url = job.url;
    r.talk_id = job.talk_id;
    r.fetched_at = unix_now();
    const YtdlpRun run =
        run_program(s.program, ytdlp_arguments(s, job.url, job.language, work), s.timeout);
    outcome = classify_ytdlp(run.exit_code, run.timed_out, run.stderr_text, r.reason);
    if (outcome == YtdlpOutcome::kOk) {
        try {
            FetchedFiles files = read_fetched_tracks(work);
            if (files.info_json.empty()) throw Error("yt-dlp wrote no info.json");
            r.info_json = std::move(files.info_json);
            r.tracks = std::move(files.tracks);
            r.status = r.tracks.empty() ? FetchStatus::kNoCaptions : FetchStatus::kFetched;
            r.reason.clear();
            return r;
        } catch (const Error& e) {
            r.reason = e.what();
            outcome = YtdlpOutcome::kFailed;
        }
    }
    r.status =
        outcome == YtdlpOutcome::kUnavailable ? FetchStatus::kUnavailable : FetchStatus::kFailed;
    if (r.status == FetchStatus::kFailed) {
        r.attempts = (job.previous && job.previous->status == FetchStatus::kFailed)
                         ? job.previous->attempts + 1
                         : 1;
        r.next_try_after = r.fetched_at + failure_backoff_seconds(r.attempts);
    }
    return r;
}

/// The workers and what they share.
class FetchRun {
  public:
    FetchRun(const CaptionFetchOptions& o, const CaptionStore& store, std::vector<VideoJob> jobs,
             CaptionFetchReport& report, const FetchProgress& progress)
        : o_(o),
          store_(store),
          queue_(jobs.begin(), jobs.end()),
          due_(jobs.size()),
          report_(report),
          progress_(progress) {}

    void run() {
        std::vector<std::thread> workers;
        const unsigned n = std::max(1u, std::min<unsigned>(o_.jobs, 64));
        for (unsigned i = 0; i < n; ++i) workers.emplace_back([this] { work(); });
        for (std::thread& t : workers) t.join();
        std::lock_guard lock(mu_);
        report_.not_reached = queue_.size() + in_flight_requeued_;
    }

  private:
    void work() {
        for (bool first = true;; first = false) {
            VideoJob job;
            {
                std::unique_lock lock(mu_);
                for (;;) {
                    if (stop_ || queue_.empty()) return;
                    const auto now = std::chrono::steady_clock::now();
                    if (now >= paused_until_) break;
                    wake_.wait_until(lock, paused_until_);
                }
                job = std::move(queue_.front());
                queue_.pop_front();
            }
            if (!first) std::this_thread::sleep_for(o_.sleep);
            one(job);
        }
    }

    void one(VideoJob& job) {
        YtdlpOutcome outcome = YtdlpOutcome::kFailed;
        VideoRecord r;
        fs::path work;
        try {
            work = store_.work_dir(job.key);
            r = fetch_one(job, o_.ytdlp, work, outcome);
            if (outcome != YtdlpOutcome::kRateLimited) store_.commit(r, work);
        } catch (const Error& e) {  // the store itself failed: the video stays due
            outcome = YtdlpOutcome::kFailed;
            r.status = FetchStatus::kFailed;
            r.reason = e.what();
        }
        std::error_code ec;
        if (!work.empty()) fs::remove_all(work, ec);
        std::lock_guard lock(mu_);
        if (outcome == YtdlpOutcome::kRateLimited) {
            rate_limited(std::move(job), r.reason);
            return;
        }
        ++done_;
        switch (r.status) {
            case FetchStatus::kFetched:
                ++report_.fetched;
                break;
            case FetchStatus::kNoCaptions:
                ++report_.no_captions;
                break;
            case FetchStatus::kUnavailable:
                ++report_.unavailable;
                report_.problems.push_back({job.talk_id, job.url, "unavailable", r.reason});
                break;
            case FetchStatus::kFailed:
                ++report_.failed;
                report_.problems.push_back({job.talk_id, job.url, "failed", r.reason});
                break;
        }
        if (progress_) progress_(done_, due_, report_);
    }

    // With mu_ held: pause everyone, or stop the run once the pauses are spent.
    void rate_limited(VideoJob job, const std::string& reason) {
        report_.rate_limited = true;
        if (pauses_ >= o_.rate_limit_retries) {
            if (!stop_) {
                report_.problems.push_back({job.talk_id, job.url, "rate-limited", reason});
            }
            stop_ = true;
            ++in_flight_requeued_;
            wake_.notify_all();
            return;
        }
        const auto wait = o_.rate_limit_wait * (1u << std::min(pauses_, 10u));
        ++pauses_;
        paused_until_ = std::chrono::steady_clock::now() + wait;
        queue_.push_front(std::move(job));
        wake_.notify_all();
    }

    const CaptionFetchOptions& o_;
    const CaptionStore& store_;
    std::mutex mu_;
    std::condition_variable wake_;
    std::deque<VideoJob> queue_;
    std::size_t due_ = 0, done_ = 0, in_flight_requeued_ = 0;
    unsigned pauses_ = 0;
    bool stop_ = false;
    std::chrono::steady_clock::time_point paused_until_{};
    CaptionFetchReport& report_;
    const FetchProgress& progress_;
};

}  // namespace

CaptionFetchReport fetch_captions(const CaptionFetchOptions& o, const FetchProgress& progress) {
    const auto started = std::chrono::steady_clock::now();
    CaptionFetchReport report;
    if (o.catalogues.empty()) throw Error("fetch: give the catalogue with --talks");
    report.ytdlp_version = ytdlp_version(o.ytdlp.program);
    IndexLock lock(o.store);
    CaptionStore store(o.store);
    store.remove_stale_work();

    Catalogue catalogue = load_catalogue(o.catalogues);
    std::vector<Talk> talks;
    for (Talk& t : catalogue.talks) {
        if (!selected(t, o)) continue;
        if (o.limit && talks.size() >= *o.limit) break;
        talks.push_back(std::move(t));
    }
    report.talks = talks.size();
    std::vector<VideoJob> jobs = due_videos(talks, store, o, report);
    FetchRun(o, store, std::move(jobs), report, progress).run();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

std::string caption_fetch_report_json(const CaptionFetchReport& r, int exit_code) {
    JsonWriter w;
    w.begin_object();
    w.key("exit_code").value(static_cast<std::int64_t>(exit_code));
    w.key("yt_dlp_version").value(r.ytdlp_version);
    w.key("talks").value(static_cast<std::uint64_t>(r.talks));
    w.key("videos").value(static_cast<std::uint64_t>(r.videos));
    w.key("up_to_date").value(static_cast<std::uint64_t>(r.up_to_date));
    w.key("fetched").value(static_cast<std::uint64_t>(r.fetched));
    w.key("no_captions").value(static_cast<std::uint64_t>(r.no_captions));
    w.key("unavailable").value(static_cast<std::uint64_t>(r.unavailable));
    w.key("failed").value(static_cast<std::uint64_t>(r.failed));
    w.key("not_reached").value(static_cast<std::uint64_t>(r.not_reached));
    w.key("rate_limited").value(r.rate_limited);
    w.key("seconds").value(r.seconds, 1);
    w.key("problems").begin_array();
    for (const FetchProblem& p : r.problems) {
        w.begin_object();
        w.key("talk").value(p.talk_id);
        w.key("url").string_or_null(p.url);
        w.key("status").value(p.status);
        w.key("reason").value(p.reason);
        w.end_object();
    }
    w.end_array();
    w.key("store_problems").strings(r.store_problems);
    w.end_object();
    return w.take();
}

}  // namespace talksearch

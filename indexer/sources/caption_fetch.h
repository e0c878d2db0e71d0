// `talksearch-index fetch`: the captions of a catalogue's talks, fetched with
// yt-dlp into a caption store (caption_store.h), politely and resumably.
//
//   catalogue talks ─► filters (--event, --since, --talk, --limit) ─► their video URLs
//     ─► due? (the store's record: never fetched, failed and past its back-off, or older
//        than --refresh-older-than) ─► yt-dlp in a work folder (ytdlp_run.h), --jobs at once
//     ─► classify ─► move the files into the store, write the record
//
// A rate-limit answer pauses every worker, with a growing wait, and after
// `rate_limit_retries` of them stops the run (what was fetched is kept).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "indexer/sources/ytdlp_run.h"

namespace talksearch {

/// What to fetch and how.
struct CaptionFetchOptions {
    std::vector<std::filesystem::path> catalogues;  ///< pyvideo-layout roots (--talks)
    std::filesystem::path store;
    std::vector<std::string> events;    ///< only these events (slugs); empty: all
    std::optional<int> since_year;      ///< only talks recorded in or after this year
    std::vector<std::string> talk_ids;  ///< only these talks ("event/slug"); empty: all
    std::optional<std::size_t> limit;   ///< at most this many talks (after the filters)
    YtdlpSettings ytdlp;
    unsigned jobs = 2;                                  ///< yt-dlp processes at once
    std::chrono::milliseconds sleep{1000};              ///< each worker's pause between videos
    std::optional<std::int64_t> refresh_older_than;     ///< seconds
    std::chrono::milliseconds rate_limit_wait{60'000};  ///< the first pause after a 429
    unsigned rate_limit_retries = 2;                    ///< pauses before the run stops
};

/// One video that did not come out fetched, or a talk with no video.
struct FetchProblem {
    std::string talk_id;
    std::string url;     ///< empty for a talk with no video URL
    std::string status;  ///< "failed", "unavailable", "no-video"
    std::string reason;
};

/// What a run did.
struct CaptionFetchReport {
    std::string ytdlp_version;
    std::size_t talks = 0;        ///< talks selected
    std::size_t videos = 0;       ///< their video URLs (distinct)
    std::size_t up_to_date = 0;   ///< not due: fetched before
    std::size_t fetched = 0;      ///< this run: with captions
    std::size_t no_captions = 0;  ///< this run: a video without captions
    std::size_t unavailable = 0;  ///< this run
    std::size_t failed = 0;       ///< this run
    std::size_t not_reached = 0;  ///< due but not fetched: the run stopped first
    bool rate_limited = false;    ///< the run stopped on a host's rate limit
    std::vector<FetchProblem> problems;
    std::vector<std::string> store_problems;  ///< unreadable records (fetched again)
    double seconds = 0;
};

/// Progress, after each video: done of due, and the counters so far.
using FetchProgress =
    std::function<void(std::size_t done, std::size_t due, const CaptionFetchReport& so_far)>;

/// Runs a fetch. Throws LockBusy when another run holds the store, Error when
/// the run cannot start (no catalogue, no yt-dlp, a store that cannot be
/// made). A video's failure is a problem in the report, never an exception.
CaptionFetchReport fetch_captions(const CaptionFetchOptions& options,
                                  const FetchProgress& progress = {});

/// The report as JSON (`--report FILE`).
std::string caption_fetch_report_json(const CaptionFetchReport& r, int exit_code);

}  // namespace talksearch

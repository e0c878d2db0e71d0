// Request counters and a latency histogram for the HTTP server, written in
// Prometheus' text format. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace talksearch {

/// Counts requests by endpoint and status, and their latency per endpoint.
/// Safe to call from every server thread at once.
class HttpMetrics {
  public:
    /// Upper bounds (seconds) of the latency buckets; +Inf is implied.
    static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1,    2.5,   5};

    /// Counts one answered request: `endpoint` is a short label ("search",
    /// "feed", "static", ...), `status` the HTTP status, `seconds` the time
    /// from the request line to the last byte queued.
    void record(std::string_view endpoint, unsigned status, double seconds);

    /// The metrics in Prometheus' text exposition format (version 0.0.4):
    /// `talksearch_http_requests_total{endpoint,code}` and the histogram
    /// `talksearch_http_request_duration_seconds{endpoint}` (`_bucket`, `_sum`,
    /// `_count`), each with its HELP and TYPE lines.
    std::string render() const;

  private:
    struct Latency {
        std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::uint64_t, std::less<>> requests_;
    std::map<std::string, Latency, std::less<>> latency_;
};

}  // namespace talksearch

#include "query/metrics.h"

#include <cstdio>

namespace talksearch {

namespace {

std::string number(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    return buf;
}

}  // namespace

void HttpMetrics::record(std::string_view endpoint, unsigned status, double seconds) {
    const std::lock_guard lock(mutex_);
    ++requests_[{std::string(endpoint), status}];
    auto it = latency_.find(endpoint);
    if (it == latency_.end()) it = latency_.emplace(std::string(endpoint), Latency{}).first;
    Latency& l = it->second;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++l.buckets[i];
            break;
        }
    }
    ++l.count;
    l.sum += seconds;
}

std::string HttpMetrics::render() const {
    const std::lock_guard lock(mutex_);
    std::string out =
        "# HELP talksearch_http_requests_total HTTP requests answered, by endpoint and status.\n"
        "# TYPE talksearch_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out += "talksearch_http_requests_total{endpoint=\"" + key.first + "\",code=\"" +
               std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
    }
    out +=
        "# HELP talksearch_http_request_duration_seconds Time from the request line to the "
        "response, by endpoint.\n"
        "# TYPE talksearch_http_request_duration_seconds histogram\n";
    for (const auto& [endpoint, l] : latency_) {
        const std::string name = "talksearch_http_request_duration_seconds";
        const std::string label = "endpoint=\"" + endpoint + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            cumulative += l.buckets[i];
            out += name + "_bucket{" + label + ",le=\"" + number(kBuckets[i]) + "\"} " +
                   std::to_string(cumulative) + "\n";
        }
        out += name + "_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(l.count) + "\n";
        out += name + "_sum{" + label + "} " + number(l.sum) + "\n";
        out += name + "_count{" + label + "} " + std::to_string(l.count) + "\n";
    }
    return out;
}

}  // namespace talksearch

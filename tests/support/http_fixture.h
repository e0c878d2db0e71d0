// tests/support/http_fixture.py, the scripted HTTP(S) server on 127.0.0.1, as a test's object:
// started for one test, stopped at its end, its /log read over a plain socket (independent of
// the code under test). Test-only code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/process.h"

namespace talksearch::test {

/// One request as the fixture logged it.
struct Logged {
    std::string path;
    double time = 0;  ///< the server's monotonic clock, seconds
    std::string if_none_match, if_modified_since, accept_encoding, user_agent;
};

/// What the fixture saw.
struct ServerLog {
    std::vector<Logged> requests;
    std::int64_t max_in_flight = 0;
    /// TCP connections accepted before the one asking for this log (earlier log requests count).
    std::int64_t connections = 0;

    /// The requests whose path starts with `prefix`.
    std::vector<Logged> starting_with(std::string_view prefix) const;
};

/// A GET over a plain socket to host:port, host a numeric IPv4 address (HTTP/1.0: the server
/// closes after the response). Returns the body; fails the test when no answer comes.
std::string raw_get(int port, const std::string& path, const std::string& host = "127.0.0.1");

/// The fixture server: `tls` serves HTTPS with a self-signed certificate; `root` serves that
/// folder's files under /files/ (and /slow-files/); `host` is the loopback address it listens
/// on (127.0.0.2 is a second server address for the SSRF guard's tests).
class FixtureServer {
  public:
    explicit FixtureServer(bool tls = false, const std::string& root = "",
                           const std::string& host = "127.0.0.1");
    int port() const { return port_; }
    std::string url(const std::string& path) const {
        return "http://" + host_ + ":" + std::to_string(port_) + path;
    }
    ServerLog log() const;

  private:
    BackgroundProcess process_;
    std::string host_;
    int port_ = 0;
};

}  // namespace talksearch::test

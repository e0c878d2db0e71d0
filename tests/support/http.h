// HTTP from tests: a libcurl client (keep-alive across requests) for ordinary
// requests, and raw sockets for the hostile ones libcurl would not send
// (unnormalised paths, huge header lines, bodies that never end). 127.0.0.1 only.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch::test {

/// What a server answered.
struct HttpResponse {
    long status = 0;  ///< 0 when no response came (connection refused, timeout)
    std::map<std::string, std::string> headers;  ///< names lower-cased; the last of repeats
    std::string body;
    double seconds = 0;        ///< the whole exchange
    long new_connections = 0;  ///< connections opened for it (0: an open one was reused)
    /// The header's value, or "" when absent (`name` lower-case).
    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// One libcurl easy handle: requests made with it reuse its connection.
class HttpClient {
  public:
    HttpClient();
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    /// Sends `method` (GET, HEAD, OPTIONS, POST, ...) to `url` with extra
    /// header lines ("Name: value") and, for POST/PUT, `body`; 5 s timeout.
    HttpResponse request(const std::string& url, const std::string& method = "GET",
                         const std::vector<std::string>& headers = {},
                         const std::string& body = {});
    HttpResponse get(const std::string& url) { return request(url); }

  private:
    void* curl_;
};

/// `text` percent-encoded for a query string.
std::string url_escape(std::string_view text);

/// A TCP connection to 127.0.0.1:`port`, closed by the destructor.
class RawConnection {
  public:
    /// Connects; throws std::runtime_error when the connection is refused.
    explicit RawConnection(std::uint16_t port);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    /// Sends every byte; false when the peer closed or reset the connection.
    bool send_all(std::string_view bytes);
    /// Reads until the peer closes, `limit` bytes arrived, or `timeout` passes.
    std::string read(std::chrono::milliseconds timeout, std::size_t limit = 1 << 20);

  private:
    int fd_ = -1;
};

/// Sends `request` on a fresh connection and returns what came back before
/// the server closed or `timeout` passed.
std::string raw_exchange(std::uint16_t port, std::string_view request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(3));

/// The status code of a raw HTTP response ("HTTP/1.1 404 Not Found..." -> 404), 0 if none.
int raw_status(std::string_view response);

/// A gzip body (Content-Encoding: gzip) inflated; throws std::runtime_error when it is not one.
std::string gunzip(std::string_view gzipped);

/// Resident memory of process `pid` in KiB (VmRSS), 0 when unknown.
long rss_kib(int pid);

}  // namespace talksearch::test

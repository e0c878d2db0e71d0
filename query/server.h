// The HTTP server of `talksearch-query serve`: the JSON search API, an Atom
// feed, health and metrics, OpenSearch, and static assets from memory, on
// GNU libmicrohttpd (docs/DESIGN.md, "The HTTP server"; docs/API.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "query/searcher.h"
#include "query/static_assets.h"

namespace talksearch {

/// The Content-Security-Policy sent with every HTML response (with
/// `X-Frame-Options: DENY`): no page of ours may be framed by another.
inline constexpr const char* kHtmlContentSecurityPolicy =
    "default-src 'self'; "
    "frame-src https://www.youtube-nocookie.com https://www.youtube.com https://player.vimeo.com; "
    "img-src 'self' https: data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

/// How the server listens, what it serves and what it allows.
struct ServerOptions {
    std::filesystem::path index_dir;  ///< an index folder, or a stub listing shards
    SearcherOptions searcher;         ///< shard timeouts (docs/SCALING.md)
    std::string host = "127.0.0.1";   ///< an address to bind ("0.0.0.0", "::1", ...)
    std::uint16_t port = 8080;        ///< 0 picks a free port (see Server::port())
    /// The public base URL (OpenSearch, the feed's links), no trailing
    /// slash; empty means http://host:port.
    std::string base_url;
    unsigned threads = 0;                             ///< worker threads; 0 means twice the cores
    std::size_t connection_memory_limit = 32 * 1024;  ///< per connection: request line + headers
    unsigned connection_timeout_s = 10;               ///< idle connections are closed after this
    /// A connection's request head (request line and headers) must be in
    /// within this many seconds of its opening (of the previous answer plus
    /// connection_timeout_s, on a kept-alive connection), or it is closed.
    unsigned header_timeout_s = 5;
    /// Open connections in all; more are refused at once. The last tenth is
    /// kept for addresses that hold fewer than 8 connections.
    unsigned connection_limit = 1000;
    unsigned per_ip_connection_limit = 256;  ///< open connections per client; 0: none
    std::size_t max_uri_bytes = 8192;        ///< longer request targets get 414
    /// A searcher checks the index for a new generation or commit at most
    /// this often (Searcher::refresh: one small file read).
    std::chrono::milliseconds refresh_interval{250};
    /// stop() waits this long for requests in flight before closing.
    std::chrono::milliseconds shutdown_grace{4000};
    StaticAssets assets = builtin_static_assets();
    /// Test hooks (off in production): /api/v1/search honours `_delay_ms=N`
    /// (sleeps up to 10 s before searching) and `_fail=1` (throws inside the
    /// handler, to see the generic 500).
    bool test_hooks = false;
    /// Receives one line per problem an operator should see (a failed
    /// request, libmicrohttpd's messages, rate-limited); may be empty.
    std::function<void(std::string_view)> log;
};

/// An HTTP server over one index folder. Each request runs on one of the
/// worker threads with a Searcher of its own (a pool: Searcher is not
/// thread-safe), refreshed before a search so that a rebuild or an update is
/// served within refresh_interval. Memory per connection is bounded by
/// connection_memory_limit; oversized request lines and headers are refused
/// by libmicrohttpd. Connections over connection_limit are refused as they
/// are accepted, a tenth of the slots is kept for new clients, and a request
/// head not in within header_timeout_s is cut off (ConnectionGuard).
class Server {
  public:
    /// Opens the index once to check it. Throws Error when there is no
    /// readable index or an option is invalid.
    explicit Server(ServerOptions options);
    /// Stops the server if it runs (as stop()).
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and starts the worker threads; returns once the server accepts
    /// connections. Throws Error when the address cannot be bound.
    void start();

    /// Graceful stop: stops accepting, waits up to shutdown_grace for the
    /// requests in flight to be answered, then closes every connection and
    /// joins the threads. Idempotent.
    void stop();

    /// The port bound (the chosen one when the options said 0); 0 before start().
    std::uint16_t port() const;

    /// The public base URL (ServerOptions::base_url, or http://host:port once started).
    std::string base_url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace talksearch

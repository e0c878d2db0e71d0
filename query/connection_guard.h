// Who may take one of the server's connection slots, and how long a
// connection may take to send its request head (docs/DESIGN.md, "Slow heads
// and floods"). The server calls it from libmicrohttpd's callbacks; it knows
// nothing of HTTP itself.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace talksearch {

/// The limits a ConnectionGuard keeps.
struct ConnectionGuardOptions {
    unsigned limit = 1000;  ///< open connections in all; more are refused at once
    /// The last `reserve` slots are only for new clients: an address that
    /// holds `light_client` connections or more gets none of them, so a
    /// flood from a few addresses cannot hold every slot.
    unsigned reserve = 100;
    unsigned light_client = 8;  ///< an address holding fewer connections is a new client
    /// From a connection's opening to the end of its request head; past it
    /// the connection is closed, however steadily bytes trickle in.
    std::chrono::milliseconds head_timeout{5000};
    /// After a kept-alive connection's request is answered, its next head
    /// must be in within idle_timeout + head_timeout.
    std::chrono::milliseconds idle_timeout{10000};
};

/// The reserve for `limit` slots: a tenth, at least 1.
unsigned default_reserve(unsigned limit);

/// The client as the guard counts its connections, from its socket address: an IPv4 address
/// (4 bytes), an IPv4 client of a dual-stack socket (`::ffff:a.b.c.d`) as that same IPv4
/// address, an IPv6 client as its /64 (8 bytes), which one host (one ISP customer) gets whole:
/// else each of its 2^64 addresses would be a new client to the reserve. Empty for no address
/// or another family.
std::string client_key(const sockaddr* addr);

/// Counts open connections per client address and closes those whose request
/// head is overdue. Thread-safe: every call may come from any thread.
///
/// A connection's life: admit() at accept (may refuse), opened() once it
/// exists, head_complete() when its headers are in, request_done() when a
/// response was sent and the connection is kept alive, closed() at the end.
class ConnectionGuard {
  public:
    using Clock = std::chrono::steady_clock;

    /// What admit() decided.
    enum class Admission {
        kAdmitted,
        kFull,      ///< every slot is taken
        kReserved,  ///< only the reserve is left, and the address holds many connections
    };

    /// What the guard has seen, for the metrics.
    struct Counts {
        std::size_t open = 0;                ///< slots taken
        std::uint64_t refused_full = 0;      ///< kFull answers
        std::uint64_t refused_reserved = 0;  ///< kReserved answers
        std::uint64_t heads_timed_out = 0;   ///< connections closed by close_overdue()
    };

    explicit ConnectionGuard(ConnectionGuardOptions options);
    ConnectionGuard(const ConnectionGuard&) = delete;
    ConnectionGuard& operator=(const ConnectionGuard&) = delete;

    /// Whether a client at `address` (any bytes that name it: its IP
    /// address) may open a connection now. kAdmitted takes a slot, which the
    /// next opened() on this thread binds to the connection; a slot admitted
    /// but never opened is given back at this thread's next admit().
    Admission admit(std::string_view address);

    /// The connection `id` with socket `fd` exists; its head is due within
    /// head_timeout from now. Binds the slot this thread admitted last (or
    /// takes one, for a connection that was never admitted).
    void opened(const void* id, int fd, std::string_view address);

    /// The request head of `id` is in: no deadline while it is answered.
    void head_complete(const void* id);

    /// `id` answered a request and stays open for the next one.
    void request_done(const void* id);

    /// `id` is closed: its slot is free. Unknown ids are ignored.
    void closed(const void* id);

    /// Shuts down (both ways) the socket of every connection whose head is
    /// overdue at `now`, so its owner sees the end of the stream and closes
    /// it; returns how many. The slot stays taken until closed().
    std::size_t close_overdue(Clock::time_point now);

    Counts counts() const;

  private:
    struct Connection {
        int fd = -1;
        std::string address;
        Clock::time_point deadline;  // max(): the head is in
    };
    void take_slot(std::string_view address);       // mutex_ held
    void release_slot(const std::string& address);  // mutex_ held

    const ConnectionGuardOptions opt_;
    mutable std::mutex mutex_;
    std::unordered_map<const void*, Connection> connections_;
    std::unordered_map<std::string, unsigned> per_address_;
    Counts counts_;
};

}  // namespace talksearch

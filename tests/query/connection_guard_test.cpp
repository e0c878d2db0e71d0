#include "query/connection_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

using namespace talksearch;
using namespace std::chrono_literals;
using Admission = ConnectionGuard::Admission;

namespace {

// A connected pair of real sockets: the guard watches `server`; `client` sees what it does.
struct SocketPair {
    int client = -1, server = -1;
    SocketPair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        client = fds[0];
        server = fds[1];
    }
    ~SocketPair() {
        ::close(client);
        ::close(server);
    }
    SocketPair(const SocketPair&) = delete;
    SocketPair& operator=(const SocketPair&) = delete;
    // The client sees the end of the stream (the server shut its socket down).
    bool client_sees_end() const {
        char c = 0;
        return ::recv(client, &c, 1, MSG_DONTWAIT) == 0;
    }
};

// Admits and opens one connection of `address` as `id` on socket `fd`.
Admission connect(ConnectionGuard& guard, const void* id, std::string_view address, int fd = -1) {
    const Admission a = guard.admit(address);
    if (a == Admission::kAdmitted) guard.opened(id, fd, address);
    return a;
}

ConnectionGuard::Clock::time_point now() { return ConnectionGuard::Clock::now(); }

}  // namespace

TEST_CASE("a full guard refuses every client until a connection closes", "[connection_guard]") {
    ConnectionGuard guard({.limit = 3, .reserve = 1, .light_client = 8});
    int ids[4];
    CHECK(connect(guard, &ids[0], "a") == Admission::kAdmitted);
    CHECK(connect(guard, &ids[1], "b") == Admission::kAdmitted);
    CHECK(connect(guard, &ids[2], "c") == Admission::kAdmitted);
    CHECK(connect(guard, &ids[3], "d") == Admission::kFull);
    CHECK(guard.counts().open == 3);
    guard.closed(&ids[1]);
    CHECK(connect(guard, &ids[3], "d") == Admission::kAdmitted);
    CHECK(guard.counts().refused_full == 1);
}

TEST_CASE("the reserve is kept for addresses that hold few connections", "[connection_guard]") {
    ConnectionGuard guard({.limit = 10, .reserve = 3, .light_client = 2});
    int flood[10], fresh[3];
    // One address takes every slot but the reserve, and no more.
    int admitted = 0;
    for (int& id : flood) admitted += connect(guard, &id, "flood") == Admission::kAdmitted;
    CHECK(admitted == 7);
    CHECK(guard.counts().refused_reserved == 3);
    // New addresses get the reserve, one of them up to light_client connections.
    CHECK(connect(guard, &fresh[0], "new") == Admission::kAdmitted);
    CHECK(connect(guard, &fresh[1], "new") == Admission::kAdmitted);
    CHECK(connect(guard, &fresh[2], "new") == Admission::kReserved);
    CHECK(connect(guard, &fresh[2], "other") == Admission::kAdmitted);
    CHECK(connect(guard, &fresh[2], "another") == Admission::kFull);
}

TEST_CASE("a slot admitted but never opened is given back at the next admit on its thread",
          "[connection_guard]") {
    ConnectionGuard guard({.limit = 1, .reserve = 1});
    CHECK(guard.admit("a") == Admission::kAdmitted);
    CHECK(guard.counts().open == 1);
    // The connection was dropped before it existed: the next client gets the slot.
    int id = 0;
    CHECK(connect(guard, &id, "b") == Admission::kAdmitted);
    CHECK(guard.counts().open == 1);
    guard.closed(&id);
    CHECK(guard.counts().open == 0);
}

TEST_CASE("a connection whose head is overdue is shut down, however recently it sent a byte",
          "[connection_guard]") {
    ConnectionGuard guard({.head_timeout = 2s, .idle_timeout = 10s});
    SocketPair slow, fast, kept;
    int slow_id = 0, fast_id = 0, kept_id = 0;
    REQUIRE(connect(guard, &slow_id, "a", slow.server) == Admission::kAdmitted);
    REQUIRE(connect(guard, &fast_id, "a", fast.server) == Admission::kAdmitted);
    REQUIRE(connect(guard, &kept_id, "a", kept.server) == Admission::kAdmitted);
    guard.head_complete(&fast_id);
    // Answered and kept alive: the next head has the idle timeout plus the head timeout.
    guard.head_complete(&kept_id);
    guard.request_done(&kept_id);

    CHECK(guard.close_overdue(now() + 1s) == 0);
    CHECK_FALSE(slow.client_sees_end());
    CHECK(guard.close_overdue(now() + 3s) == 1);
    CHECK(slow.client_sees_end());
    CHECK_FALSE(fast.client_sees_end());
    CHECK(guard.close_overdue(now() + 11s) == 0);
    CHECK_FALSE(kept.client_sees_end());
    CHECK(guard.close_overdue(now() + 13s) == 1);
    CHECK(kept.client_sees_end());
    // Counted once each; a slot stays taken until the owner closes the connection.
    CHECK(guard.close_overdue(now() + 60s) == 0);
    CHECK(guard.counts().heads_timed_out == 2);
    CHECK(guard.counts().open == 3);
    guard.closed(&slow_id);
    CHECK(guard.counts().open == 2);
}

TEST_CASE("connections admitted from several threads at once are all counted and freed",
          "[connection_guard]") {
    ConnectionGuard guard({.limit = 4000, .reserve = 1, .light_client = 100000});
    std::vector<std::thread> threads;
    std::vector<int> ids(4000);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = t * 1000; i < (t + 1) * 1000; ++i) connect(guard, &ids[i], "x");
            for (int i = t * 1000; i < (t + 1) * 1000; ++i) guard.closed(&ids[i]);
        });
    }
    for (auto& t : threads) t.join();
    CHECK(guard.counts().open == 0);
    CHECK(guard.counts().refused_full == 0);
}

TEST_CASE("default_reserve keeps a tenth of the slots and at least one", "[connection_guard]") {
    CHECK(default_reserve(1000) == 100);
    CHECK(default_reserve(5) == 1);
    CHECK(default_reserve(1) == 1);
}

namespace {

std::string key_of_v4(const char* text) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(1234);
    REQUIRE(::inet_pton(AF_INET, text, &a.sin_addr) == 1);
    return client_key(reinterpret_cast<const sockaddr*>(&a));
}

std::string key_of_v6(const char* text, std::uint16_t port = 1234) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    REQUIRE(::inet_pton(AF_INET6, text, &a.sin6_addr) == 1);
    return client_key(reinterpret_cast<const sockaddr*>(&a));
}

}  // namespace

TEST_CASE("a client is counted by its IPv4 address, or its IPv6 /64, whatever its port",
          "[connection_guard]") {
    CHECK(key_of_v4("192.0.2.7") == std::string("\xc0\x00\x02\x07", 4));
    CHECK(key_of_v4("192.0.2.7") != key_of_v4("192.0.2.8"));
    SECTION("an IPv4 client of a dual-stack socket is its IPv4 address") {
        CHECK(key_of_v6("::ffff:192.0.2.7") == key_of_v4("192.0.2.7"));
        CHECK(key_of_v6("::ffff:192.0.2.8") != key_of_v4("192.0.2.7"));
    }
    SECTION("every address of one IPv6 /64 is one client, and the next /64 another") {
        const std::string one = key_of_v6("2001:db8:1:2::1");
        CHECK(one.size() == 8);
        CHECK(key_of_v6("2001:db8:1:2:ffff:ffff:ffff:fffe", 4321) == one);
        CHECK(key_of_v6("2001:db8:1:3::1") != one);
        CHECK(key_of_v6("::1") != one);
    }
    SECTION("a flood from one /64 takes no reserve slot, while another /64 does") {
        ConnectionGuardOptions o;
        o.limit = 10;
        o.reserve = 2;
        o.light_client = 3;
        ConnectionGuard guard(o);
        std::array<int, 9> ids{};  // their addresses name the connections
        std::vector<Admission> flood;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::string key = key_of_v6(("2001:db8:1:2::" + std::to_string(i + 1)).c_str());
            flood.push_back(guard.admit(key));
            if (flood.back() == Admission::kAdmitted) guard.opened(&ids[i], -1, key);
        }
        CHECK(std::count(flood.begin(), flood.end(), Admission::kAdmitted) == 8);
        CHECK(flood.back() == Admission::kReserved);
        CHECK(guard.admit(key_of_v6("2001:db8:1:3::1")) == Admission::kAdmitted);
    }
    SECTION("no address, or another family, is the empty key") {
        CHECK(client_key(nullptr).empty());
        sockaddr unix_addr{};
        unix_addr.sa_family = AF_UNIX;
        CHECK(client_key(&unix_addr).empty());
    }
}

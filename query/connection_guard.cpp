#include "query/connection_guard.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

namespace talksearch {

namespace {

// The slot admit() took on this thread that opened() has not bound yet.
// libmicrohttpd calls its accept policy and then its "started" notification
// on the thread that accepted, one connection at a time; when it drops a
// connection in between (out of memory), the next admit() gives the slot back.
struct Unclaimed {
    const ConnectionGuard* guard = nullptr;
    std::string address;
};
thread_local Unclaimed unclaimed;

}  // namespace

std::string client_key(const sockaddr* addr) {
    if (addr == nullptr) return {};
    if (addr->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        return std::string(reinterpret_cast<const char*>(&in->sin_addr), sizeof in->sin_addr);
    }
    if (addr->sa_family == AF_INET6) {
        const in6_addr& in6 = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr;
        const auto* bytes = reinterpret_cast<const char*>(&in6);
        if (IN6_IS_ADDR_V4MAPPED(&in6)) return std::string(bytes + 12, 4);
        return std::string(bytes, 8);
    }
    return {};
}

unsigned default_reserve(unsigned limit) { return std::max(1u, limit / 10); }

ConnectionGuard::ConnectionGuard(ConnectionGuardOptions options) : opt_(std::move(options)) {}

void ConnectionGuard::take_slot(std::string_view address) {
    ++counts_.open;
    ++per_address_[std::string(address)];
}

void ConnectionGuard::release_slot(const std::string& address) {
    --counts_.open;
    const auto it = per_address_.find(address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

ConnectionGuard::Admission ConnectionGuard::admit(std::string_view address) {
    const std::lock_guard lock(mutex_);
    if (unclaimed.guard == this) {
        release_slot(unclaimed.address);
        unclaimed.guard = nullptr;
    }
    if (counts_.open >= opt_.limit) {
        ++counts_.refused_full;
        return Admission::kFull;
    }
    const auto it = per_address_.find(std::string(address));
    const unsigned held = it == per_address_.end() ? 0 : it->second;
    if (held >= opt_.light_client && counts_.open + opt_.reserve >= opt_.limit) {
        ++counts_.refused_reserved;
        return Admission::kReserved;
    }
    take_slot(address);
    unclaimed = Unclaimed{this, std::string(address)};
    return Admission::kAdmitted;
}

void ConnectionGuard::opened(const void* id, int fd, std::string_view address) {
    const std::lock_guard lock(mutex_);
    if (unclaimed.guard == this) {
        unclaimed.guard = nullptr;
    } else {
        take_slot(address);
    }
    connections_[id] = Connection{fd, std::string(address), Clock::now() + opt_.head_timeout};
}

void ConnectionGuard::head_complete(const void* id) {
    const std::lock_guard lock(mutex_);
    if (const auto it = connections_.find(id); it != connections_.end()) {
        it->second.deadline = Clock::time_point::max();
    }
}

void ConnectionGuard::request_done(const void* id) {
    const std::lock_guard lock(mutex_);
    if (const auto it = connections_.find(id); it != connections_.end()) {
        it->second.deadline = Clock::now() + opt_.idle_timeout + opt_.head_timeout;
    }
}

void ConnectionGuard::closed(const void* id) {
    const std::lock_guard lock(mutex_);
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    release_slot(it->second.address);
    connections_.erase(it);
}

std::size_t ConnectionGuard::close_overdue(Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    std::size_t closed_now = 0;
    for (auto& [id, c] : connections_) {
        if (c.deadline > now) continue;
        // Under the mutex: the owner closes the socket only after closed(),
        // so `fd` is still this connection's.
        ::shutdown(c.fd, SHUT_RDWR);
        c.deadline = Clock::time_point::max();
        ++closed_now;
    }
    counts_.heads_timed_out += closed_now;
    return closed_now;
}

ConnectionGuard::Counts ConnectionGuard::counts() const {
    const std::lock_guard lock(mutex_);
    return counts_;
}

}  // namespace talksearch

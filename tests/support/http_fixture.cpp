#include "tests/support/http_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace talksearch::test {

std::vector<Logged> ServerLog::starting_with(std::string_view prefix) const {
    std::vector<Logged> out;
    for (const Logged& r : requests) {
        if (std::string_view(r.path).starts_with(prefix)) out.push_back(r);
    }
    return out;
}

std::string raw_get(int port, const std::string& path, const std::string& host) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    REQUIRE(::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1);
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    std::string response;
    if (connected) {
        const std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size())) {
            char buf[65536];
            ssize_t n = 0;
            while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
                response.append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    ::close(fd);
    REQUIRE(connected);
    const std::size_t body = response.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    return response.substr(body + 4);
}

namespace {

std::vector<std::string> fixture_command(bool tls, const std::string& root,
                                         const std::string& host) {
    std::vector<std::string> argv = {TALKSEARCH_PYTHON3, TALKSEARCH_HTTP_FIXTURE,
                                     "--port",           "0",
                                     "--lifetime",       "120",
                                     "--host",           host};
    if (tls) argv.emplace_back("--tls");
    if (!root.empty()) {
        argv.emplace_back("--root");
        argv.push_back(root);
    }
    return argv;
}

}  // namespace

FixtureServer::FixtureServer(bool tls, const std::string& root, const std::string& host)
    : process_(fixture_command(tls, root, host)), host_(host) {
    port_ = std::stoi(process_.first_line());
    REQUIRE(port_ > 0);
}

ServerLog FixtureServer::log() const {
    const std::string text = raw_get(port_, "/log", host_);
    simdjson::dom::parser parser;
    simdjson::dom::element doc = parser.parse(simdjson::padded_string(text));
    ServerLog log;
    log.max_in_flight = doc["max_in_flight"].get_int64();
    log.connections = doc["connections"].get_int64() - 1;
    for (simdjson::dom::element r : doc["requests"].get_array()) {
        Logged l;
        l.path = std::string(r["path"].get_string().value());
        l.time = r["time"].get_double();
        auto text_of = [&r](const char* key) {
            std::string_view v;
            return r[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
        };
        l.if_none_match = text_of("if_none_match");
        l.if_modified_since = text_of("if_modified_since");
        l.accept_encoding = text_of("accept_encoding");
        l.user_agent = text_of("user_agent");
        log.requests.push_back(std::move(l));
    }
    return log;
}

}  // namespace talksearch::test

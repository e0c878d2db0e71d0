// Fetching: the transfers (libcurl multi), their retries and how each attempt ended. The URL
// checks and the SSRF guard are in fetch_guard.cpp, the conditional-GET cache in fetch_cache.cpp.
#include "indexer/sources/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <limits>

#include "core/error.h"
#include "core/text.h"
#include "indexer/sources/fetch_cache.h"
#include "indexer/sources/fetch_curl.h"
#include "indexer/sources/fetch_guard.h"

namespace talksearch {

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Small text helpers

std::string_view trim_view(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return s;
}

// The first line of `s`, without trailing blanks: error messages are one line.
std::string one_line(std::string_view s) {
    const std::size_t end = s.find_first_of("\r\n");
    return std::string(trim_view(s.substr(0, end)));
}

// "10 s", "1.5 s", "0.25 s".
std::string format_seconds(long ms) {
    std::string s = std::to_string(ms / 1000);
    if (long frac = ms % 1000; frac != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%03ld", frac);
        std::string f = buf;
        while (f.back() == '0') f.pop_back();
        s += f;
    }
    return s + " s";
}

// ---------------------------------------------------------------------------------------------
// Transfers

// "123" seconds or an HTTP date, as milliseconds from now (never negative).
std::optional<long> parse_retry_after(std::string_view value) {
    value = trim_view(value);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return std::numeric_limits<long>::max();
        return std::stol(std::string(value)) * 1000;
    }
    const std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
    if (when == -1) return std::nullopt;
    const std::time_t now = std::time(nullptr);
    return when <= now ? 0L : static_cast<long>(when - now) * 1000;
}

// How one attempt ended.
struct Outcome {
    enum class Kind { kFresh, kNotModified, kFailed } kind = Kind::kFailed;
    std::string error;
    bool retry = false;
};

struct Fetcher;

// A redirect target as a report may show it: without the user, password, query and fragment that
// a Location header can carry (credentials, signed-URL tokens), and cut at 200 bytes.
std::string url_for_report(const char* url) {
    std::string out = "(unreadable URL)";
    CURLU* u = curl_url();
    char* clean = nullptr;
    if (u != nullptr && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
        for (CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
                               CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
            curl_url_set(u, part, nullptr, 0);
        }
        if (curl_url_get(u, CURLUPART_URL, &clean, 0) == CURLUE_OK && clean != nullptr) out = clean;
    }
    curl_free(clean);
    curl_url_cleanup(u);
    constexpr std::size_t kMaxShown = 200;
    if (out.size() > kMaxShown) out = out.substr(0, kMaxShown) + "...";
    return out;
}

// The error of a refused connection: "blocked address 169.254.169.254 (link-local or metadata)
// at redirect 1 to http://169.254.169.254/talksearch-ssrf-test/". The hop is read from the handle
// in the middle of its transfer: after a redirect, libcurl has set both before it connects.
std::string refusal(CURL* h, const std::string& ip) {
    std::string error = "blocked address " + (ip.empty() ? std::string("(unknown)") : ip);
    if (address_kind(ip) == AddressKind::kSensitive) error += " (link-local or metadata)";
    long redirects = 0;
    char* url = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_REDIRECT_COUNT, &redirects) == CURLE_OK && redirects > 0 &&
        curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url != nullptr) {
        error += " at redirect " + std::to_string(redirects) + " to " + url_for_report(url);
    }
    return error;
}

// One URL: its result, its cached copy, and the state of the attempt in flight.
struct Transfer {
    Fetcher* fetcher = nullptr;
    FetchResult result;
    std::optional<CacheEntry> cached;  // its validators are sent with every attempt
    bool extra_attempt = false;        // one unconditional retry after an unusable cached copy
    Clock::time_point ready_at{};

    // Per attempt.
    EasyHandle easy;
    HeaderList headers;
    std::string body;
    bool over_cap = false;
    bool out_of_memory = false;
    std::string blocked;  // the guard's refusal (fetch.h: FetchResult::error)
    std::optional<long> retry_after_ms;
    std::string etag, last_modified;
    char errbuf[CURL_ERROR_SIZE] = {};
};

struct Fetcher {
    const FetchOptions& options;
    std::vector<AllowedAddress> allowed;
    MultiHandle multi;                // destroyed after the transfers' easy handles
    std::vector<Transfer> transfers;  // never resized once pointers to them are handed out

    Fetcher(const FetchOptions& o, std::size_t n)
        : options(o), allowed(parse_allowed(o.allowed_private)), transfers(n) {
        multi.reset(curl_multi_init());
        if (!multi) throw Error("curl_multi_init failed");
    }
    ~Fetcher() {
        for (Transfer& t : transfers) {
            if (t.easy) curl_multi_remove_handle(multi.get(), t.easy.get());
            t.easy.reset();
        }
    }
    Fetcher(const Fetcher&) = delete;
    Fetcher& operator=(const Fetcher&) = delete;

    // The SSRF guard: true when a connection to ip:port may be made; else the transfer
    // remembers the first refusal, with the hop it ended.
    bool may_connect(Transfer& t, const std::string& ip, long port) const {
        if (connection_allowed(ip, port, options.allow_private_addresses, allowed)) return true;
        if (t.blocked.empty()) t.blocked = refusal(t.easy.get(), ip);
        return false;
    }

    void start(Transfer& t);
    Outcome finish(Transfer& t, CURLcode rc);
    Outcome classify(Transfer& t, CURLcode rc, long status) const;
    void conclude(Transfer& t, Outcome outcome, std::optional<std::string> cached_body = {});
    void run(std::deque<std::size_t> queue);
};

// --- callbacks (never throw: libcurl is C) ---------------------------------------------------

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    const std::size_t cap = t->fetcher->options.max_bytes;
    if (n > cap - std::min(cap, t->body.size())) {
        t->over_cap = true;
        return 0;  // CURLE_WRITE_ERROR: the cap counts decoded bytes, whatever the framing
    }
    try {
        t->body.append(data, n);
    } catch (const std::bad_alloc&) {
        t->out_of_memory = true;
        return 0;
    }
    return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    const std::string_view line = trim_view(std::string_view(data, n));
    try {
        if (line.starts_with("HTTP/")) {  // a new response (a redirect, 100 Continue): start over
            t->etag.clear();
            t->last_modified.clear();
            t->retry_after_ms.reset();
            return n;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return n;
        const std::string_view name = trim_view(line.substr(0, colon));
        const std::string_view value = trim_view(line.substr(colon + 1));
        // Validators are sent back in request headers: keep only short, clean ones.
        const bool clean = !value.empty() && value.size() <= 1024 && !has_control(value);
        const std::string key = ascii_lower(name);
        if (key == "etag" && clean) t->etag = value;
        if (key == "last-modified" && clean) t->last_modified = value;
        if (key == "retry-after") t->retry_after_ms = parse_retry_after(value);
    } catch (const std::exception&) {
        return 0;
    }
    return n;
}

// Before a socket is opened for a connection: the guard sees the address actually about to be
// connected to (after DNS, for every redirect hop, for each address tried).
curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(user);
    char buf[INET6_ADDRSTRLEN] = {};
    long port = 0;
    bool known = false;
    if (address->family == AF_INET) {
        sockaddr_in sin{};
        std::memcpy(&sin, &address->addr, sizeof sin);
        known = inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf) != nullptr;
        port = ntohs(sin.sin_port);
    } else if (address->family == AF_INET6) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, &address->addr, std::min<std::size_t>(sizeof sin6, address->addrlen));
        known = inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf) != nullptr;
        port = ntohs(sin6.sin6_port);
    }
    try {
        if (!t->fetcher->may_connect(*t, known ? std::string(buf) : std::string(), port)) {
            return CURL_SOCKET_BAD;
        }
    } catch (const std::exception&) {
        return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

// Before each request, also on a reused connection: the address the request goes to.
int on_prereq(void* user, char* primary_ip, char*, int primary_port, int) {
    auto* t = static_cast<Transfer*>(user);
    try {
        return t->fetcher->may_connect(*t, primary_ip != nullptr ? primary_ip : "", primary_port)
                   ? CURL_PREREQFUNC_OK
                   : CURL_PREREQFUNC_ABORT;
    } catch (const std::exception&) {
        return CURL_PREREQFUNC_ABORT;
    }
}

// --- the transfer loop -----------------------------------------------------------------------

void Fetcher::start(Transfer& t) {
    t.body.clear();
    t.over_cap = false;
    t.out_of_memory = false;
    t.blocked.clear();
    t.retry_after_ms.reset();
    t.etag.clear();
    t.last_modified.clear();
    t.errbuf[0] = '\0';
    t.headers.reset();
    t.easy.reset(curl_easy_init());
    if (!t.easy) throw Error("curl_easy_init failed");
    CURL* h = t.easy.get();

    set_option(h, CURLOPT_URL, t.result.url.c_str());
    set_option(h, CURLOPT_PRIVATE, static_cast<void*>(&t));
    set_option(h, CURLOPT_ERRORBUFFER, t.errbuf);
    set_option(h, CURLOPT_NOSIGNAL, 1L);
    // http and https only, also after a redirect (7.88's default also allows ftp, ftps).
    set_option(h, CURLOPT_PROTOCOLS_STR, "http,https");
    set_option(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    set_option(h, CURLOPT_FOLLOWLOCATION, 1L);
    set_option(h, CURLOPT_MAXREDIRS,
               static_cast<long>(options.max_redirects));  // 7.88 default: none
    set_option(h, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    set_option(h, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
    set_option(h, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    set_option(h, CURLOPT_LOW_SPEED_TIME, options.low_speed_time_s);
    set_option(h, CURLOPT_ACCEPT_ENCODING,
               "");  // every encoding libcurl decodes; the cap is on decoded
    // Refuses a declared Content-Length over the cap before the body; chunked and compressed
    // bodies are stopped by on_body (in 7.88 MAXFILESIZE does not stop them).
    if (options.max_bytes <= static_cast<std::size_t>(std::numeric_limits<curl_off_t>::max())) {
        set_option(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
    }
    // No proxy from the environment: the guard must see the address of the server itself.
    set_option(h, CURLOPT_PROXY, "");
    set_option(h, CURLOPT_USERAGENT, options.user_agent.c_str());
    set_option(h, CURLOPT_WRITEFUNCTION, &on_body);
    set_option(h, CURLOPT_WRITEDATA, static_cast<void*>(&t));
    set_option(h, CURLOPT_HEADERFUNCTION, &on_header);
    set_option(h, CURLOPT_HEADERDATA, static_cast<void*>(&t));
    set_option(h, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
    set_option(h, CURLOPT_OPENSOCKETDATA, static_cast<void*>(&t));
    set_option(h, CURLOPT_PREREQFUNCTION, &on_prereq);
    set_option(h, CURLOPT_PREREQDATA, static_cast<void*>(&t));

    if (t.cached) {
        curl_slist* list = nullptr;
        auto add = [&](const std::string& header) {
            curl_slist* next = curl_slist_append(list, header.c_str());
            if (next == nullptr) {
                curl_slist_free_all(list);
                throw Error("out of memory");
            }
            list = next;
        };
        if (!t.cached->etag.empty()) add("If-None-Match: " + t.cached->etag);
        if (!t.cached->last_modified.empty()) add("If-Modified-Since: " + t.cached->last_modified);
        t.headers.reset(list);
        if (list != nullptr) set_option(h, CURLOPT_HTTPHEADER, list);
    }

    const CURLMcode mrc = curl_multi_add_handle(multi.get(), h);
    if (mrc != CURLM_OK)
        throw Error(std::string("curl_multi_add_handle: ") + curl_multi_strerror(mrc));
    ++t.result.attempts;
}

Outcome Fetcher::classify(Transfer& t, CURLcode rc, long status) const {
    auto fail = [](std::string error, bool retry) {
        return Outcome{Outcome::Kind::kFailed, std::move(error), retry};
    };
    const std::string detail = one_line(t.errbuf[0] != '\0' ? t.errbuf : curl_easy_strerror(rc));
    const std::string cap = "body over " + std::to_string(options.max_bytes) + " bytes";
    if (!t.blocked.empty()) return fail(t.blocked, false);
    switch (rc) {
        case CURLE_OK:
            if (status >= 200 && status < 300) return Outcome{Outcome::Kind::kFresh, {}, false};
            if (status == 304) {
                if (t.cached) return Outcome{Outcome::Kind::kNotModified, {}, false};
                return fail("http 304 without a cached copy", false);
            }
            return fail("http " + std::to_string(status), status == 429 || status >= 500);
        case CURLE_WRITE_ERROR:
            if (t.over_cap) return fail(cap, false);
            return fail(t.out_of_memory ? "out of memory" : detail, false);
        case CURLE_FILESIZE_EXCEEDED:
            return fail(cap, false);
        case CURLE_TOO_MANY_REDIRECTS:
            return fail("too many redirects", false);
        case CURLE_UNSUPPORTED_PROTOCOL:
            return fail("unsupported protocol", false);
        case CURLE_OPERATION_TIMEDOUT:
            if (detail.starts_with("Operation too slow")) {
                return fail("too slow: under " + std::to_string(options.low_speed_bytes) +
                                " bytes/s for " + format_seconds(options.low_speed_time_s * 1000),
                            true);
            }
            if (detail.find("Connection timed out") != std::string::npos ||
                detail.find("Connection time-out") != std::string::npos ||
                detail.find("Resolving timed out") != std::string::npos) {
                return fail("connect timed out after " + format_seconds(options.connect_timeout_ms),
                            true);
            }
            return fail("timed out after " + format_seconds(options.total_timeout_ms), true);
        case CURLE_COULDNT_RESOLVE_HOST:
            return fail("cannot resolve host: " + detail, true);
        case CURLE_COULDNT_CONNECT:
            return fail("cannot connect: " + detail, true);
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR:
            return fail(detail, true);
        case CURLE_PEER_FAILED_VERIFICATION:
            return fail("tls: " + detail, false);
        default:
            return fail(detail, false);
    }
}

Outcome Fetcher::finish(Transfer& t, CURLcode rc) {
    CURL* h = t.easy.get();
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    char* effective = nullptr;
    curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &effective);
    t.result.http_status = status;
    t.result.final_url = effective != nullptr ? effective : "";
    Outcome outcome = classify(t, rc, status);
    curl_multi_remove_handle(multi.get(), h);
    t.easy.reset();
    t.headers.reset();
    return outcome;
}

// Sets the result of a transfer that will not be retried. `cached_body`: the verified cached
// copy, read already for a 304.
void Fetcher::conclude(Transfer& t, Outcome outcome, std::optional<std::string> cached_body) {
    FetchResult& r = t.result;
    if (outcome.kind == Outcome::Kind::kFresh) {
        r.ok = true;
        r.body = std::move(t.body);
        r.etag = t.etag;
        r.last_modified = t.last_modified;
        if (!options.cache_dir.empty() && r.http_status == 200) {
            std::string error =
                store_cache_entry(options.cache_dir, r.url, r.body, r.etag, r.last_modified);
            if (!error.empty()) r.cache_error = std::move(error);  // else keep "damaged", if so
        }
        return;
    }
    if (outcome.kind == Outcome::Kind::kNotModified) {
        r.ok = r.from_cache = r.not_modified = true;
        r.body = std::move(*cached_body);
        r.etag = t.etag.empty() ? t.cached->etag : t.etag;
        r.last_modified = t.last_modified.empty() ? t.cached->last_modified : t.last_modified;
        if (r.etag != t.cached->etag || r.last_modified != t.cached->last_modified) {
            r.cache_error =
                store_cache_entry(options.cache_dir, r.url, r.body, r.etag, r.last_modified);
        }
        return;
    }
    r.error = std::move(outcome.error);
    r.body.clear();
    if (t.cached) {
        if (std::optional<std::string> body = read_cached_body(*t.cached)) {
            r.ok = r.from_cache = r.stale = true;
            r.body = std::move(*body);
            r.etag = t.cached->etag;
            r.last_modified = t.cached->last_modified;
        } else {
            r.cache_error = "the cached copy is damaged";
        }
    }
}

void Fetcher::run(std::deque<std::size_t> queue) {
    const std::size_t parallel = std::max<std::size_t>(1, options.parallel);
    const int max_attempts = std::max(1, options.max_attempts);
    std::vector<std::size_t> waiting;  // retries, each with its ready_at
    std::size_t active = 0;
    while (!queue.empty() || !waiting.empty() || active > 0) {
        // Retries that are due go first, then new URLs, up to `parallel` in flight.
        const Clock::time_point now = Clock::now();
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (transfers[*it].ready_at <= now) {
                queue.push_front(*it);
                it = waiting.erase(it);
            } else {
                ++it;
            }
        }
        while (active < parallel && !queue.empty()) {
            start(transfers[queue.front()]);
            queue.pop_front();
            ++active;
        }

        int running = 0;
        const CURLMcode mrc = curl_multi_perform(multi.get(), &running);
        if (mrc != CURLM_OK)
            throw Error(std::string("curl_multi_perform: ") + curl_multi_strerror(mrc));

        bool finished_any = false;
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi.get(), &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            void* priv = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            Transfer& t = *static_cast<Transfer*>(priv);
            const CURLcode rc = msg->data.result;  // read before the handle is removed
            Outcome outcome = finish(t, rc);
            --active;
            finished_any = true;

            std::optional<std::string> cached_body;
            if (outcome.kind == Outcome::Kind::kNotModified) {
                cached_body = read_cached_body(*t.cached);
                if (!cached_body) {
                    // The server confirmed a copy we can no longer read (damaged since it was
                    // checked): forget it and ask once more, unconditionally, at once.
                    remove_cache_entry(options.cache_dir, t.result.url);
                    t.result.cache_error = "the cached copy is damaged";
                    t.cached.reset();
                    t.extra_attempt = true;
                    t.ready_at = Clock::now();
                    waiting.push_back(static_cast<std::size_t>(&t - transfers.data()));
                    continue;
                }
            }
            const int attempt_limit = max_attempts + (t.extra_attempt ? 1 : 0);
            if (outcome.kind == Outcome::Kind::kFailed && outcome.retry &&
                t.result.attempts < attempt_limit) {
                long delay_ms = 0;
                if (t.retry_after_ms) {
                    delay_ms = std::min(*t.retry_after_ms, options.max_retry_after_ms);
                } else {
                    const int doublings = std::min(t.result.attempts - 1, 20);
                    delay_ms = static_cast<long>(std::min<double>(
                        static_cast<double>(options.backoff_initial_ms) * (1 << doublings),
                        24.0 * 3600 * 1000));
                }
                t.ready_at = Clock::now() + std::chrono::milliseconds(std::max(0L, delay_ms));
                waiting.push_back(static_cast<std::size_t>(&t - transfers.data()));
                continue;
            }
            conclude(t, std::move(outcome), std::move(cached_body));
        }
        if (finished_any) continue;  // slots may have opened: start more before waiting

        // Wait for socket activity, curl's own timers, or the next retry, whichever is first.
        long wait_ms = 1000;
        if (!waiting.empty()) {
            Clock::time_point next = transfers[waiting.front()].ready_at;
            for (std::size_t i : waiting) next = std::min(next, transfers[i].ready_at);
            const auto until =
                std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
            wait_ms = std::clamp<long>(static_cast<long>(until) + 1, 0, wait_ms);
        }
        if (active == 0 && queue.empty() && wait_ms == 0) continue;
        const CURLMcode prc =
            curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(wait_ms), nullptr);
        if (prc != CURLM_OK)
            throw Error(std::string("curl_multi_poll: ") + curl_multi_strerror(prc));
    }
}

}  // namespace

std::vector<FetchResult> fetch_all(const std::vector<std::string>& urls,
                                   const FetchOptions& options) {
    ensure_curl();
    if (has_control(options.user_agent)) {
        throw Error("fetch: the user agent holds a control character");
    }
    Fetcher fetcher(options, urls.size());
    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        Transfer& t = fetcher.transfers[i];
        t.fetcher = &fetcher;
        t.result.url = urls[i];
        if (!options.cache_dir.empty()) t.cached = load_cache_entry(options.cache_dir, urls[i]);
        if (std::optional<std::string> bad = check_url(urls[i])) {
            fetcher.conclude(t, Outcome{Outcome::Kind::kFailed, std::move(*bad), false});
        } else {
            queue.push_back(i);
        }
    }
    fetcher.run(std::move(queue));
    std::vector<FetchResult> results;
    results.reserve(urls.size());
    for (Transfer& t : fetcher.transfers) results.push_back(std::move(t.result));
    return results;
}

}  // namespace talksearch

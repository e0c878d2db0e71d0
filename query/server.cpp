#include "query/server.h"

#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json_writer.h"
#include "core/text.h"
#include "query/connection_guard.h"
#include "query/http_api.h"
#include "query/http_encoding.h"
#include "query/metrics.h"
#include "query/render.h"
#include "query/render_talk.h"
#include "query/searcher.h"
#include "query/talk_params.h"

namespace talksearch {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";
constexpr const char* kAllowedMethods = "GET, HEAD, OPTIONS";
constexpr const char* kApiCache = "public, max-age=30";
constexpr const char* kNoStore = "no-store";
constexpr std::size_t kMaxLogLinesPerSecond = 20;
constexpr long kMaxTestDelayMs = 10000;
// How often connections whose request head is overdue are looked for.
constexpr std::chrono::milliseconds kSweepInterval{100};

// One request, from its request line (libmicrohttpd's URI callback) to its
// completion callback, which frees it.
struct RequestState {
    Clock::time_point start = Clock::now();
    std::string target;            // the request target as sent, cut after max_uri_bytes + 1
    std::size_t target_bytes = 0;  // its full length
    const char* endpoint = "other";
    unsigned status = 0;    // the status we queued; 0 when libmicrohttpd answered or none was
    bool seen = false;      // the access handler has been called (the headers are in)
    bool answered = false;  // a response is queued (the request counts as in flight)
};

// What a handler answers.
struct Reply {
    unsigned status = 200;
    std::string content_type = kJson;
    std::string body;
    std::string cache_control = kNoStore;
    bool cors = false;  // Access-Control-Allow-Origin: *
    bool etag = false;  // an ETag of the body, and 304 to a matching If-None-Match
    const PreparedBody* prepared = nullptr;  // the body made ahead (a static file), not `body`
    std::vector<std::pair<std::string, std::string>> headers;
};

Reply json_reply(unsigned status, std::string_view message) {
    Reply r;
    r.status = status;
    r.body = json_error(message);
    return r;
}

struct PooledSearcher {
    std::unique_ptr<Searcher> searcher;
    Clock::time_point refreshed;
};

// A Prometheus label value: backslash, quote and newline escaped.
std::string label_value(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// RFC 9112, 3.2: an HTTP/1.1 request without a Host header, or any request
// with more than one, is a 400. libmicrohttpd lets them through unless it is
// told to be strict (MHD_OPTION_STRICT_FOR_CLIENT), which would refuse other
// things too and answer with its own HTML.
bool bad_host(MHD_Connection* c, std::string_view version) {
    unsigned hosts = 0;
    MHD_get_connection_values(
        c, MHD_HEADER_KIND,
        [](void* cls, MHD_ValueKind, const char* key, const char*) {
            if (::strcasecmp(key, "Host") == 0) ++*static_cast<unsigned*>(cls);
            return MHD_YES;
        },
        &hosts);
    return hosts > 1 || (hosts == 0 && version == MHD_HTTP_VERSION_1_1);
}

// What the request's headers say about the forms of a body it takes.
ClientPreferences client_preferences(MHD_Connection* c) {
    ClientPreferences p;
    const char* ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    p.gzip = ae != nullptr && accepts_gzip(ae);
    if (const char* inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match")) {
        p.if_none_match = inm;
    }
    return p;
}

MHD_Result collect_param(void* cls, MHD_ValueKind, const char* key, size_t key_size,
                         const char* value, size_t value_size) {
    auto* params = static_cast<QueryParams*>(cls);
    if (params->size() >= 256) return MHD_NO;  // enough: the rest are not ours
    params->push_back({std::string(key, key_size),
                       value == nullptr ? std::string() : std::string(value, value_size)});
    return MHD_YES;
}

}  // namespace

struct Server::Impl {
    ServerOptions opt;
    MHD_Daemon* daemon = nullptr;
    MHD_socket listen_fd = MHD_INVALID_SOCKET;  // closed after MHD_stop_daemon
    std::uint16_t bound_port = 0;
    mutable std::mutex base_mutex;  // base is set once the port is known, threads running
    std::string base;
    std::string public_base() const {
        const std::lock_guard lock(base_mutex);
        return base.empty() ? opt.base_url : base;
    }
    std::map<std::string, PreparedBody, std::less<>> prepared_assets;  // gzip'ed once, tagged
    std::time_t started_at = std::time(nullptr);

    HttpMetrics metrics;
    std::unique_ptr<ConnectionGuard> guard;  // slots and request-head deadlines
    std::jthread sweeper;                    // closes connections whose head is overdue
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
    std::atomic<std::uint64_t> reloads{0};
    std::atomic<std::uint64_t> partial_results{0};
    std::atomic<std::uint64_t> aborted{0};

    std::mutex pool_mutex;
    std::vector<std::unique_ptr<PooledSearcher>> idle;  // LIFO: the warmest first
    std::size_t searchers = 0;

    std::mutex log_mutex;
    Clock::time_point log_window{};
    std::size_t log_lines = 0, log_suppressed = 0;

    void log(std::string_view line);
    std::unique_ptr<PooledSearcher> acquire();
    void release(std::unique_ptr<PooledSearcher> p);
    template <typename Fn>
    Reply with_searcher(Fn&& fn);

    Reply route(MHD_Connection* c, std::string_view method, RequestState& st);
    Reply api(MHD_Connection* c, RequestState& st, ApiEndpoint endpoint);
    Reply talk(MHD_Connection* c, RequestState& st, std::string_view id, bool json);
    Reply failed(const RequestState& st, std::string_view what);
    Reply healthz();
    Reply metrics_page();
    Reply static_asset(std::string_view path);
    MHD_Result queue(MHD_Connection* c, RequestState& st, const Reply& r);

    void sweep(std::stop_token stop);
    static MHD_Result on_accept(void* cls, const sockaddr* addr, socklen_t addrlen);
    static void on_connection(void* cls, MHD_Connection* c, void** socket_context,
                              MHD_ConnectionNotificationCode code);
    static void* on_uri(void* cls, const char* uri, MHD_Connection* c);
    static MHD_Result on_access(void* cls, MHD_Connection* c, const char* url, const char* method,
                                const char* version, const char* upload_data,
                                size_t* upload_data_size, void** req_cls);
    static void on_completed(void* cls, MHD_Connection* c, void** req_cls,
                             MHD_RequestTerminationCode toe);
    static void on_mhd_log(void* cls, const char* fmt, va_list ap);
};

void Server::Impl::log(std::string_view line) {
    if (!opt.log) return;
    std::string suppressed;
    {
        const std::lock_guard lock(log_mutex);
        const auto now = Clock::now();
        if (now - log_window >= std::chrono::seconds(1)) {
            if (log_suppressed > 0) {
                suppressed = std::to_string(log_suppressed) + " more messages suppressed";
            }
            log_window = now;
            log_lines = 0;
            log_suppressed = 0;
        }
        if (++log_lines > kMaxLogLinesPerSecond) {
            ++log_suppressed;
            return;
        }
    }
    if (!suppressed.empty()) opt.log(suppressed);
    opt.log(line);
}

std::unique_ptr<PooledSearcher> Server::Impl::acquire() {
    std::unique_ptr<PooledSearcher> p;
    {
        const std::lock_guard lock(pool_mutex);
        if (!idle.empty()) {
            p = std::move(idle.back());
            idle.pop_back();
        }
    }
    if (!p) {
        p = std::make_unique<PooledSearcher>();
        p->searcher = std::make_unique<Searcher>(opt.index_dir, opt.searcher);  // throws: no index
        p->refreshed = Clock::now();
        const std::lock_guard lock(pool_mutex);
        ++searchers;
    }
    const auto now = Clock::now();
    if (now - p->refreshed >= opt.refresh_interval) {
        p->refreshed = now;
        try {
            if (p->searcher->refresh()) ++reloads;
        } catch (const Error& e) {
            // The handle it has still reads the generation it opened.
            log(std::string("index refresh failed: ") + e.what());
        }
    }
    return p;
}

void Server::Impl::release(std::unique_ptr<PooledSearcher> p) {
    const std::lock_guard lock(pool_mutex);
    idle.push_back(std::move(p));
}

template <typename Fn>
Reply Server::Impl::with_searcher(Fn&& fn) {
    std::unique_ptr<PooledSearcher> p = acquire();
    try {
        Reply r = fn(*p->searcher);
        release(std::move(p));
        return r;
    } catch (const QueryRejected&) {
        release(std::move(p));
        throw;
    } catch (...) {
        // Dropped, not pooled: the next request opens the index afresh.
        const std::lock_guard lock(pool_mutex);
        --searchers;
        throw;
    }
}

Reply Server::Impl::api(MHD_Connection* c, RequestState& st, ApiEndpoint endpoint) {
    QueryParams params;
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, &collect_param, &params);
    Reply r;
    try {
        const SearchRequest req = search_request_from_params(params, endpoint);
        if (opt.test_hooks) {
            for (const QueryParam& p : params) {
                if (p.name == "_delay_ms") {
                    const long ms = std::min(std::atol(p.value.c_str()), kMaxTestDelayMs);
                    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(0L, ms)));
                }
                if (p.name == "_fail") throw std::runtime_error("injected failure in /srv/index");
            }
        }
        r = with_searcher([&](Searcher& s) {
            const SearchResult result = s.search(req);
            Reply ok;
            if (endpoint == ApiEndpoint::kSearch) {
                ok.body = render_json(result);
            } else {
                ok.content_type = "application/atom+xml; charset=utf-8";
                ok.body = render_atom(result, FeedInfo{public_base(), st.target});
            }
            ok.cache_control = kApiCache;
            ok.etag = true;
            if (result.partial()) {
                ++partial_results;
                ok.cache_control = "no-store";  // not to be kept once the shard is back
            }
            return ok;
        });
    } catch (const QueryRejected& e) {
        r = json_reply(400, e.what());
    } catch (const std::exception& e) {
        r = failed(st, e.what());
    } catch (...) {
        r = failed(st, "an unknown exception");
    }
    r.cors = true;
    return r;
}

// A 500 for a request whose handler threw: the message goes to the log, never to the client.
Reply Server::Impl::failed(const RequestState& st, std::string_view what) {
    log(std::string(st.endpoint) + ": 500: " + std::string(what));
    return json_reply(500, "internal error");
}

// A talk's page (/talk/<id>) or its JSON (/api/v1/talk/<id>): 404 for an
// id no talk has; a failure is a 500 like the API's.
Reply Server::Impl::talk(MHD_Connection* c, RequestState& st, std::string_view id, bool json) {
    QueryParams params;
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, &collect_param, &params);
    const TalkQuery q = talk_query_from_params(id, params);
    Reply r;
    try {
        r = with_searcher([&](Searcher& s) {
            const std::optional<TalkPage> page = s.talk(q.request);
            // A shard that is down may hold the talk (a 503, not a 404) or related talks.
            const bool partial = !s.missing_shards().empty();
            Reply ok;
            if (!page) {
                ok = partial ? json_reply(503,
                                          "the talk may be in a part of the index that "
                                          "cannot be read just now")
                             : json_reply(404, "no talk has this id");
                if (partial) ok.headers.emplace_back("Retry-After", "10");
                if (!json) {
                    ok.content_type = "text/html; charset=utf-8";
                    ok.body = render_talk_not_found_html(partial);
                }
                return ok;
            }
            ok.cache_control = partial ? kNoStore : kApiCache;
            ok.etag = !partial;  // revalidated as the search API's answers are
            if (json) {
                ok.body = render_talk_json(*page);
            } else {
                ok.content_type = "text/html; charset=utf-8";
                ok.body = render_talk_html(*page, TalkView{q.start_s, public_base()});
            }
            return ok;
        });
    } catch (const std::exception& e) {
        r = failed(st, e.what());
    } catch (...) {
        r = failed(st, "an unknown exception");
    }
    r.cors = json;
    return r;
}

Reply Server::Impl::healthz() {
    try {
        return with_searcher([&](Searcher& s) {
            // What is live now, not what this searcher opened last (a pooled
            // searcher refreshes at most every refresh_interval).
            if (s.refresh()) ++reloads;
            const std::size_t missing = s.missing_shards().size();
            JsonWriter w;
            // "degraded": answering, without the talks of the shards that are down.
            w.begin_object()
                .key("status")
                .value(missing == 0 ? "ok" : "degraded")
                .key("generation")
                .value(s.describe())
                .key("talks")
                .value(static_cast<std::uint64_t>(s.talk_count()))
                .key("shards")
                .value(static_cast<std::uint64_t>(s.shard_count()))
                .key("shards_missing")
                .value(static_cast<std::uint64_t>(missing))
                .end_object();
            Reply r;
            r.body = w.take() + "\n";
            return r;
        });
    } catch (const std::exception& e) {
        log(std::string("healthz: 503: ") + e.what());
    } catch (...) {
        log("healthz: 503: an unknown exception");
    }
    Reply r;
    r.status = 503;
    r.body = "{\"status\":\"error\",\"error\":\"the index cannot be read\"}\n";
    return r;
}

Reply Server::Impl::metrics_page() {
    Reply r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    std::string& out = r.body;
    out = metrics.render();
    auto gauge = [&](const std::string& name, const std::string& help, const std::string& type,
                     const std::string& sample) {
        out +=
            "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + sample + "\n";
    };
    gauge("talksearch_http_requests_aborted_total",
          "Requests that ended without a response (the client left, a timeout).", "counter",
          "talksearch_http_requests_aborted_total " + std::to_string(aborted.load()));
    const ConnectionGuard::Counts conn = guard->counts();
    out +=
        "# HELP talksearch_http_connections_refused_total Connections closed at accept: every "
        "slot taken (full), or only the reserve left for new clients (reserve).\n"
        "# TYPE talksearch_http_connections_refused_total counter\n"
        "talksearch_http_connections_refused_total{reason=\"full\"} " +
        std::to_string(conn.refused_full) +
        "\ntalksearch_http_connections_refused_total{reason=\"reserve\"} " +
        std::to_string(conn.refused_reserved) + "\n";
    gauge("talksearch_http_request_heads_timed_out_total",
          "Connections closed because their request head took longer than --header-timeout.",
          "counter",
          "talksearch_http_request_heads_timed_out_total " + std::to_string(conn.heads_timed_out));
    gauge("talksearch_http_requests_in_flight", "Requests being answered.", "gauge",
          "talksearch_http_requests_in_flight " + std::to_string(in_flight.load()));
    const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    gauge("talksearch_http_connections_open", "Open client connections.", "gauge",
          "talksearch_http_connections_open " +
              std::to_string(info != nullptr ? info->num_connections : 0));
    std::string talks = "NaN", generation, shards = "NaN", missing = "NaN";
    try {
        with_searcher([&](Searcher& s) {
            if (s.refresh()) ++reloads;
            talks = std::to_string(s.talk_count());
            generation = s.describe();
            shards = std::to_string(s.shard_count());
            missing = std::to_string(s.missing_shards().size());
            return Reply{};
        });
    } catch (...) {
        // Reported as NaN: the index cannot be read.
    }
    gauge("talksearch_index_info", "The live index generation (per shard for shards).", "gauge",
          "talksearch_index_info{generation=\"" + label_value(generation) + "\"} 1");
    gauge("talksearch_index_shards", "Shards the index is split into (1: one index).", "gauge",
          "talksearch_index_shards " + shards);
    gauge("talksearch_index_shards_missing", "Shards that could not be searched just now.", "gauge",
          "talksearch_index_shards_missing " + missing);
    gauge("talksearch_partial_results_total",
          "Search responses that lacked a shard's talks (\"partial\": true).", "counter",
          "talksearch_partial_results_total " + std::to_string(partial_results.load()));
    gauge("talksearch_index_talks", "Talks in the index.", "gauge",
          "talksearch_index_talks " + talks);
    gauge("talksearch_index_reloads_total",
          "Times a searcher picked up a new generation or commit.", "counter",
          "talksearch_index_reloads_total " + std::to_string(reloads.load()));
    std::size_t pool = 0;
    {
        const std::lock_guard lock(pool_mutex);
        pool = searchers;
    }
    gauge("talksearch_searchers", "Open searchers (one per concurrent request at most).", "gauge",
          "talksearch_searchers " + std::to_string(pool));
    gauge("talksearch_start_time_seconds", "When the server started (Unix time).", "gauge",
          "talksearch_start_time_seconds " + std::to_string(started_at));
    return r;
}

Reply Server::Impl::static_asset(std::string_view path) {
    const auto it = opt.assets.find(path);
    if (it == opt.assets.end()) return json_reply(404, "not found");
    Reply r;
    r.content_type = it->second.content_type;
    r.cache_control = "public, max-age=300";
    r.prepared = &prepared_assets.find(path)->second;  // gzip'ed and tagged at construction
    return r;
}

Reply Server::Impl::route(MHD_Connection* c, std::string_view method, RequestState& st) {
    if (method != "GET" && method != "HEAD" && method != "OPTIONS") {
        // Answered before any of the body is read; the connection is closed
        // after it, so the body never is.
        Reply r = json_reply(405, "method not allowed: use GET");
        r.headers.emplace_back("Allow", kAllowedMethods);
        r.headers.emplace_back("Connection", "close");
        return r;
    }
    if (st.target_bytes > opt.max_uri_bytes) {
        return json_reply(414, "the URL is " + std::to_string(st.target_bytes) +
                                   " bytes long; the limit is " +
                                   std::to_string(opt.max_uri_bytes));
    }
    const std::string_view target = st.target;
    const std::string_view path = target.substr(0, target.find('?'));
    // A talk's id may hold any script (percent-encoded): its path is judged
    // once decoded (talk_id_from_path); every other path must be clean as sent.
    const bool talk_path = path.starts_with("/talk/") || path.starts_with("/api/v1/talk/");
    if (!talk_path && !is_clean_path(path)) return json_reply(404, "not found");
    const bool api_path = path.starts_with("/api/");
    if (method == "OPTIONS") {
        st.endpoint = "options";
        Reply r;
        r.status = 204;
        r.content_type.clear();
        r.cors = api_path;
        r.headers.emplace_back("Allow", kAllowedMethods);
        if (api_path) {
            r.headers.emplace_back("Access-Control-Allow-Methods", kAllowedMethods);
            r.headers.emplace_back("Access-Control-Allow-Headers", "Accept, Content-Type");
            r.headers.emplace_back("Access-Control-Max-Age", "86400");
        }
        return r;
    }
    if (path == "/api/v1/search") {
        st.endpoint = "search";
        return api(c, st, ApiEndpoint::kSearch);
    }
    if (path == "/api/v1/feed") {
        st.endpoint = "feed";
        return api(c, st, ApiEndpoint::kFeed);
    }
    if (talk_path) {
        const bool json = api_path;
        st.endpoint = json ? "talk_api" : "talk";
        // An id that does not decode to a valid one is looked up as "": a 404.
        const std::optional<std::string> id = talk_id_from_path(path.substr(json ? 13 : 6));
        return talk(c, st, id.value_or(std::string()), json);
    }
    if (path == "/healthz") {
        st.endpoint = "healthz";
        return healthz();
    }
    if (path == "/metrics") {
        st.endpoint = "metrics";
        return metrics_page();
    }
    if (path == "/opensearch.xml") {
        st.endpoint = "opensearch";
        Reply r;
        r.content_type = "application/opensearchdescription+xml; charset=utf-8";
        r.body = render_opensearch(public_base());
        r.cache_control = "public, max-age=3600";
        r.cors = true;
        return r;
    }
    if (opt.assets.count(path) != 0) st.endpoint = "static";
    Reply r = static_asset(path);
    r.cors = api_path;
    return r;
}

MHD_Result Server::Impl::queue(MHD_Connection* c, RequestState& st, const Reply& r) {
    // The body's form for this client (gzip or not) and its ETag; 304 when
    // the client holds it. HEAD takes the same path: the same headers.
    PreparedBody own;
    if (r.prepared == nullptr) {
        own.plain = r.body;
        if (r.etag && r.status == 200) own.etag = etag_of(own.plain);
    }
    const EncodedBody out =
        encode_body(r.prepared != nullptr ? *r.prepared : own, client_preferences(c));
    const unsigned status = out.not_modified ? 304 : r.status;
    MHD_Response* resp = MHD_create_response_from_buffer(
        out.bytes.size(), const_cast<char*>(out.bytes.data()), MHD_RESPMEM_MUST_COPY);
    if (resp == nullptr) return MHD_NO;
    if (!r.content_type.empty() && !out.not_modified) {
        MHD_add_response_header(resp, "Content-Type", r.content_type.c_str());
    }
    if (r.content_type.starts_with("text/html")) {
        // Pages are not to be framed (clickjacking); X-Frame-Options for browsers
        // without CSP's frame-ancestors.
        MHD_add_response_header(resp, "Content-Security-Policy", kHtmlContentSecurityPolicy);
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    }
    if (out.gzip && !out.not_modified) MHD_add_response_header(resp, "Content-Encoding", "gzip");
    if (out.vary) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (!out.etag.empty()) MHD_add_response_header(resp, "ETag", out.etag.c_str());
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cache-Control", r.cache_control.c_str());
    if (r.cors) MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
    for (const auto& [name, value] : r.headers)
        MHD_add_response_header(resp, name.c_str(), value.c_str());
    // While stopping, clients are told to go elsewhere for their next request.
    if (stopping.load()) MHD_add_response_header(resp, "Connection", "close");
    const MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    st.status = status;
    return ret;
}

// Until stopped: every kSweepInterval, closes the connections whose request head is overdue.
void Server::Impl::sweep(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any wake;  // never notified: a wait ends at the interval or at stop
    std::unique_lock lock(m);
    while (!stop.stop_requested()) {
        wake.wait_for(lock, stop, kSweepInterval, [] { return false; });
        guard->close_overdue(ConnectionGuard::Clock::now());
    }
}

// At accept, before libmicrohttpd makes a connection of the socket: MHD_NO
// closes the socket at once, so a client over the limits fails at once.
MHD_Result Server::Impl::on_accept(void* cls, const sockaddr* addr, socklen_t) {
    auto* self = static_cast<Impl*>(cls);
    return self->guard->admit(client_key(addr)) == ConnectionGuard::Admission::kAdmitted ? MHD_YES
                                                                                         : MHD_NO;
}

void Server::Impl::on_connection(void* cls, MHD_Connection* c, void**,
                                 MHD_ConnectionNotificationCode code) {
    auto* self = static_cast<Impl*>(cls);
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        self->guard->closed(c);
        return;
    }
    const MHD_ConnectionInfo* fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const MHD_ConnectionInfo* addr = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (fd == nullptr) return;  // not a socket: nothing to watch
    self->guard->opened(c, fd->connect_fd,
                        client_key(addr != nullptr ? addr->client_addr : nullptr));
}

void* Server::Impl::on_uri(void* cls, const char* uri, MHD_Connection*) {
    const auto* self = static_cast<const Impl*>(cls);
    auto st = std::make_unique<RequestState>();
    if (uri != nullptr) {
        st->target_bytes = std::strlen(uri);
        st->target.assign(uri, std::min(st->target_bytes, self->opt.max_uri_bytes + 1));
    }
    // Owned by libmicrohttpd's request context until on_completed takes it back;
    // it calls on_completed for every request it called this for.
    return st.release();
}

MHD_Result Server::Impl::on_access(void* cls, MHD_Connection* c, const char* /*url*/,
                                   const char* method, const char* version,
                                   const char* /*upload_data*/, size_t* upload_data_size,
                                   void** req_cls) {
    auto* self = static_cast<Impl*>(cls);
    auto* st = static_cast<RequestState*>(*req_cls);
    if (st == nullptr) return MHD_NO;  // on_uri always sets it
    const std::string_view m = method == nullptr ? "" : method;
    const bool readable = m == "GET" || m == "HEAD" || m == "OPTIONS";
    if (!st->seen) {
        // The first call comes once the headers are in. A response queued now
        // is "early": libmicrohttpd then reads no body and closes the
        // connection after it. That is what a refused method (or a GET that
        // carries a body) gets; a plain GET is answered at the second call,
        // which keeps the connection open for the next request.
        st->seen = true;
        self->guard->head_complete(c);
        const bool has_body =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding") != nullptr || [&] {
                const char* len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
                return len != nullptr && std::string_view(len) != "0";
            }();
        if (readable && !has_body) return MHD_YES;
    } else if (st->answered || *upload_data_size != 0) {
        // Body bytes of a request already answered: close rather than read them.
        return MHD_NO;
    }
    st->answered = true;
    ++self->in_flight;
    Reply r;
    try {
        r = bad_host(c, version == nullptr ? "" : version)
                ? json_reply(400, "a Host header is required (one, in HTTP/1.1)")
                : self->route(c, m, *st);
    } catch (...) {
        // Every handler catches its own; this is the last net (e.g. bad_alloc).
        r = json_reply(500, "internal error");
    }
    return self->queue(c, *st, r);
}

void Server::Impl::on_completed(void* cls, MHD_Connection* c, void** req_cls,
                                MHD_RequestTerminationCode /*toe*/) {
    auto* self = static_cast<Impl*>(cls);
    const std::unique_ptr<RequestState> st(static_cast<RequestState*>(*req_cls));
    *req_cls = nullptr;
    if (!st) return;
    // Kept alive or about to close: either way the next head has a deadline.
    self->guard->request_done(c);
    unsigned status = st->status;
    if (status == 0) {  // libmicrohttpd answered itself (431, 414, 400), or nobody did
        const MHD_ConnectionInfo* info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
        if (info != nullptr) status = info->http_status;
    }
    if (status != 0) {
        const std::chrono::duration<double> took = Clock::now() - st->start;
        self->metrics.record(st->endpoint, status, took.count());
    } else {
        ++self->aborted;
    }
    if (st->answered) --self->in_flight;
}

void Server::Impl::on_mhd_log(void* cls, const char* fmt, va_list ap) {
    auto* self = static_cast<Impl*>(cls);
    char buf[512];
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    std::string_view line = trim(buf);
    line = line.substr(0, line.find(" ('<html>"));  // its error pages' HTML says nothing more
    // A client that hangs up or resets mid-request is ordinary traffic, not a
    // problem; so is a head cut off at the header timeout (ConnectionGuard
    // shuts the socket down, which libmicrohttpd reads as a closure).
    if (line.starts_with("Connection was closed by remote side") ||
        line.starts_with("Socket has been disconnected when reading request") ||
        line.ends_with("due to the error: detected connection closure")) {
        return;
    }
    self->log(std::string("libmicrohttpd: ") + std::string(line));
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->opt = std::move(options);
    ServerOptions& o = impl_->opt;
    if (o.threads == 0) o.threads = std::max(2u, 2 * std::thread::hardware_concurrency());
    if (o.threads > 1024) throw Error("threads: at most 1024");
    if (o.connection_limit == 0) throw Error("connection limit: at least 1");
    if (o.connection_memory_limit < 4096) throw Error("connection memory limit: at least 4096");
    if (o.header_timeout_s == 0) throw Error("header timeout: at least 1 second");
    impl_->guard = std::make_unique<ConnectionGuard>(
        ConnectionGuardOptions{.limit = o.connection_limit,
                               .reserve = default_reserve(o.connection_limit),
                               .light_client = 8,
                               .head_timeout = std::chrono::seconds(o.header_timeout_s),
                               .idle_timeout = std::chrono::seconds(o.connection_timeout_s)});
    if (!o.base_url.empty() && !is_http_url(o.base_url)) {
        throw Error("base URL: expected http://... or https://..., got '" + o.base_url + "'");
    }
    while (o.base_url.ends_with('/')) o.base_url.pop_back();
    for (const auto& [path, asset] : o.assets) {
        impl_->prepared_assets[path] = prepare_body(asset.body);
    }
    // Open the index once: a missing or unreadable one is an error now, not at the first request.
    impl_->release(impl_->acquire());
}

Server::~Server() { stop(); }

void Server::start() {
    Impl& s = *impl_;
    if (s.daemon != nullptr) return;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(s.opt.port);
    if (const int rc = ::getaddrinfo(s.opt.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw Error("host " + s.opt.host + ": " + ::gai_strerror(rc));
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
    unsigned int flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (found->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    // The guard keeps the connection limit (on_accept refuses at once).
    // libmicrohttpd splits its own limit between the pool's threads and stops
    // accepting in a thread that is full, leaving clients in the backlog: so
    // its limit lets each thread hold every connection.
    const auto mhd_limit = static_cast<unsigned int>(
        std::min<std::uint64_t>(std::uint64_t{s.opt.connection_limit} * s.opt.threads, 1u << 30));
    errno = 0;
    s.daemon = MHD_start_daemon(
        flags, s.opt.port, &Impl::on_accept, &s, &Impl::on_access, &s, MHD_OPTION_EXTERNAL_LOGGER,
        &Impl::on_mhd_log, &s, MHD_OPTION_SOCK_ADDR, found->ai_addr, MHD_OPTION_THREAD_POOL_SIZE,
        static_cast<unsigned int>(s.opt.threads), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        static_cast<size_t>(s.opt.connection_memory_limit), MHD_OPTION_CONNECTION_TIMEOUT,
        static_cast<unsigned int>(s.opt.connection_timeout_s), MHD_OPTION_CONNECTION_LIMIT,
        mhd_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        static_cast<unsigned int>(s.opt.per_ip_connection_limit), MHD_OPTION_LISTEN_BACKLOG_SIZE,
        512u, MHD_OPTION_URI_LOG_CALLBACK, &Impl::on_uri, &s, MHD_OPTION_NOTIFY_COMPLETED,
        &Impl::on_completed, &s, MHD_OPTION_NOTIFY_CONNECTION, &Impl::on_connection, &s,
        MHD_OPTION_END);
    if (s.daemon == nullptr) {
        const int err = errno;
        throw Error("cannot listen on " + s.opt.host + ":" + port +
                    (err != 0 ? std::string(": ") + std::strerror(err) : std::string()));
    }
    s.sweeper = std::jthread([&s](std::stop_token stop) { s.sweep(stop); });
    const MHD_DaemonInfo* info = MHD_get_daemon_info(s.daemon, MHD_DAEMON_INFO_BIND_PORT);
    s.bound_port = info != nullptr ? info->port : s.opt.port;
    const bool v6 = s.opt.host.find(':') != std::string::npos;
    const std::lock_guard lock(s.base_mutex);
    s.base = !s.opt.base_url.empty() ? s.opt.base_url
                                     : "http://" + (v6 ? "[" + s.opt.host + "]" : s.opt.host) +
                                           ":" + std::to_string(s.bound_port);
}

void Server::stop() {
    Impl& s = *impl_;
    if (s.daemon == nullptr) return;
    s.stopping = true;
    s.listen_fd = MHD_quiesce_daemon(s.daemon);
    // Refuse new connections at once (those queued in the backlog are reset)
    // rather than leave them waiting until the close below.
    if (s.listen_fd != MHD_INVALID_SOCKET) ::shutdown(s.listen_fd, SHUT_RDWR);
    const auto deadline = Clock::now() + s.opt.shutdown_grace;
    while (s.in_flight.load() > 0 && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    s.sweeper = std::jthread();  // stops and joins it
    MHD_stop_daemon(s.daemon);
    s.daemon = nullptr;
    if (s.listen_fd != MHD_INVALID_SOCKET) ::close(s.listen_fd);
    s.listen_fd = MHD_INVALID_SOCKET;
}

std::uint16_t Server::port() const { return impl_->bound_port; }

std::string Server::base_url() const { return impl_->public_base(); }

}  // namespace talksearch

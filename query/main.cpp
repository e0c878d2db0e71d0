// talksearch-query: options -> Searcher -> renderer -> exit code.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "core/index_path.h"
#include "core/version.h"
#include "query/render.h"
#include "query/searcher.h"
#include "query/server.h"

using namespace talksearch;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNoMatch = 1;  // the query ran and matched nothing
constexpr int kExitError = 2;    // a bad query or option, or no readable index
constexpr int kExitPartial = 3;  // a shard could not be searched: the results may lack talks

// Enough descriptors for the connection limit (the soft limit is often 1024).
void raise_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
    const rlim_t want = std::min<rlim_t>(lim.rlim_max, 65536);
    if (lim.rlim_cur < want) {
        lim.rlim_cur = want;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
}

// talksearch-query serve: options -> Server -> wait for SIGTERM or SIGINT -> graceful stop.
int serve_main(int argc, char** argv) {
    CLI::App app{"talksearch-query serve: the HTTP search API (docs/API.md)"};
    app.footer(
        "Examples:\n"
        "  talksearch-query serve --index ./index --port 8080\n"
        "  talksearch-query serve --host 0.0.0.0 --base-url https://talks.example.org\n\n"
        "Prints \"listening on http://HOST:PORT\" once it accepts connections; stops on SIGTERM "
        "or\n"
        "SIGINT after answering the requests in flight (exit 0). Exit 2: a bad option, no "
        "readable\n"
        "index, or the address cannot be bound.");
    ServerOptions opt;
    std::string index = default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));
    unsigned timeout_s = opt.connection_timeout_s;
    double grace_s = 4.0;
    app.add_option("--index", index,
                   "Index folder, or a stub file listing shards (docs/SCALING.md)")
        ->capture_default_str();
    app.add_option("--shard-timeout", opt.searcher.shard_timeout_ms,
                   "Milliseconds a remote shard may take to connect or answer before it is left "
                   "out (results then say \"partial\")")
        ->check(CLI::Range(1u, 600000u))
        ->capture_default_str();
    std::uint32_t retry_ms = static_cast<std::uint32_t>(opt.searcher.retry_after.count());
    app.add_option("--shard-retry", retry_ms, "Milliseconds before a shard left out is tried again")
        ->check(CLI::Range(1u, 3600000u))
        ->capture_default_str();
    app.add_option("--host", opt.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", opt.port, "Port (0: any free port)")->capture_default_str();
    app.add_option("--base-url", opt.base_url,
                   "Public base URL for links (OpenSearch, feeds); default http://HOST:PORT");
    app.add_option("--threads", opt.threads, "Worker threads (default: twice the cores)")
        ->check(CLI::Range(1u, 1024u));
    app.add_option("--connection-limit", opt.connection_limit,
                   "Open connections at most; more are refused at once, and the last tenth is "
                   "kept for addresses holding fewer than 8")
        ->check(CLI::Range(1u, 1000000u))
        ->capture_default_str();
    app.add_option("--per-ip-limit", opt.per_ip_connection_limit,
                   "Open connections per client address at most (0: no limit; behind a proxy "
                   "every client is the proxy)")
        ->capture_default_str();
    app.add_option("--timeout", timeout_s, "Seconds before an idle connection is closed")
        ->check(CLI::Range(1u, 3600u))
        ->capture_default_str();
    app.add_option("--header-timeout", opt.header_timeout_s,
                   "Seconds a connection has to send its whole request head, however steadily "
                   "its bytes come (after an answer on a kept-alive connection: --timeout more)")
        ->check(CLI::Range(1u, 600u))
        ->capture_default_str();
    app.add_option("--shutdown-grace", grace_s,
                   "Seconds to let requests in flight finish on SIGTERM")
        ->check(CLI::Range(0.0, 60.0))
        ->capture_default_str();
    app.add_flag("--test-hooks", opt.test_hooks, "")->group("");  // tests only: docs/API.md
    app.set_version_flag("--version", "talksearch-query " + std::string(version_text()),
                         "Print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitError;
    }
    opt.index_dir = index;
    opt.searcher.retry_after = std::chrono::milliseconds(retry_ms);
    opt.connection_timeout_s = timeout_s;
    opt.shutdown_grace = std::chrono::milliseconds(static_cast<long>(grace_s * 1000));
    opt.log = [](std::string_view line) {
        std::string out = "talksearch-query: ";
        out += line;
        out += "\n";
        std::cerr << out << std::flush;
    };

    // The signals are taken by sigwait() below: blocked here, before any
    // thread starts, so every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    raise_file_limit();
    try {
        Server server(opt);
        server.start();
        std::string host =
            opt.host.find(':') != std::string::npos ? "[" + opt.host + "]" : opt.host;
        std::cout << "listening on http://" << host << ":" << server.port() << std::endl;
        int sig = 0;
        sigwait(&stop_signals, &sig);
        std::cerr << "talksearch-query: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT")
                  << ": stopping after the requests in flight\n";
        server.stop();
        return kExitOk;
    } catch (const Error& e) {
        std::cerr << "talksearch-query: " << e.what() << "\n";
        return kExitError;
    }
}

}  // namespace

int main(int argc, char** argv) {
    // `talksearch-query serve ...` runs the server; anything else is a search
    // exactly as before (search for the word "serve" alone with: -- serve).
    if (argc >= 2 && std::strcmp(argv[1], "serve") == 0) return serve_main(argc - 1, argv + 1);
    CLI::App app{
        "talksearch-query: search conference talks and jump to the moment the words were said"};
    app.footer(
        "Query language: words (stemmed; \"word\" in quotes is exact), \"a phrase\", AND OR NOT + "
        "-,\n"
        "a NEAR b, prefix wildcards (decor*), and the fields title: speaker: tag: event: lang:\n"
        "year:2014 year:2014..2019 captions:human|machine|any|none.\n\n"
        "Examples:\n"
        "  talksearch-query --index ./index decorators\n"
        "  talksearch-query '\"context manager\" year:2019..2023' --format json\n"
        "  talksearch-query asyncio --event pycon-us-2019 --sort date --facets\n\n"
        "A query that starts with '-' (NOT) goes after --:  talksearch-query -- -java python\n"
        "HTTP server: talksearch-query serve --help (a search for the word serve: -- serve)\n\n"
        "Exit codes: 0 results; 1 no talk matched; 2 a bad query or option, or no readable index;\n"
        "3 partial results: a shard of a sharded index could not be searched (stderr says which).\n"
        "--index defaults to $TALKSEARCH_INDEX, else ~/.local/share/talksearch/index.");
    std::vector<std::string> words;
    std::string index = default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));
    std::string format = "text", color = "auto", sort = "relevance", year;
    SearchRequest req;
    double preroll_s = 2.0;
    std::size_t moments = 3;
    app.add_option("QUERY", words, "The query (several arguments are joined with spaces)");
    app.add_option("--index", index,
                   "Index folder, or a stub file listing shards (docs/SCALING.md)")
        ->capture_default_str();
    SearcherOptions searcher_options;
    app.add_option("--shard-timeout", searcher_options.shard_timeout_ms,
                   "Milliseconds a remote shard may take to connect or answer before it is left "
                   "out (exit 3)")
        ->check(CLI::Range(1u, 600000u))
        ->capture_default_str();
    app.add_option("--format", format, "text, json or html")
        ->check(CLI::IsMember({"text", "json", "html"}))
        ->capture_default_str();
    app.add_option("--limit", req.limit, "Talks per page (at most 100)")->capture_default_str();
    app.add_option("--offset", req.offset, "Talks to skip (paging)")->capture_default_str();
    app.add_option("--moments", moments, "Moments per talk")->capture_default_str();
    app.add_option("--preroll", preroll_s, "Seconds a link starts before the first matched word")
        ->check(CLI::Range(0.0, 60.0))
        ->capture_default_str();
    app.add_option("--lang", req.language,
                   "Language of the query's words (stemming); default: English and every "
                   "other language the index holds, each in talks of that language");
    app.add_flag("--spoken", req.spoken,
                 "Only talks where the words were said (they match in the captions)");
    app.add_option("--event", req.events, "Only talks of this event (slug); repeatable");
    app.add_option("--speaker", req.speakers, "Only talks by this speaker (full name); repeatable");
    app.add_option("--language", req.languages,
                   "Only talks in or with captions in this language; repeatable");
    app.add_option("--year", year, "Only talks of this year or range: 2014, 2014..2019");
    app.add_option("--sort", sort, "relevance or date (newest first)")
        ->check(CLI::IsMember({"relevance", "date"}))
        ->capture_default_str();
    app.add_flag("--facets", req.facets,
                 "Count matching talks per event, year, speaker and language");
    bool all_recordings = false;
    app.add_flag("--all-recordings", all_recordings,
                 "List every recording of a talk given at several events on its own "
                 "(default: one result per talk, the others listed under it)");
    app.set_version_flag("--version", "talksearch-query " + std::string(version_text()),
                         "Print the version and exit");
    app.add_option("--color", color, "auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitError;
    }
    for (const std::string& w : words) req.query += (req.query.empty() ? "" : " ") + w;
    req.sort = sort == "date" ? SortOrder::kDate : SortOrder::kRelevance;
    req.group_recordings = !all_recordings;
    req.moments.max_moments = moments;
    if (!std::isfinite(preroll_s)) {
        std::cerr << "talksearch-query: --preroll: expected a number of seconds from 0 to 60\n";
        return kExitError;
    }
    req.moments.preroll_ms = static_cast<std::int64_t>(preroll_s * 1000);
    try {
        if (!year.empty()) parse_year_range(year, req.year_from, req.year_to);
        Searcher searcher(index, searcher_options);
        const SearchResult result = searcher.search(req);
        for (const std::string& m : result.missing_shards)
            std::cerr << "talksearch-query: partial results: not searched: " << m << "\n";
        std::string out;
        if (format == "json") {
            out = render_json(result);
        } else if (format == "html") {
            out = render_html(result);
        } else {
            const bool tty = ::isatty(STDOUT_FILENO) != 0;
            out = render_text(result, TextStyle{color == "always" || (color == "auto" && tty)});
        }
        std::cout << out;
        std::cout.flush();
        if (result.partial()) return kExitPartial;
        return result.total == 0 ? kExitNoMatch : kExitOk;
    } catch (const Error& e) {
        std::cerr << "talksearch-query: " << e.what() << "\n";
        return kExitError;
    }
}

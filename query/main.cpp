// talksearch-query: options -> Searcher -> renderer -> exit code.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <iostream>

#include "core/index_path.h"
#include "query/render.h"
#include "query/searcher.h"

using namespace talksearch;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitNoMatch = 1;  // the query ran and matched nothing
constexpr int kExitError = 2;    // a bad query or option, or no readable index

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "talksearch-query: search conference talks and jump to the moment the words were said"};
    app.footer(
        "Query language: words (stemmed; \"word\" in quotes is exact), \"a phrase\", AND OR NOT + "
        "-,\n"
        "a NEAR b, prefix wildcards (decor*), and the fields title: speaker: tag: event: lang:\n"
        "year:2014 year:2014..2019 captions:human|machine|none.\n\n"
        "Examples:\n"
        "  talksearch-query --index ./index decorators\n"
        "  talksearch-query '\"context manager\" year:2019..2023' --format json\n"
        "  talksearch-query asyncio --event pycon-us-2019 --sort date --facets\n\n"
        "A query that starts with '-' (NOT) goes after --:  talksearch-query -- -java python\n\n"
        "Exit codes: 0 results; 1 no talk matched; 2 a bad query or option, or no readable index.\n"
        "--index defaults to $TALKSEARCH_INDEX, else ~/.local/share/talksearch/index.");
    std::vector<std::string> words;
    std::string index = default_index_path(std::getenv("TALKSEARCH_INDEX"), std::getenv("HOME"));
    std::string format = "text", color = "auto", sort = "relevance", year;
    SearchRequest req;
    double preroll_s = 2.0;
    std::size_t moments = 3;
    app.add_option("QUERY", words, "The query (several arguments are joined with spaces)");
    app.add_option("--index", index, "Index folder")->capture_default_str();
    app.add_option("--format", format, "text, json or html")
        ->check(CLI::IsMember({"text", "json", "html"}))
        ->capture_default_str();
    app.add_option("--limit", req.limit, "Talks per page (at most 100)")->capture_default_str();
    app.add_option("--offset", req.offset, "Talks to skip (paging)")->capture_default_str();
    app.add_option("--moments", moments, "Moments per talk")->capture_default_str();
    app.add_option("--preroll", preroll_s, "Seconds a link starts before the first matched word")
        ->check(CLI::Range(0.0, 60.0))
        ->capture_default_str();
    app.add_option("--lang", req.language, "Language of the query's words (stemming)")
        ->capture_default_str();
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
        Searcher searcher(index);
        const SearchResult result = searcher.search(req);
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
        return result.total == 0 ? kExitNoMatch : kExitOk;
    } catch (const Error& e) {
        std::cerr << "talksearch-query: " << e.what() << "\n";
        return kExitError;
    }
}

// talksearch-bench-query: warm latency of the full result page on a real index,
// in process (Searcher::search + render_json) and through the CLI
// (talksearch-query started, run and waited for). See bench/README.md.
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/schema.h"
#include "core/text.h"
#include "core/words.h"
#include "query/hits.h"
#include "query/render.h"
#include "query/searcher.h"

extern char** environ;

namespace talksearch {
namespace {

namespace fs = std::filesystem;
namespace sc = schema;
using Clock = std::chrono::steady_clock;

// The query classes, in report order.
const std::vector<std::string> kClasses = {"rare",   "mid",    "common", "and",
                                           "phrase", "prefix", "year",   "captioned"};
constexpr std::size_t kCommonRanks = 200;   // "common" = the 200 most frequent words
constexpr std::size_t kTopPrefixes = 100;   // half the prefixes come from the 100 busiest
constexpr std::size_t kStopwordRanks = 50;  // phrases of two of these are skipped
constexpr const char* kYearFilter = " year:2019..2023";
// Only talks with a transcript: every hit of the page then has its moments.
constexpr const char* kCaptionedFilter = " captions:machine captions:human";

double elapsed_ms(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// ---- Deterministic sampling ---------------------------------------------------

/// mt19937_64's output is fixed by the standard (the distributions are not),
/// so the same seed gives the same queries with any standard library.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : gen_(seed) {}
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(gen_() % n); }

    template <class T>
    void shuffle(std::vector<T>& v) {
        for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

    /// Up to `k` distinct items of `pool`, in sampling order.
    template <class T>
    std::vector<T> sample(std::vector<T> pool, std::size_t k) {
        k = std::min(k, pool.size());
        for (std::size_t i = 0; i < k; ++i) std::swap(pool[i], pool[i + below(pool.size() - i)]);
        pool.resize(k);
        return pool;
    }

  private:
    std::mt19937_64 gen_;
};

// ---- Statistics ---------------------------------------------------------------

struct Summary {
    std::size_t n = 0;
    double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

/// Nearest-rank percentiles.
Summary summarize(std::vector<double> v) {
    Summary s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    auto at = [&](double p) {
        const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(s.n)));
        return v[std::clamp<std::size_t>(rank, 1, s.n) - 1];
    };
    s.p50 = at(50);
    s.p95 = at(95);
    s.p99 = at(99);
    s.max = v.back();
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(s.n);
    return s;
}

std::string fixed(double v, int digits = 2) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// ---- Queries --------------------------------------------------------------------

struct BenchQuery {
    std::string cls;
    std::string text;
    // Filled by the probe and the runs.
    std::string failure;  ///< "crashed (signal 11)", an error message; empty when it ran
    bool crashed = false;
    std::uint64_t total = 0;
    std::optional<std::uint64_t> exact;  ///< every matching talk counted (--exact-counts)
    std::vector<std::string> top;        ///< the page's talk ids, in rank order
    std::size_t hits = 0;
    std::size_t moments = 0;
    std::size_t json_bytes = 0;
    std::vector<double> page_ms;    ///< search + render_json, one per timed pass
    std::vector<double> render_ms;  ///< render_json alone
};

BenchQuery make_query(std::string cls, std::string text) {
    BenchQuery q;
    q.cls = std::move(cls);
    q.text = std::move(text);
    return q;
}

/// Words made of 2 to 24 ASCII letters: what the generated queries use, so
/// that no query depends on the parser's handling of digits or punctuation.
bool plain_word(std::string_view w) {
    if (w.size() < 2 || w.size() > 24) return false;
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

/// What the Whisper transcripts in the index hold.
struct Transcripts {
    struct Count {
        std::uint32_t docs = 0;
        Xapian::docid last = 0;
    };
    struct Pair {
        std::uint32_t docs = 0;
        std::uint32_t crossing = 0;  ///< occurrences whose two words lie in two cues
        Xapian::docid last = 0;
    };
    std::unordered_map<std::string, Count> words;
    std::unordered_map<std::string, Pair> pairs;  ///< "first second"
    std::size_t talks = 0;
};

/// Reads every machine (Whisper) track from the index: the cue text slot cut
/// by the time map into cues, split into words as the query side does.
Transcripts read_transcripts(const Xapian::Database& db) {
    Transcripts t;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const Xapian::docid did = *it;
        const Xapian::Document doc = db.get_document(did);
        const std::string map_bytes = doc.get_value(sc::kSlotTimeMap);
        if (map_bytes.empty()) continue;
        const sc::TimeMap map = sc::decode_time_map(map_bytes);
        // The cue text in its 4 KB segments, or whole in an index written before them.
        std::string cue_text = doc.get_value(sc::kSlotCueText);
        if (cue_text.empty()) {
            for (std::size_t k = 0;; ++k) {
                const std::string segment = read_cue_text_segment(doc, k);
                if (segment.empty()) break;
                cue_text += segment;
            }
        }
        bool counted = false;
        for (const sc::TimedTrack& track : map.tracks) {
            if (track.kind != CaptionKind::kMachine) continue;
            if (!counted) ++t.talks;
            counted = true;
            std::string previous;  // the word before, if it was a plain word
            for (const sc::TimedCue& cue : track.cues) {
                if (cue.text_offset > cue_text.size()) continue;
                const std::string_view text =
                    std::string_view(cue_text).substr(cue.text_offset, cue.text_length);
                bool first_in_cue = true;
                for (const WordSpan& span : split_words(text)) {
                    std::string term = word_term(text.substr(span.offset, span.length));
                    if (!plain_word(term)) {
                        previous.clear();
                        first_in_cue = false;
                        continue;
                    }
                    Transcripts::Count& c = t.words[term];
                    if (c.last != did) {
                        c.last = did;
                        ++c.docs;
                    }
                    if (!previous.empty()) {
                        Transcripts::Pair& p = t.pairs[previous + " " + term];
                        if (p.last != did) {
                            p.last = did;
                            ++p.docs;
                        }
                        if (first_in_cue) ++p.crossing;
                    }
                    previous = std::move(term);
                    first_in_cue = false;
                }
            }
        }
    }
    return t;
}

/// Generates `per_class` queries of every class from the index itself.
std::vector<BenchQuery> generate_queries(const fs::path& index_dir, std::size_t per_class,
                                         std::uint64_t seed, std::ostream& log) {
    const Xapian::Database db(index_dir.string());
    const Xapian::doccount talks = db.get_doccount();
    const Transcripts tr = read_transcripts(db);
    if (tr.words.empty()) {
        throw Error(index_dir.string() +
                    ": no machine caption tracks in the index to take words from");
    }

    // Words of the transcripts, by the number of talks holding them in the
    // whole index (transcripts and metadata alike), most frequent first.
    struct Word {
        std::string term;
        Xapian::doccount df = 0;
    };
    std::vector<Word> vocab;
    for (const auto& [term, count] : tr.words) {
        const Xapian::doccount df = db.get_termfreq(term);
        if (df > 0) vocab.push_back({term, df});
    }
    std::sort(vocab.begin(), vocab.end(), [](const Word& a, const Word& b) {
        return a.df != b.df ? a.df > b.df : a.term < b.term;
    });
    const Xapian::doccount rare_max = std::max<Xapian::doccount>(1, talks / 1000);  // df < 0.1%
    std::vector<std::string> common_pool, mid_pool, rare_pool;
    std::unordered_set<std::string> stopwords;
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        const Word& w = vocab[i];
        if (i < kStopwordRanks) stopwords.insert(w.term);
        if (i < kCommonRanks) {
            common_pool.push_back(w.term);
        } else if (w.df > rare_max && w.term.size() >= 3) {
            mid_pool.push_back(w.term);
        } else if (w.df <= rare_max && w.term.size() >= 4) {
            rare_pool.push_back(w.term);
        }
    }
    log << "vocabulary: " << vocab.size() << " words in " << tr.talks
        << " Whisper transcripts; rare = df <= " << rare_max << " of " << talks
        << " talks; common = the " << kCommonRanks
        << " most frequent (df >= " << vocab[std::min(vocab.size(), kCommonRanks) - 1].df << ")\n";

    Rng rng(seed);
    std::vector<BenchQuery> out;
    auto add = [&](const std::string& cls, std::string text) {
        out.push_back(make_query(cls, std::move(text)));
    };
    for (const std::string& w : rng.sample(rare_pool, per_class)) add("rare", w);
    for (const std::string& w : rng.sample(mid_pool, per_class)) add("mid", w);
    // Common: evenly spread over the ranks 1..200.
    for (std::size_t i = 0; i < per_class && !common_pool.empty(); ++i) {
        add("common", common_pool[i * common_pool.size() / per_class]);
    }
    // Two-term AND: half mid x mid, half common x mid.
    for (std::size_t i = 0; i < per_class && mid_pool.size() > 1; ++i) {
        const std::vector<std::string>& left = i % 2 == 0 ? mid_pool : common_pool;
        const std::string& a = left[rng.below(left.size())];
        std::string b = mid_pool[rng.below(mid_pool.size())];
        while (b == a) b = mid_pool[rng.below(mid_pool.size())];
        add("and", a + " " + b);
    }
    // Phrases said in at least two talks, not two stopwords; 20% of them seen
    // crossing a cue boundary.
    std::vector<std::string> within, crossing;
    for (const auto& [text, p] : tr.pairs) {
        if (p.docs < 2) continue;
        const std::size_t space = text.find(' ');
        if (stopwords.contains(text.substr(0, space)) &&
            stopwords.contains(text.substr(space + 1))) {
            continue;
        }
        (p.crossing > 0 ? crossing : within).push_back(text);
    }
    std::sort(within.begin(), within.end());
    std::sort(crossing.begin(), crossing.end());
    const std::size_t n_crossing = per_class / 5;
    for (const std::string& p : rng.sample(crossing, n_crossing)) add("phrase", "\"" + p + "\"");
    for (const std::string& p : rng.sample(within, per_class - n_crossing))
        add("phrase", "\"" + p + "\"");
    // 4-letter prefixes of words of 5 letters or more: half from the busiest
    // prefixes (talks summed over their words), half from the others.
    std::map<std::string, std::pair<std::uint64_t, std::uint32_t>> prefixes;  // score, words
    for (const auto& [term, count] : tr.words) {
        if (term.size() < 5) continue;
        auto& e = prefixes[term.substr(0, 4)];
        e.first += count.docs;
        ++e.second;
    }
    std::vector<std::pair<std::uint64_t, std::string>> ranked;
    for (const auto& [prefix, e] : prefixes) {
        if (e.second >= 2) ranked.emplace_back(e.first, prefix);
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> busy, others;
    for (std::size_t i = 0; i < ranked.size(); ++i)
        (i < kTopPrefixes ? busy : others).push_back(ranked[i].second);
    for (const std::string& p : rng.sample(busy, per_class / 2)) add("prefix", p + "*");
    for (const std::string& p : rng.sample(others, per_class - per_class / 2))
        add("prefix", p + "*");
    // Term + year filter.
    for (const std::string& w : rng.sample(mid_pool, per_class)) add("year", w + kYearFilter);
    // The heaviest page: half mid, half common words, in talks with a transcript.
    for (const std::string& w : rng.sample(mid_pool, per_class / 2))
        add("captioned", w + kCaptionedFilter);
    for (const std::string& w : rng.sample(common_pool, per_class - per_class / 2))
        add("captioned", w + kCaptionedFilter);
    return out;
}

/// Reads "class<TAB>query" lines (a line without a tab is class "custom";
/// blank lines and lines starting with '#' are skipped).
std::vector<BenchQuery> read_queries(const fs::path& file) {
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot read the query file");
    std::vector<BenchQuery> out;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (trim(line).empty() || line[0] == '#') continue;
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos) {
            out.push_back(make_query("custom", line));
        } else {
            out.push_back(make_query(line.substr(0, tab), line.substr(tab + 1)));
        }
    }
    return out;
}

void write_queries(const fs::path& file, const std::vector<BenchQuery>& queries) {
    std::ofstream out(file);
    if (!out) throw Error(file.string() + ": cannot write the query file");
    out << "# class<TAB>query, generated by talksearch-bench-query\n";
    for (const BenchQuery& q : queries) out << q.cls << '\t' << q.text << '\n';
}

// ---- In process -------------------------------------------------------------------

/// The request the CLI makes for `talksearch-query QUERY` (its defaults).
SearchRequest cli_request(const std::string& text) {
    SearchRequest req;
    req.query = text;
    return req;
}

/// Runs every query once in a child process, so a query that crashes the
/// searcher is reported instead of ending the benchmark.
void probe(const fs::path& index_dir, std::vector<BenchQuery>& queries) {
    std::cout.flush();
    for (BenchQuery& q : queries) {
        const pid_t pid = ::fork();
        if (pid < 0) throw Error("fork failed");
        if (pid == 0) {
            int code = 0;
            try {
                Searcher searcher(index_dir);
                (void)render_json(searcher.search(cli_request(q.text)));
            } catch (const std::exception&) {
                code = 3;  // reported by the in-process run with its message
            }
            ::_exit(code);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (WIFSIGNALED(status)) {
            q.failure = "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
            q.crashed = true;
        }
    }
}

/// Counts every matching document of each query (untimed): with facets on,
/// the searcher has Xapian look at every match, and without the grouping of
/// recordings (whose collapse leaves the count a rounded estimate) the total
/// is exact. Recordings of one talk count once each.
void count_exactly(Searcher& searcher, std::vector<BenchQuery>& queries) {
    for (BenchQuery& q : queries) {
        if (!q.failure.empty()) continue;
        SearchRequest req = cli_request(q.text);
        req.facets = true;
        req.group_recordings = false;
        req.limit = 1;
        req.moments.max_moments = 0;
        q.exact = searcher.search(req).total;
    }
}

/// Keeps the rendered pages observable, so no work is optimised away.
volatile std::size_t g_sink = 0;

/// One warm-up pass, then `passes` timed passes, each over all queries in a
/// new shuffled order.
void run_in_process(Searcher& searcher, std::vector<BenchQuery>& queries, std::size_t passes,
                    std::uint64_t seed) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < queries.size(); ++i) {
        if (queries[i].failure.empty()) order.push_back(i);
    }
    Rng rng(seed ^ 0x9e3779b97f4a7c15ULL);
    for (std::size_t pass = 0; pass <= passes; ++pass) {
        rng.shuffle(order);
        for (std::size_t i : order) {
            BenchQuery& q = queries[i];
            if (!q.failure.empty()) continue;
            const SearchRequest req = cli_request(q.text);
            try {
                const auto t0 = Clock::now();
                const SearchResult result = searcher.search(req);
                const auto t1 = Clock::now();
                const std::string json = render_json(result);
                const auto t2 = Clock::now();
                g_sink = g_sink + json.size();
                if (pass == 0) {
                    q.total = result.total;
                    q.hits = result.hits.size();
                    q.top.clear();
                    for (const Hit& h : result.hits) q.top.push_back(h.talk.id);
                    q.moments = 0;
                    for (const Hit& h : result.hits) q.moments += h.moments.size();
                    q.json_bytes = json.size();
                    continue;
                }
                q.page_ms.push_back(elapsed_ms(t0, t2));
                q.render_ms.push_back(elapsed_ms(t1, t2));
            } catch (const std::exception& e) {
                q.failure = e.what();
            }
        }
    }
}

// ---- The CLI ----------------------------------------------------------------------

struct SpawnResult {
    double ms = 0;
    int status = 0;
};

/// Starts `argv` with stdout and stderr on /dev/null and waits for it.
SpawnResult spawn_and_wait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    SpawnResult r;
    pid_t pid = 0;
    const auto t0 = Clock::now();
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    if (rc == 0) ::waitpid(pid, &r.status, 0);
    const auto t1 = Clock::now();
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw Error(argv[0] + ": cannot start it: " + std::strerror(rc));
    r.ms = elapsed_ms(t0, t1);
    return r;
}

struct CliRun {
    Summary floor;  ///< talksearch-query --help: process start, no index
    Summary query;  ///< talksearch-query --index DIR QUERY --format json
    std::size_t failures = 0;
    std::vector<std::string> failed;
};

/// `runs` invocations over queries taken round-robin from every class.
CliRun run_cli(const fs::path& cli, const fs::path& index_dir,
               const std::vector<BenchQuery>& queries, std::size_t runs) {
    std::map<std::string, std::vector<const BenchQuery*>> by_class;
    std::vector<std::string> classes;
    for (const BenchQuery& q : queries) {
        if (!q.failure.empty()) continue;
        if (by_class[q.cls].empty()) classes.push_back(q.cls);
        by_class[q.cls].push_back(&q);
    }
    std::vector<const BenchQuery*> sample;
    for (std::size_t j = 0; sample.size() < runs && !classes.empty(); ++j) {
        bool any = false;
        for (const std::string& c : classes) {
            if (j < by_class[c].size() && sample.size() < runs) {
                sample.push_back(by_class[c][j]);
                any = true;
            }
        }
        if (!any) j = static_cast<std::size_t>(-1);  // wrap around
    }
    CliRun out;
    if (sample.empty()) return out;
    const std::string exe = cli.string();
    std::vector<double> floor_ms, query_ms;
    for (std::size_t i = 0; i < 5; ++i) {  // warm the binary and the index files
        spawn_and_wait({exe, "--index", index_dir.string(), sample[i % sample.size()]->text,
                        "--format", "json"});
    }
    for (const BenchQuery* q : sample) {
        floor_ms.push_back(spawn_and_wait({exe, "--help"}).ms);
        const SpawnResult r =
            spawn_and_wait({exe, "--index", index_dir.string(), q->text, "--format", "json"});
        // 0 = results, 1 = no match: both are a completed query.
        if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) > 1) {
            ++out.failures;
            out.failed.push_back(q->text);
            continue;
        }
        query_ms.push_back(r.ms);
    }
    out.floor = summarize(floor_ms);
    out.query = summarize(query_ms);
    return out;
}

// ---- Reporting ----------------------------------------------------------------------

struct ClassReport {
    std::string cls;
    std::size_t queries = 0, failed = 0, crashed = 0;
    Summary page, render;
    double hits = 0, moments = 0, total = 0;
};

std::vector<ClassReport> class_reports(const std::vector<BenchQuery>& queries) {
    std::vector<std::string> classes = kClasses;
    for (const BenchQuery& q : queries) {
        if (std::find(classes.begin(), classes.end(), q.cls) == classes.end())
            classes.push_back(q.cls);
    }
    classes.push_back("overall");
    std::vector<ClassReport> out;
    for (const std::string& c : classes) {
        ClassReport r;
        r.cls = c;
        std::vector<double> page, render;
        std::size_t ran = 0;
        for (const BenchQuery& q : queries) {
            if (c != "overall" && q.cls != c) continue;
            ++r.queries;
            if (!q.failure.empty()) {
                ++r.failed;
                r.crashed += q.crashed ? 1 : 0;
                continue;
            }
            ++ran;
            page.insert(page.end(), q.page_ms.begin(), q.page_ms.end());
            render.insert(render.end(), q.render_ms.begin(), q.render_ms.end());
            r.hits += static_cast<double>(q.hits);
            r.moments += static_cast<double>(q.moments);
            r.total += static_cast<double>(q.total);
        }
        if (r.queries == 0) continue;
        if (ran > 0) {
            r.hits /= static_cast<double>(ran);
            r.moments /= static_cast<double>(ran);
            r.total /= static_cast<double>(ran);
        }
        r.page = summarize(page);
        r.render = summarize(render);
        out.push_back(r);
    }
    return out;
}

struct Targets {
    double page_p50 = 5, page_p99 = 20, cli_p50 = 50;
};

struct Verdict {
    std::string what;
    double target = 0;
    std::optional<double> measured;  ///< nullopt: not measured
    std::string blocker;             ///< why it is not met whatever the number (crashes)
    std::string note;
    [[nodiscard]] bool met() const { return measured && *measured <= target && blocker.empty(); }
    [[nodiscard]] std::string text() const {
        std::string out = !measured ? "**not measured**" : met() ? "met" : "**not met**";
        if (!blocker.empty()) out += ": " + blocker;
        if (!note.empty()) out += " (" + note + ")";
        return out;
    }
};

std::vector<Verdict> verdicts(const ClassReport& overall, const std::optional<CliRun>& cli,
                              const Targets& t) {
    std::vector<Verdict> v;
    const bool measured = overall.page.n > 0;
    std::string blocker, note;
    if (overall.crashed > 0) blocker = std::to_string(overall.crashed) + " queries crashed";
    if (overall.failed > overall.crashed) {
        note = std::to_string(overall.failed - overall.crashed) + " rejected queries left out";
    }
    v.push_back({"full page p50 (ms)", t.page_p50,
                 measured ? std::optional<double>(overall.page.p50) : std::nullopt, blocker, note});
    v.push_back({"full page p99 (ms)", t.page_p99,
                 measured ? std::optional<double>(overall.page.p99) : std::nullopt, blocker, note});
    Verdict c{"CLI end to end p50 (ms)", t.cli_p50, std::nullopt, "", ""};
    if (cli && cli->query.n > 0) c.measured = cli->query.p50;
    if (cli && cli->failures > 0) c.blocker = std::to_string(cli->failures) + " runs failed";
    v.push_back(c);
    return v;
}

std::string markdown(const std::vector<ClassReport>& reports, const std::optional<CliRun>& cli,
                     const std::vector<Verdict>& verdict, const std::vector<BenchQuery>& queries,
                     const Targets& t) {
    std::ostringstream o;
    o << "### Full page in process: Searcher::search + render_json (10 talks, 3 moments, "
         "snippets, links), warm, ms\n\n";
    o << "| class | queries | samples | p50 | p95 | p99 | max | mean | render p50 | avg hits | "
         "avg moments | avg matches | failed |\n";
    o << "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    for (const ClassReport& r : reports) {
        const bool overall = r.cls == "overall";
        const std::string name = overall ? "**overall**" : r.cls;
        auto cell = [&](double v, double limit) {
            std::string s = fixed(v);
            if (limit > 0 && v > limit) s += " ⚠";
            return overall ? "**" + s + "**" : s;
        };
        o << "| " << name << " | " << r.queries << " | " << r.page.n << " | "
          << cell(r.page.p50, t.page_p50) << " | " << cell(r.page.p95, 0) << " | "
          << cell(r.page.p99, t.page_p99) << " | " << cell(r.page.max, 0) << " | "
          << cell(r.page.mean, 0) << " | " << fixed(r.render.p50) << " | " << fixed(r.hits, 1)
          << " | " << fixed(r.moments, 1) << " | " << fixed(r.total, 0) << " | " << r.failed
          << " |\n";
    }
    o << "\n⚠ = over the target (p50 " << fixed(t.page_p50, 0) << " ms, p99 "
      << fixed(t.page_p99, 0)
      << " ms). \"avg matches\" is the estimated number of matching talks.\n";
    std::size_t failed = 0;
    for (const BenchQuery& q : queries) failed += q.failure.empty() ? 0 : 1;
    if (failed > 0) {
        o << "\n**" << failed << (failed == 1 ? " query" : " queries")
          << " failed** (left out of the percentiles):\n\n";
        std::size_t shown = 0;
        for (const BenchQuery& q : queries) {
            if (q.failure.empty()) continue;
            if (++shown > 10) {
                o << "- ... and " << failed - 10 << " more\n";
                break;
            }
            o << "- `" << q.text << "` (" << q.cls << "): " << q.failure << "\n";
        }
    }
    if (cli) {
        o << "\n### CLI end to end: start + open + query + JSON to /dev/null, ms\n\n";
        o << "| command | runs | p50 | p95 | max |\n|---|---:|---:|---:|---:|\n";
        o << "| `talksearch-query --help` (process start, no index) | " << cli->floor.n << " | "
          << fixed(cli->floor.p50) << " | " << fixed(cli->floor.p95) << " | "
          << fixed(cli->floor.max) << " |\n";
        o << "| `talksearch-query --index DIR QUERY --format json` | " << cli->query.n << " | "
          << fixed(cli->query.p50) << " | " << fixed(cli->query.p95) << " | "
          << fixed(cli->query.max) << " |\n";
        if (cli->failures > 0) o << "\n**" << cli->failures << " CLI runs failed.**\n";
    }
    o << "\n### Targets\n\n| target | limit | measured | verdict |\n|---|---:|---:|---|\n";
    for (const Verdict& v : verdict) {
        o << "| " << v.what << " | " << fixed(v.target, 0) << " | "
          << (v.measured ? fixed(*v.measured) : "-") << " | " << v.text() << " |\n";
    }
    return o.str();
}

void json_summary(std::string& out, const Summary& s) {
    out += "{\"n\":" + std::to_string(s.n) + ",\"p50\":" + fixed(s.p50, 3) +
           ",\"p95\":" + fixed(s.p95, 3) + ",\"p99\":" + fixed(s.p99, 3) +
           ",\"max\":" + fixed(s.max, 3) + ",\"mean\":" + fixed(s.mean, 3) + "}";
}

std::string to_json(const fs::path& index_dir, std::uint64_t talks, std::size_t passes,
                    std::uint64_t seed, const std::vector<ClassReport>& reports,
                    const std::optional<CliRun>& cli, const std::vector<Verdict>& verdict,
                    const std::vector<BenchQuery>& queries) {
    std::string o = "{\"version\":1,\"index\":";
    append_json_string(o, index_dir.string());
    o += ",\"talks\":" + std::to_string(talks) + ",\"passes\":" + std::to_string(passes) +
         ",\"seed\":" + std::to_string(seed) + ",\"classes\":[";
    for (const ClassReport& r : reports) {
        if (o.back() != '[') o += ',';
        o += "{\"class\":";
        append_json_string(o, r.cls);
        o += ",\"queries\":" + std::to_string(r.queries) +
             ",\"failed\":" + std::to_string(r.failed) + ",\"page_ms\":";
        json_summary(o, r.page);
        o += ",\"render_ms\":";
        json_summary(o, r.render);
        o += ",\"avg_hits\":" + fixed(r.hits, 2) + ",\"avg_moments\":" + fixed(r.moments, 2) +
             ",\"avg_matches\":" + fixed(r.total, 1) + "}";
    }
    o += "],\"cli\":";
    if (cli) {
        o += "{\"help_ms\":";
        json_summary(o, cli->floor);
        o += ",\"query_ms\":";
        json_summary(o, cli->query);
        o += ",\"failures\":" + std::to_string(cli->failures) + "}";
    } else {
        o += "null";
    }
    o += ",\"targets\":[";
    for (const Verdict& v : verdict) {
        if (o.back() != '[') o += ',';
        o += "{\"what\":";
        append_json_string(o, v.what);
        o += ",\"limit\":" + fixed(v.target, 3) +
             ",\"measured\":" + (v.measured ? fixed(*v.measured, 3) : "null") +
             ",\"met\":" + (v.met() ? "true" : "false") + ",\"blocker\":";
        append_json_string(o, v.blocker);
        o += ",\"note\":";
        append_json_string(o, v.note);
        o += "}";
    }
    o += "],\"queries\":[";
    for (const BenchQuery& q : queries) {
        if (o.back() != '[') o += ',';
        o += "{\"class\":";
        append_json_string(o, q.cls);
        o += ",\"query\":";
        append_json_string(o, q.text);
        o += ",\"failure\":";
        if (q.failure.empty()) {
            o += "null";
        } else {
            append_json_string(o, sanitize_utf8(q.failure));
        }
        const Summary s = summarize(q.page_ms);
        if (q.exact) o += ",\"matches_exact\":" + std::to_string(*q.exact);
        o += ",\"top\":[";
        for (std::size_t i = 0; i < q.top.size(); ++i) {
            if (i > 0) o += ',';
            append_json_string(o, q.top[i]);
        }
        o += "]";
        o += ",\"matches\":" + std::to_string(q.total) + ",\"hits\":" + std::to_string(q.hits) +
             ",\"moments\":" + std::to_string(q.moments) +
             ",\"json_bytes\":" + std::to_string(q.json_bytes) +
             ",\"page_ms_p50\":" + fixed(s.p50, 3) + ",\"page_ms_max\":" + fixed(s.max, 3);
        o += ",\"ms\":[";
        for (std::size_t i = 0; i < q.page_ms.size(); ++i)
            o += (i > 0 ? "," : "") + fixed(q.page_ms[i], 3);
        o += "]}";
    }
    o += "]}\n";
    return o;
}

/// The CLI next to this program's build folder: <build>/query/talksearch-query.
fs::path default_cli() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return "talksearch-query";
    return self.parent_path().parent_path() / "query" / "talksearch-query";
}

std::string environment_line() {
    std::string load;
    std::ifstream("/proc/loadavg") >> load;
    cpu_set_t set;
    CPU_ZERO(&set);
    const int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    return "load average " + load + ", " + std::to_string(cpus) + " CPU(s) allowed";
}

int run(int argc, char** argv) {
    CLI::App app{"talksearch-bench-query: warm latency of the full result page on a real index"};
    std::string index, queries_file, write_file, json_file, cli_path;
    std::size_t passes = 3, per_class = 50, cli_runs = 100;
    std::uint64_t seed = 20240920;
    std::vector<std::string> only;
    bool no_cli = false, no_probe = false, check = false, exact_counts = false;
    Targets targets;
    app.add_option("--index", index, "Index folder (talksearch-index build)")->required();
    app.add_option("--queries", queries_file,
                   "Query file (class<TAB>query per line); default: generate from the index");
    app.add_option("--write-queries", write_file, "Write the query set used to this file");
    app.add_option("--per-class", per_class, "Generated queries per class")->capture_default_str();
    app.add_option("--seed", seed, "Seed for generating and shuffling")->capture_default_str();
    app.add_option("--passes", passes, "Timed passes after one warm-up pass")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--only", only, "Run only this class (repeatable)");
    app.add_option("--json", json_file, "Also write the results as JSON to this file");
    app.add_option("--cli", cli_path, "talksearch-query binary (default: next to this build)");
    app.add_option("--cli-runs", cli_runs, "CLI invocations to time")->capture_default_str();
    app.add_flag("--no-cli", no_cli, "Skip the CLI end-to-end runs");
    app.add_flag("--exact-counts", exact_counts,
                 "Also count every matching talk of each query (untimed; JSON matches_exact)");
    app.add_flag("--no-probe", no_probe,
                 "Do not run each query once in a child process first (a crash then ends the "
                 "benchmark)");
    app.add_option("--target-p50", targets.page_p50, "Full page p50 target, ms")
        ->capture_default_str();
    app.add_option("--target-p99", targets.page_p99, "Full page p99 target, ms")
        ->capture_default_str();
    app.add_option("--target-cli-p50", targets.cli_p50, "CLI end-to-end p50 target, ms")
        ->capture_default_str();
    app.add_flag("--check", check, "Exit with 1 when a target is not met");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }

    const fs::path index_dir = index;
    std::vector<BenchQuery> queries = queries_file.empty()
                                          ? generate_queries(index_dir, per_class, seed, std::cerr)
                                          : read_queries(queries_file);
    if (!only.empty()) {
        std::erase_if(queries, [&](const BenchQuery& q) {
            return std::find(only.begin(), only.end(), q.cls) == only.end();
        });
    }
    if (queries.empty()) throw Error("no queries to run");
    if (!write_file.empty()) write_queries(write_file, queries);

    Searcher searcher(index_dir);
    const std::uint64_t talks = searcher.talk_count();
    std::cerr << "index " << index_dir.string() << ": " << talks << " talks; " << queries.size()
              << " queries; " << environment_line() << "\n";
    if (!no_probe) {
        std::cerr << "probing every query in a child process...\n";
        probe(index_dir, queries);
    }
    std::cerr << "in process: 1 warm-up pass + " << passes << " timed passes...\n";
    run_in_process(searcher, queries, passes, seed);
    if (exact_counts) count_exactly(searcher, queries);
    std::optional<CliRun> cli;
    if (!no_cli) {
        const fs::path exe = cli_path.empty() ? default_cli() : fs::path(cli_path);
        std::cerr << "CLI: " << cli_runs << " runs of " << exe.string() << "...\n";
        cli = run_cli(exe, index_dir, queries, cli_runs);
    }

    const std::vector<ClassReport> reports = class_reports(queries);
    const std::vector<Verdict> verdict = verdicts(reports.back(), cli, targets);
    std::cout << "index: " << index_dir.string() << " (" << talks << " talks); " << passes
              << " timed passes after 1 warm-up, shuffled, pooled; seed " << seed << "; "
              << environment_line() << "\n\n";
    std::cout << markdown(reports, cli, verdict, queries, targets);
    if (!json_file.empty()) {
        std::ofstream out(json_file);
        out << to_json(index_dir, talks, passes, seed, reports, cli, verdict, queries);
        if (!out) throw Error(json_file + ": cannot write");
    }
    if (check) {
        for (const Verdict& v : verdict) {
            if (!v.met()) return 1;
        }
    }
    return 0;
}

}  // namespace
}  // namespace talksearch

int main(int argc, char** argv) {
    try {
        return talksearch::run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "talksearch-bench-query: " << e.what() << "\n";
        return 2;
    }
}

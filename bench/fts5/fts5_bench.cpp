// talksearch-bench-fts5: the SQLite FTS5 "one row per cue" baseline (yt-fts-like) of the
// benchmark, as /work/shared/reference/perf-baseline.md §5 specifies it.
//
// Usage:
//   talksearch-bench-fts5 index CORPUS DB
//   talksearch-bench-fts5 query DB QUERIES OUT.json [--passes 3] [--no-raw]
//   talksearch-bench-fts5 update CORPUS DB CHANGED
//
// What it measures, and why. yt-fts (NotJoeMartinez/yt-fts) keeps one SQLite row per caption
// cue with an external-content FTS5 table over the text and ranks cues by bm25: the simple tool
// talksearch is compared against. This program builds that design with batched writes (so the
// baseline is not handicapped by yt-fts's row-by-row inserts) and times what the product shows:
//
//  * `index` reads CORPUS/talks.tsv and each talk's caption file (the project's WebVTT and SRT
//    parsers, no cleaning: yt-fts stores what the file holds), creates DB with the §5 DDL and
//    loads it in one transaction (WAL, synchronous=OFF), fills the FTS index, then runs
//    'optimize' and ANALYZE. It prints one JSON line:
//      {"engine":"fts5-per-cue","talks":N,"cues":C,"seconds":S,"db_bytes":B}
//    seconds: wall time (steady_clock) from reading talks.tsv to the database closed, i.e.
//    reading + parsing + loading + optimize + ANALYZE + the final WAL checkpoint;
//    db_bytes: the size of DB plus its -wal file after closing.
//
//  * `query` runs every query of QUERIES once untimed (warm-up), then --passes timed passes
//    over all queries in a new shuffled order each (std::mt19937, fixed seed). One query is a
//    full result page: the §5 grouped query (the top 10 talks by their best cue's bm25 rank,
//    with that cue) and then, per returned cue, the snippet() query. Right after each page the
//    raw yt-fts form (the 50 best cues, no grouping) is timed too, to show what grouping costs
//    (--no-raw leaves it out). Afterwards, untimed, the matching talks of each query are
//    counted. OUT.json holds, per query: class, words, year (a number or null), matches, top
//    (the talk numbers of the page, best first), ms (the page time of each timed pass, in
//    order) and raw_ms.
//
//  * `update` replaces the cues of the talks CHANGED lists (one talk number n a line; '#' lines
//    and blank lines ignored; a number listed twice is done once), as a cron job does when
//    captions change. First, untimed, it reads CORPUS/talks.tsv and parses each listed talk's
//    caption file again. Then it opens DB (synchronous=NORMAL, the §5 update-phase setting)
//    and, in ONE transaction, per talk: reads the old text of the cues of its rowid range
//    talks.first_cue..last_cue, gives it to the FTS5 'delete' command (an external-content
//    table must be told the old text), deletes the range from cues, appends the new cues to
//    cues (rowids after the largest one) and to cues_fts, and sets first_cue/last_cue to the
//    new range (NULL when the talk now has no cues). It commits and does not run 'optimize'
//    (a cron update would not), so the new cues sit in small FTS segments. One JSON line:
//      {"engine":"fts5-per-cue","updated":K,"cues_deleted":D,"cues_added":A,"seconds":S,
//       "db_bytes":B}
//    seconds: wall time (steady_clock) from opening DB to the commit (not the parsing, not the
//    close); db_bytes: the size of DB plus its -wal file after closing (the close checkpoints
//    the WAL and removes it; the pages the old cues held stay on the freelist).
//
// Query translation to FTS5 (every word quoted as an FTS5 string, so none is an operator):
//   rare/mid/common/year  w       -> "w"
//   and                   w1 w2   -> "w1" "w2"  (implicit AND: both words in ONE cue)
//   phrase                w1 w2   -> "w1 w2"    (a phrase across two cues is not found)
//   prefix                stem    -> "stem"*
// The per-cue AND and phrase are the documented semantic differences of this design
// (perf-baseline.md §6.4). A year filters through the talks table (t.id = c.talk_id AND
// t.year = ?), never as a plain filter on a non-FTS column.
//
// Input formats:
//   CORPUS/talks.tsv: a '#' header line, then n, ytid, caption (path relative to CORPUS,
//   .vtt or .srt), year (4 digits or empty), event, slug, title; tab-separated.
//   QUERIES: class<TAB>words<TAB>year lines; '#' lines are comments.
//   CHANGED: one talk number a line; '#' lines are comments.
// A caption file the parser rejects is reported on stderr and its talk gets no cues; the run
// goes on. update checks every listed talk before it changes anything: a number talks.tsv or
// DB does not hold, or an unreadable caption file, is exit 2 naming all of them, with DB left
// as it was.
//
// Exit codes: 0 success; 1 a failure while running (SQLite error, output not writable);
// 2 bad usage or an unreadable or malformed input (the message names the file).
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numeric>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/json_writer.h"
#include "indexer/captions/caption_file.h"
#include "indexer/captions/captions.h"

namespace talksearch {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kEngine = "fts5-per-cue";
constexpr std::uintmax_t kMaxInputBytes = 256ull << 20;  // no corpus file comes near this
constexpr std::uint32_t kShuffleSeed = 20240611;         // same order in every run
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;

/// An input file that cannot be read or is malformed: exit code 2.
class BadInput : public Error {
  public:
    using Error::Error;
};

double elapsed_ms(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Reads a whole input file; throws BadInput naming it.
std::string read_input(const fs::path& path) {
    try {
        return read_file(path, kMaxInputBytes);
    } catch (const Error& e) {
        throw BadInput(path.string() + ": " + e.what());
    }
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string_view::npos) return fields;
        start = tab + 1;
    }
}

/// The lines of a text file without their line ends, with 1-based numbers.
struct Line {
    std::uint32_t number = 0;
    std::string_view text;
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    std::uint32_t number = 0;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back({++number, line});
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A year field: empty (none) or 4 digits. Throws BadInput naming `where`.
std::optional<std::int64_t> parse_year(std::string_view field, const std::string& where) {
    if (field.empty()) return std::nullopt;
    if (field.size() != 4 || !all_digits(field))
        throw BadInput(where + ": year is not 4 digits: '" + std::string(field) + "'");
    return std::stoll(std::string(field));
}

// ---- SQLite wrappers ------------------------------------------------------------

/// Owns one connection. close() reports errors, the destructor cannot.
class Database {
  public:
    Database(const fs::path& path, int flags) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw Error(path.string() + ": cannot open: " + message);
        }
    }
    ~Database() {
        if (db_) sqlite3_close_v2(db_);
    }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* get() const { return db_; }

    /// Runs one or more statements that return no rows we need.
    void exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : sqlite3_errmsg(db_);
            sqlite3_free(message);
            throw Error("SQLite: " + text + " (in: " + sql + ")");
        }
    }

    /// Closes the connection (the last one checkpoints the WAL). Every statement must be
    /// finalized before.
    void close() {
        if (sqlite3_close(db_) != SQLITE_OK)
            throw Error(std::string("SQLite close: ") + sqlite3_errmsg(db_));
        db_ = nullptr;
    }

  private:
    sqlite3* db_ = nullptr;
};

/// Owns one prepared statement. Text is bound without a copy: the caller keeps it alive
/// until the statement is reset.
class Statement {
  public:
    Statement(const Database& db, const std::string& sql) {
        if (sqlite3_prepare_v3(db.get(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_,
                               nullptr) != SQLITE_OK)
            throw Error("SQLite: " + std::string(sqlite3_errmsg(db.get())) + " (in: " + sql + ")");
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Parameters are numbered from 1, as in SQLite.
    void bind(int index, std::int64_t v) { check(sqlite3_bind_int64(stmt_, index, v)); }
    void bind(int index, std::string_view text) {
        check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                SQLITE_STATIC));
    }
    void bind(int index, const std::optional<std::int64_t>& v) {
        check(v ? sqlite3_bind_int64(stmt_, index, *v) : sqlite3_bind_null(stmt_, index));
    }

    /// True when a row is ready, false when the statement is done.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        const std::string message = sqlite3_errmsg(sqlite3_db_handle(stmt_));
        sqlite3_reset(stmt_);
        throw Error("SQLite: " + message + " (in: " + sqlite3_sql(stmt_) + ")");
    }

    /// Runs a statement that returns no rows, then resets it.
    void run() {
        while (step()) {
        }
        reset();
    }

    std::int64_t column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::optional<std::int64_t> column_optional_int64(int col) const {
        if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(stmt_, col);
    }
    std::string_view column_text(int col) const {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return text ? std::string_view(text,
                                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                    : std::string_view();
    }

    /// Ready to run again with new parameters.
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK)
            throw Error("SQLite bind: " + std::string(sqlite3_errmsg(sqlite3_db_handle(stmt_))));
    }
    sqlite3_stmt* stmt_ = nullptr;
};

// ---- index ------------------------------------------------------------------------

/// The §5 schema. speakers and url are kept as in §5; talks.tsv has no speakers.
constexpr const char* kSchema = R"sql(
CREATE TABLE talks(id INTEGER PRIMARY KEY, slug TEXT, title TEXT, speakers TEXT, event TEXT,
                   year INT, url TEXT, first_cue INT, last_cue INT);
CREATE INDEX talks_year ON talks(year);
CREATE TABLE cues(id INTEGER PRIMARY KEY, talk_id INT NOT NULL, start_ms INT, end_ms INT,
                  text TEXT NOT NULL);
CREATE VIRTUAL TABLE cues_fts USING fts5(text, content='cues', content_rowid='id',
                                         tokenize='porter unicode61');
)sql";

/// One line of talks.tsv.
struct TalkRow {
    std::int64_t n = 0;
    std::string ytid;
    std::string caption;  ///< relative to the corpus folder
    std::optional<std::int64_t> year;
    std::string event;
    std::string slug;
    std::string title;
};

std::vector<TalkRow> read_talks(const fs::path& path) {
    const std::string text = read_input(path);
    std::vector<TalkRow> talks;
    for (const Line& line : split_lines(text)) {
        if (line.text.empty() || line.text.front() == '#') continue;
        const std::string where = path.string() + ":" + std::to_string(line.number);
        const std::vector<std::string_view> f = split_tabs(line.text);
        if (f.size() < 7) throw BadInput(where + ": expected 7 tab-separated fields");
        if (!all_digits(f[0]) || f[0].size() > 12)
            throw BadInput(where + ": talk number is not a number: '" + std::string(f[0]) + "'");
        if (f[2].empty()) throw BadInput(where + ": no caption file");
        TalkRow t;
        t.n = std::stoll(std::string(f[0]));
        t.ytid = f[1];
        t.caption = f[2];
        t.year = parse_year(f[3], where);
        t.event = f[4];
        t.slug = f[5];
        // A title holding a tab keeps it: the title is the last field.
        t.title = line.text.substr(static_cast<std::size_t>(f[6].data() - line.text.data()));
        talks.push_back(std::move(t));
    }
    return talks;
}

/// The cues of one caption file, or nothing when the parser rejects it (reported on
/// stderr: one bad file must not stop the run). An unreadable file throws BadInput.
std::optional<Captions> load_captions(const fs::path& path) {
    const std::string data = read_input(path);
    const std::string ext = path.extension().string();
    try {
        if (ext == ".vtt") return parse_webvtt(data);
        if (ext == ".srt") return parse_srt(data);
        throw Error("not a .vtt or .srt file");
    } catch (const Error& e) {
        std::cerr << "talksearch-bench-fts5: " << path.string() << ": skipped: " << e.what()
                  << "\n";
        return std::nullopt;
    }
}

struct LoadCounts {
    std::uint64_t talks = 0;
    std::uint64_t cues = 0;
    std::uint64_t skipped_files = 0;
};

/// Inserts every talk and its cues (cue ids 1, 2, ... in corpus order, so each talk's cues
/// are the rowid range [first_cue, last_cue]).
LoadCounts load_corpus(Database& db, const fs::path& corpus, const std::vector<TalkRow>& talks) {
    Statement insert_talk(db,
                          "INSERT INTO talks(id, slug, title, speakers, event, year, url, "
                          "first_cue, last_cue) VALUES(?1, ?2, ?3, NULL, ?4, ?5, ?6, ?7, ?8)");
    Statement insert_cue(
        db, "INSERT INTO cues(id, talk_id, start_ms, end_ms, text) VALUES(?1, ?2, ?3, ?4, ?5)");
    LoadCounts counts;
    std::int64_t next_cue = 1;
    for (const TalkRow& t : talks) {
        const std::optional<Captions> captions = load_captions(corpus / t.caption);
        if (!captions) ++counts.skipped_files;
        const std::size_t n_cues = captions ? captions->cues.size() : 0;

        const std::string url = "https://www.youtube.com/watch?v=" + t.ytid;
        insert_talk.bind(1, t.n);
        insert_talk.bind(2, t.slug);
        insert_talk.bind(3, t.title);
        insert_talk.bind(4, t.event);
        insert_talk.bind(5, t.year);
        insert_talk.bind(6, url);
        if (n_cues > 0) {  // no cues: the range stays NULL
            insert_talk.bind(7, next_cue);
            insert_talk.bind(8, next_cue + static_cast<std::int64_t>(n_cues) - 1);
        }
        insert_talk.run();
        ++counts.talks;

        for (std::size_t i = 0; i < n_cues; ++i) {
            const Cue& cue = captions->cues[i];
            insert_cue.bind(1, next_cue++);
            insert_cue.bind(2, t.n);
            insert_cue.bind(3, cue.start_ms);
            insert_cue.bind(4, cue.end_ms);
            insert_cue.bind(5, cue.text);
            insert_cue.run();
        }
        counts.cues += n_cues;
    }
    return counts;
}

void remove_database(const fs::path& db) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(fs::path(db.string() + suffix));  // throws filesystem_error on failure
}

std::uintmax_t file_size_or_zero(const fs::path& path) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    return ec ? 0 : size;
}

int run_index(const fs::path& corpus, const fs::path& db_path) {
    remove_database(db_path);
    const Clock::time_point start = Clock::now();
    const std::vector<TalkRow> talks = read_talks(corpus / "talks.tsv");

    Database db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
    db.exec(kSchema);
    db.exec("BEGIN");
    const LoadCounts counts = load_corpus(db, corpus, talks);
    // 'rebuild' after the bulk insert rather than an FTS insert next to each cue insert: a bit
    // faster (300-talk synthetic corpus, 180k cues, 6 runs each: median 0.98 s vs 1.05 s, best
    // 0.86 s vs 0.95 s for the whole index command), and what sqlite-utils' enable_fts does.
    db.exec("INSERT INTO cues_fts(cues_fts) VALUES('rebuild')");
    db.exec("COMMIT");
    db.exec("INSERT INTO cues_fts(cues_fts) VALUES('optimize'); ANALYZE;");
    db.close();
    const double seconds = elapsed_ms(start, Clock::now()) / 1000.0;

    const std::uintmax_t bytes =
        file_size_or_zero(db_path) + file_size_or_zero(db_path.string() + "-wal");
    if (counts.skipped_files > 0)
        std::cerr << "talksearch-bench-fts5: " << counts.skipped_files
                  << " caption file(s) skipped\n";
    JsonWriter out;
    out.begin_object()
        .key("engine")
        .value(kEngine)
        .key("talks")
        .value(counts.talks)
        .key("cues")
        .value(counts.cues)
        .key("seconds")
        .value(seconds, 3)
        .key("db_bytes")
        .value(static_cast<std::uint64_t>(bytes))
        .end_object();
    std::cout << out.str() << "\n";
    return 0;
}

// ---- query ------------------------------------------------------------------------

struct BenchQuery {
    std::string cls;
    std::string words;
    std::optional<std::int64_t> year;
    std::string match;  ///< the FTS5 MATCH expression
    // Results.
    std::uint64_t matches = 0;
    std::vector<std::int64_t> top;
    std::vector<double> ms;
    std::vector<double> raw_ms;
};

/// A word as an FTS5 string: "w", with any '"' doubled.
std::string fts_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::size_t count_words(std::string_view words) {
    return static_cast<std::size_t>(std::count(words.begin(), words.end(), ' ')) + 1;
}

/// The FTS5 MATCH expression of one query; throws BadInput (naming `where`) when the class
/// is unknown or its words do not fit it.
std::string match_expression(const std::string& cls, const std::string& words,
                             const std::string& where) {
    const bool well_formed = !words.empty() && words.front() != ' ' && words.back() != ' ' &&
                             words.find("  ") == std::string::npos;
    if (!well_formed) throw BadInput(where + ": words must be separated by one space");
    const std::size_t n = count_words(words);
    auto expect = [&](bool ok, const char* what) {
        if (!ok) throw BadInput(where + ": class " + cls + " takes " + what);
    };
    if (cls == "rare" || cls == "mid" || cls == "common" || cls == "year") {
        expect(n == 1, "one word");
        return fts_string(words);
    }
    if (cls == "and") {
        expect(n == 2, "two words");
        const std::size_t space = words.find(' ');
        return fts_string(words.substr(0, space)) + " " + fts_string(words.substr(space + 1));
    }
    if (cls == "phrase") {
        expect(n == 2 || n == 3, "two or three words");
        return fts_string(words);
    }
    if (cls == "prefix") {
        expect(n == 1, "one stem");
        return fts_string(words) + "*";
    }
    throw BadInput(where + ": unknown query class '" + cls + "'");
}

std::vector<BenchQuery> read_queries(const fs::path& path) {
    const std::string text = read_input(path);
    std::vector<BenchQuery> queries;
    for (const Line& line : split_lines(text)) {
        if (line.text.empty() || line.text.front() == '#') continue;
        const std::string where = path.string() + ":" + std::to_string(line.number);
        const std::vector<std::string_view> f = split_tabs(line.text);
        if (f.size() < 2 || f.size() > 3)
            throw BadInput(where + ": expected class<TAB>words<TAB>year");
        BenchQuery q;
        q.cls = f[0];
        q.words = f[1];
        q.year = parse_year(f.size() == 3 ? f[2] : std::string_view(), where);
        q.match = match_expression(q.cls, q.words, where);
        queries.push_back(std::move(q));
    }
    if (queries.empty()) throw BadInput(path.string() + ": no queries");
    return queries;
}

/// Throws BadInput unless `path` is an SQLite database holding the cues_fts table.
void check_database(const Database& db, const fs::path& path) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(
        db.get(), "SELECT 1 FROM sqlite_schema WHERE type='table' AND name='cues_fts'", -1, &stmt,
        nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_DONE) throw BadInput(path.string() + ": no cues_fts table (run index first)");
    if (rc != SQLITE_ROW) throw BadInput(path.string() + ": " + sqlite3_errmsg(db.get()));
}

/// `select` + `tail`, with the year join (?2) between them when asked for.
std::string with_year_join(std::string_view select, bool with_year, std::string_view tail) {
    std::string sql(select);
    if (with_year) sql += "JOIN talks t ON t.id = c.talk_id AND t.year = ?2 ";
    sql += tail;
    return sql;
}

/// The §5 SQL, without and with the year join.
std::string grouped_sql(bool with_year) {
    return with_year_join(
        "WITH h AS (SELECT rowid AS cue, rank FROM cues_fts WHERE cues_fts MATCH ?1) "
        "SELECT c.talk_id, MIN(h.rank) AS best, COUNT(*) AS hits, c.start_ms, h.cue "
        "FROM h JOIN cues c ON c.id = h.cue ",
        with_year, "GROUP BY c.talk_id ORDER BY best LIMIT 10");
}

/// yt-fts's search: the best cues by bm25, read from the content table, no grouping.
std::string raw_sql(bool with_year) {
    return with_year_join(
        "SELECT c.talk_id, c.start_ms, c.text FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid ",
        with_year, "WHERE cues_fts MATCH ?1 ORDER BY rank LIMIT 50");
}

std::string count_sql(bool with_year) {
    return with_year_join(
        "SELECT COUNT(DISTINCT c.talk_id) FROM cues_fts JOIN cues c ON c.id = cues_fts.rowid ",
        with_year, "WHERE cues_fts MATCH ?1");
}

/// A statement in two forms: without and with the year filter.
struct Variants {
    Statement plain;
    Statement year;
    Variants(const Database& db, std::string (*sql)(bool))
        : plain(db, sql(false)), year(db, sql(true)) {}

    /// The form for `q`, with its parameters bound.
    Statement& bound(const BenchQuery& q) {
        Statement& s = q.year ? year : plain;
        s.bind(1, std::string_view(q.match));
        if (q.year) s.bind(2, *q.year);
        return s;
    }
};

/// Every statement a query runs, prepared once (as a long-running server would).
struct Statements {
    explicit Statements(const Database& db)
        : grouped(db, grouped_sql),
          raw(db, raw_sql),
          count(db, count_sql),
          snippet(db,
                  "SELECT snippet(cues_fts, 0, '[', ']', '…', 12) FROM cues_fts "
                  "WHERE cues_fts MATCH ?1 AND rowid = ?2") {}
    Variants grouped;
    Variants raw;
    Variants count;
    Statement snippet;
};

/// What the product shows for one query: the top 10 talks, each with its best cue's time
/// and snippet. Returns the talk numbers, best first.
std::vector<std::int64_t> run_page(Statements& st, const BenchQuery& q) {
    struct Hit {
        std::int64_t talk = 0;
        std::int64_t start_ms = 0;
        std::int64_t cue = 0;
        std::string snippet;
    };
    std::vector<Hit> hits;
    Statement& grouped = st.grouped.bound(q);
    while (grouped.step())
        hits.push_back(
            {grouped.column_int64(0), grouped.column_int64(3), grouped.column_int64(4), {}});
    grouped.reset();
    for (Hit& hit : hits) {
        st.snippet.bind(1, std::string_view(q.match));
        st.snippet.bind(2, hit.cue);
        if (st.snippet.step()) hit.snippet = st.snippet.column_text(0);
        st.snippet.reset();
    }
    std::vector<std::int64_t> top;
    for (const Hit& hit : hits) top.push_back(hit.talk);
    return top;
}

/// The raw yt-fts search: the rows are read as yt-fts reads them (talk, time, cue text).
/// Returns the bytes of cue text read.
std::size_t run_raw(Statements& st, const BenchQuery& q) {
    Statement& raw = st.raw.bound(q);
    std::size_t bytes = 0;
    while (raw.step()) bytes += raw.column_text(2).size();
    raw.reset();
    return bytes;
}

std::uint64_t count_matches(Statements& st, const BenchQuery& q) {
    Statement& count = st.count.bound(q);
    const std::uint64_t n = count.step() ? static_cast<std::uint64_t>(count.column_int64(0)) : 0;
    count.reset();
    return n;
}

/// The warm-up pass, the timed passes and the counts.
void run_queries(Statements& st, std::vector<BenchQuery>& queries, int passes, bool raw) {
    for (BenchQuery& q : queries) {
        q.top = run_page(st, q);
        if (raw) run_raw(st, q);
    }
    std::vector<std::size_t> order(queries.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(kShuffleSeed);
    for (int pass = 0; pass < passes; ++pass) {
        std::shuffle(order.begin(), order.end(), rng);
        for (std::size_t i : order) {
            BenchQuery& q = queries[i];
            const Clock::time_point t0 = Clock::now();
            q.top = run_page(st, q);
            const Clock::time_point t1 = Clock::now();
            q.ms.push_back(elapsed_ms(t0, t1));
            if (!raw) continue;
            run_raw(st, q);
            q.raw_ms.push_back(elapsed_ms(t1, Clock::now()));
        }
    }
    for (BenchQuery& q : queries) q.matches = count_matches(st, q);
}

void write_times(JsonWriter& out, const std::vector<double>& times) {
    out.begin_array();
    for (double t : times) out.value(t, 3);
    out.end_array();
}

std::string results_json(const std::vector<BenchQuery>& queries, bool raw) {
    JsonWriter out;
    out.begin_object().key("engine").value(kEngine).key("queries").begin_array();
    for (const BenchQuery& q : queries) {
        out.begin_object().key("class").value(q.cls).key("words").value(q.words);
        out.key("year").value(q.year);
        out.key("matches").value(q.matches);
        out.key("top").begin_array();
        for (std::int64_t n : q.top) out.value(n);
        out.end_array();
        out.key("ms");
        write_times(out, q.ms);
        if (raw) {
            out.key("raw_ms");
            write_times(out, q.raw_ms);
        }
        out.end_object();
    }
    out.end_array().end_object();
    return out.take();
}

/// Opens the output before the run, so that a bad path fails at once, not after the passes.
std::ofstream open_output(const fs::path& path) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw Error(path.string() + ": cannot write");
    return file;
}

void write_output(std::ofstream& file, const fs::path& path, const std::string& text) {
    file << text << "\n";
    file.close();
    if (!file) throw Error(path.string() + ": cannot write");
}

int run_query(const fs::path& db_path, const fs::path& queries_path, const fs::path& out_path,
              int passes, bool raw) {
    std::vector<BenchQuery> queries = read_queries(queries_path);
    if (!fs::is_regular_file(db_path)) throw BadInput(db_path.string() + ": no such file");
    std::ofstream out = open_output(out_path);
    Database db(db_path, SQLITE_OPEN_READWRITE);
    check_database(db, db_path);
    db.exec("PRAGMA synchronous=NORMAL");
    {
        Statements statements(db);
        run_queries(statements, queries, passes, raw);
    }
    db.close();
    write_output(out, out_path, results_json(queries, raw));
    std::cerr << "talksearch-bench-fts5: " << queries.size() << " queries x " << passes
              << " passes, written to " << out_path.string() << "\n";
    return 0;
}

// ---- update -----------------------------------------------------------------------

/// The talk numbers of a CHANGED file, in file order, each once. Throws BadInput naming the
/// file and line of anything that is not a talk number.
std::vector<std::int64_t> read_changed(const fs::path& path) {
    const std::string text = read_input(path);
    std::vector<std::int64_t> numbers;
    for (const Line& line : split_lines(text)) {
        std::string_view field = line.text;
        while (!field.empty() && (field.front() == ' ' || field.front() == '\t'))
            field.remove_prefix(1);
        while (!field.empty() && (field.back() == ' ' || field.back() == '\t'))
            field.remove_suffix(1);
        if (field.empty() || field.front() == '#') continue;
        if (!all_digits(field) || field.size() > 12)
            throw BadInput(path.string() + ":" + std::to_string(line.number) +
                           ": not a talk number: '" + std::string(field) + "'");
        const std::int64_t n = std::stoll(std::string(field));
        if (std::find(numbers.begin(), numbers.end(), n) == numbers.end()) numbers.push_back(n);
    }
    return numbers;
}

/// "1, 2, 3" for an error message.
std::string join_numbers(const std::vector<std::int64_t>& numbers) {
    std::string out;
    for (std::int64_t n : numbers) out += (out.empty() ? "" : ", ") + std::to_string(n);
    return out;
}

/// One talk to replace: its number and its new cues (none when the parser rejected the file).
struct ChangedTalk {
    std::int64_t n = 0;
    std::vector<Cue> cues;
};

/// Resolves CHANGED against talks.tsv and reads every caption file, before the database is
/// touched: an unknown talk number or an unreadable file is BadInput naming all of them, and
/// nothing is changed.
std::vector<ChangedTalk> read_changed_talks(const fs::path& corpus, const fs::path& changed_path) {
    const std::vector<std::int64_t> numbers = read_changed(changed_path);
    if (numbers.empty()) throw BadInput(changed_path.string() + ": no talk numbers");
    const std::vector<TalkRow> talks = read_talks(corpus / "talks.tsv");
    std::vector<ChangedTalk> changed;
    std::vector<std::int64_t> unknown;
    std::vector<std::string> unreadable;
    std::uint64_t skipped_files = 0;
    for (std::int64_t n : numbers) {
        const auto talk =
            std::find_if(talks.begin(), talks.end(), [n](const TalkRow& t) { return t.n == n; });
        if (talk == talks.end()) {
            unknown.push_back(n);
            continue;
        }
        try {
            std::optional<Captions> captions = load_captions(corpus / talk->caption);
            if (!captions) ++skipped_files;
            changed.push_back({n, captions ? std::move(captions->cues) : std::vector<Cue>()});
        } catch (const BadInput& e) {
            unreadable.push_back(e.what());
        }
    }
    std::string problems;
    if (!unknown.empty())
        problems += (corpus / "talks.tsv").string() + " has no talk " + join_numbers(unknown);
    for (const std::string& u : unreadable) problems += (problems.empty() ? "" : "; ") + u;
    if (!problems.empty()) throw BadInput(problems);
    if (skipped_files > 0)
        std::cerr << "talksearch-bench-fts5: " << skipped_files
                  << " caption file(s) skipped: those talks are left with no cues\n";
    return changed;
}

struct UpdateCounts {
    std::uint64_t talks = 0;
    std::uint64_t cues_deleted = 0;
    std::uint64_t cues_added = 0;
};

/// Statements of the replacement of one talk, prepared once for all talks.
struct UpdateStatements {
    explicit UpdateStatements(const Database& db)
        : talk_range(db, "SELECT first_cue, last_cue FROM talks WHERE id = ?1"),
          old_cues(db, "SELECT id, text FROM cues WHERE id BETWEEN ?1 AND ?2"),
          fts_delete(db, "INSERT INTO cues_fts(cues_fts, rowid, text) VALUES('delete', ?1, ?2)"),
          cues_delete(db, "DELETE FROM cues WHERE id BETWEEN ?1 AND ?2"),
          cue_insert(db,
                     "INSERT INTO cues(talk_id, start_ms, end_ms, text) VALUES(?1, ?2, ?3, ?4)"),
          fts_insert(db, "INSERT INTO cues_fts(rowid, text) VALUES(?1, ?2)"),
          set_range(db, "UPDATE talks SET first_cue = ?2, last_cue = ?3 WHERE id = ?1") {}
    Statement talk_range;
    Statement old_cues;
    Statement fts_delete;
    Statement cues_delete;
    Statement cue_insert;
    Statement fts_insert;
    Statement set_range;
};

/// A talk's cue rowid range; both are empty when the talk has no cues.
struct CueRange {
    std::optional<std::int64_t> first;
    std::optional<std::int64_t> last;
};

/// The current cue range of every changed talk, in the same order. Throws BadInput naming the
/// talks the database does not hold (a DB indexed from another corpus).
std::vector<CueRange> read_ranges(UpdateStatements& st, const std::vector<ChangedTalk>& changed,
                                  const fs::path& db_path) {
    std::vector<CueRange> ranges;
    std::vector<std::int64_t> missing;
    for (const ChangedTalk& talk : changed) {
        st.talk_range.bind(1, talk.n);
        if (st.talk_range.step())
            ranges.push_back(
                {st.talk_range.column_optional_int64(0), st.talk_range.column_optional_int64(1)});
        else
            missing.push_back(talk.n);
        st.talk_range.reset();
    }
    if (!missing.empty())
        throw BadInput(db_path.string() + " has no talk " + join_numbers(missing));
    return ranges;
}

/// Replaces the cues of one talk: its old rowid range is deleted from the FTS index (with the
/// old text, as an external-content table requires) and from cues, the new cues are appended
/// (INTEGER PRIMARY KEY without a value: the largest rowid + 1) and indexed, and the talk's
/// range is set to them (NULL when it has none).
void replace_talk(Database& db, UpdateStatements& st, const ChangedTalk& talk,
                  const CueRange& old_range, UpdateCounts& counts) {
    if (old_range.first && old_range.last) {
        // The old text first, into memory: the FTS delete runs while no read is open on cues.
        std::vector<std::pair<std::int64_t, std::string>> old_cues;
        st.old_cues.bind(1, *old_range.first);
        st.old_cues.bind(2, *old_range.last);
        while (st.old_cues.step())
            old_cues.emplace_back(st.old_cues.column_int64(0), st.old_cues.column_text(1));
        st.old_cues.reset();
        for (const auto& [id, text] : old_cues) {
            st.fts_delete.bind(1, id);
            st.fts_delete.bind(2, std::string_view(text));
            st.fts_delete.run();
        }
        st.cues_delete.bind(1, *old_range.first);
        st.cues_delete.bind(2, *old_range.last);
        st.cues_delete.run();
        counts.cues_deleted += old_cues.size();
    }
    CueRange range;
    for (const Cue& cue : talk.cues) {
        st.cue_insert.bind(1, talk.n);
        st.cue_insert.bind(2, cue.start_ms);
        st.cue_insert.bind(3, cue.end_ms);
        st.cue_insert.bind(4, std::string_view(cue.text));
        st.cue_insert.run();
        const std::int64_t id = sqlite3_last_insert_rowid(db.get());
        st.fts_insert.bind(1, id);
        st.fts_insert.bind(2, std::string_view(cue.text));
        st.fts_insert.run();
        if (!range.first) range.first = id;
        range.last = id;
    }
    counts.cues_added += talk.cues.size();
    st.set_range.bind(1, talk.n);
    st.set_range.bind(2, range.first);
    st.set_range.bind(3, range.last);
    st.set_range.run();
    ++counts.talks;
}

int run_update(const fs::path& corpus, const fs::path& db_path, const fs::path& changed_path) {
    const std::vector<ChangedTalk> changed = read_changed_talks(corpus, changed_path);
    if (!fs::is_regular_file(db_path)) throw BadInput(db_path.string() + ": no such file");

    const Clock::time_point start = Clock::now();
    Database db(db_path, SQLITE_OPEN_READWRITE);
    check_database(db, db_path);
    // The database is in WAL mode since index (journal_mode is stored in the file).
    db.exec("PRAGMA synchronous=NORMAL");
    UpdateCounts counts;
    {
        UpdateStatements statements(db);
        db.exec("BEGIN IMMEDIATE");
        try {
            const std::vector<CueRange> ranges = read_ranges(statements, changed, db_path);
            for (std::size_t i = 0; i < changed.size(); ++i)
                replace_talk(db, statements, changed[i], ranges[i], counts);
        } catch (...) {
            sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        db.exec("COMMIT");
    }
    const double seconds = elapsed_ms(start, Clock::now()) / 1000.0;
    // Closing the last connection checkpoints the WAL into DB and deletes the -wal file, so
    // db_bytes is the checkpointed database (pages freed by the old cues are kept on the
    // freelist, and the new FTS segments are not merged: no 'optimize', as a cron update).
    db.close();

    const std::uintmax_t bytes =
        file_size_or_zero(db_path) + file_size_or_zero(db_path.string() + "-wal");
    JsonWriter out;
    out.begin_object()
        .key("engine")
        .value(kEngine)
        .key("updated")
        .value(counts.talks)
        .key("cues_deleted")
        .value(counts.cues_deleted)
        .key("cues_added")
        .value(counts.cues_added)
        .key("seconds")
        .value(seconds, 3)
        .key("db_bytes")
        .value(static_cast<std::uint64_t>(bytes))
        .end_object();
    std::cout << out.str() << "\n";
    return 0;
}

/// The one catch point of a command: the message on stderr and the exit code.
template <class Command>
int guarded(const char* name, Command command) {
    try {
        return command();
    } catch (const BadInput& e) {
        std::cerr << "talksearch-bench-fts5 " << name << ": " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "talksearch-bench-fts5 " << name << ": " << e.what() << "\n";
        return kExitFailed;
    }
}

int run(int argc, char** argv) {
    CLI::App app{"talksearch-bench-fts5: the SQLite FTS5 one-row-per-cue baseline (yt-fts-like)"};
    app.require_subcommand(1);

    std::string corpus, index_db;
    auto* index = app.add_subcommand("index", "Build the FTS5 database of a benchmark corpus");
    index->add_option("CORPUS", corpus, "Corpus folder (talks.tsv, captions/)")->required();
    index->add_option("DB", index_db, "SQLite database to create (replaced)")->required();

    std::string query_db, queries_file, out_file;
    int passes = 3;
    bool no_raw = false;
    auto* query = app.add_subcommand("query", "Time the full result page of every query");
    query->add_option("DB", query_db, "SQLite database made by index")->required();
    query->add_option("QUERIES", queries_file, "class<TAB>words<TAB>year lines")->required();
    query->add_option("OUT", out_file, "Results as JSON")->required();
    query->add_option("--passes", passes, "Timed passes after one warm-up pass")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    query->add_flag("--no-raw", no_raw, "Do not time the raw yt-fts query (no raw_ms)");

    std::string update_corpus, update_db, changed_file;
    auto* update =
        app.add_subcommand("update", "Replace the cues of the listed talks in one transaction");
    update->add_option("CORPUS", update_corpus, "Corpus folder (talks.tsv, captions/)")->required();
    update->add_option("DB", update_db, "SQLite database made by index")->required();
    update->add_option("CHANGED", changed_file, "Talk numbers, one a line ('#' lines ignored)")
        ->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : kExitBadInput;
    }
    if (index->parsed()) return guarded("index", [&] { return run_index(corpus, index_db); });
    if (update->parsed())
        return guarded("update",
                       [&] { return run_update(update_corpus, update_db, changed_file); });
    return guarded("query",
                   [&] { return run_query(query_db, queries_file, out_file, passes, !no_raw); });
}

}  // namespace
}  // namespace talksearch

int main(int argc, char** argv) { return talksearch::run(argc, argv); }

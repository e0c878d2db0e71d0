#include "indexer/index/build.h"

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/hash.h"
#include "core/schema.h"
#include "indexer/captions/caption_file.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"
#include "indexer/index/generation.h"
#include "indexer/index/matching.h"
#include "indexer/index/talk_groups.h"
#include "indexer/sources/pyvideo.h"
#include "indexer/sources/remote.h"
#include "indexer/sources/ytdlp.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

// "speakers[2]: expected a string" -> "speakers"; "invalid JSON: ..." -> "invalid JSON".
std::string reason_of(std::string_view message) {
    std::string_view head = message.substr(0, message.find(':'));
    if (const auto bracket = head.find('['); bracket != std::string_view::npos) {
        head = head.substr(0, bracket);
    }
    if (head.size() > 40) head = head.substr(0, 40);
    return std::string(head);
}

// Orders a talk's tracks: the indexed ones first, the talk's own language
// first among them, human before machine; then marks all but the best track
// of each language as not indexed.
void select_tracks(Talk& talk) {
    auto rank = [&](const Track& t) {
        return std::make_tuple(t.language == talk.language ? 0 : 1,
                               t.kind == CaptionKind::kHuman ? 0 : 1, t.path);
    };
    std::stable_sort(talk.tracks.begin(), talk.tracks.end(),
                     [&](const Track& a, const Track& b) { return rank(a) < rank(b); });
    std::vector<std::string> seen;
    for (Track& t : talk.tracks) {
        t.indexed = std::find(seen.begin(), seen.end(), t.language) == seen.end();
        if (t.indexed) seen.push_back(t.language);
    }
    std::stable_partition(talk.tracks.begin(), talk.tracks.end(),
                          [](const Track& t) { return t.indexed; });
}

// The generation a build is writing, for remove_partial_generation().
std::string g_partial_generation;

class GenerationGuard {
  public:
    explicit GenerationGuard(fs::path dir) : dir_(std::move(dir)) {
        g_partial_generation = dir_.string();
    }
    ~GenerationGuard() {
        g_partial_generation.clear();
        if (!released_) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
        }
    }
    void release() {
        released_ = true;
        g_partial_generation.clear();
    }
    /// Guards `dir` instead (the one guarded so far is gone).
    void retarget(fs::path dir) {
        dir_ = std::move(dir);
        g_partial_generation = dir_.string();
    }

  private:
    fs::path dir_;
    bool released_ = false;
};

}  // namespace

std::size_t BuildReport::skipped() const {
    return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                  [](const InputProblem& p) { return p.skipped; }));
}

std::map<std::string, std::size_t> BuildReport::skipped_by_reason() const {
    std::map<std::string, std::size_t> out;
    for (const InputProblem& p : problems) {
        if (p.skipped) ++out[p.reason];
    }
    return out;
}

namespace {

/// Everything the sources hold, matched: the talks and, per talk, its caption files.
struct Inputs {
    std::vector<Talk> talks;
    std::vector<CaptionFile> files;
    MatchResult match;
    std::vector<std::vector<const CaptionAssignment*>> by_talk;
    std::map<std::string, std::string> url_of;  ///< mirrored file -> the URL it came from
    /// Caption files attached to a talk so far (by every shard of a run).
    std::vector<bool> used;
};

// Problems in a mirrored remote file are reported under the URL it came from.
void name_urls(BuildReport& report, const Inputs& in) {
    for (InputProblem& p : report.problems) {
        if (const auto it = in.url_of.find(p.path); it != in.url_of.end()) p.path = it->second;
    }
}

Inputs gather_inputs(const BuildOptions& given, BuildReport& report) {
    Inputs in;
    // Remote sources first: fetched into a local mirror, then read like any folder.
    BuildOptions options = given;
    if (!given.urls.empty()) {
        RemoteSources remote = fetch_remote_sources(given.urls, given.fetch, given.index_dir);
        options.talk_roots.insert(options.talk_roots.end(), remote.talk_roots.begin(),
                                  remote.talk_roots.end());
        options.caption_roots.insert(options.caption_roots.end(), remote.caption_roots.begin(),
                                     remote.caption_roots.end());
        options.manifests.insert(options.manifests.end(), remote.manifests.begin(),
                                 remote.manifests.end());
        for (const RemoteSources::Failure& f : remote.failures) {
            report.problems.push_back(
                {f.url, 0,
                 f.used_cached_copy ? f.error + " (the last good copy was used)" : f.error, "fetch",
                 !f.used_cached_copy});
        }
        in.url_of = std::move(remote.url_of);
    }
    Catalogue catalogue = load_catalogue(options.talk_roots);
    report.talk_files = catalogue.files_seen;
    for (const LoadProblem& p : catalogue.problems) {
        report.problems.push_back({p.path, 0, p.message, reason_of(p.message), p.skipped});
    }
    in.talks = std::move(catalogue.talks);

    std::vector<ManifestEntry> manifest;
    for (const fs::path& m : options.manifests) {
        try {
            auto rows = parse_manifest(read_file(m, 64ull * 1024 * 1024), m.parent_path());
            manifest.insert(manifest.end(), rows.begin(), rows.end());
        } catch (const Error& e) {
            report.problems.push_back({m.string(), 0, e.what(), "manifest", true});
        }
    }

    // yt-dlp output: talks with their own caption files beside them.
    YtdlpLoad ytdlp = load_ytdlp(options.ytdlp_roots);
    report.talk_files += ytdlp.files_seen;
    for (const auto& [path, message] : ytdlp.problems) {
        report.problems.push_back({path, 0, message, "yt-dlp info", true});
    }
    const std::size_t first_ytdlp = in.talks.size();
    for (YtdlpVideo& v : ytdlp.videos) in.talks.push_back(std::move(v.talk));

    in.files = find_caption_files(options.caption_roots);
    // A folder given both as yt-dlp output and as captions: its files are the videos'.
    std::erase_if(in.files, [&](const CaptionFile& f) {
        return std::any_of(options.ytdlp_roots.begin(), options.ytdlp_roots.end(),
                           [&](const fs::path& root) {
                               const auto rel = f.path.lexically_relative(root);
                               return !rel.empty() && *rel.begin() != "..";
                           });
    });
    in.match = match_captions(in.talks, in.files, manifest, options.default_language);
    for (std::size_t v = 0; v < ytdlp.videos.size(); ++v) {
        for (const YtdlpCaption& c : ytdlp.videos[v].captions) {
            in.files.push_back({c.path, c.path.parent_path(), parse_caption_file_name(c.path)});
            in.match.assignments.push_back(
                {in.files.size() - 1, first_ytdlp + v, c.language, c.kind, "yt-dlp"});
        }
    }
    report.caption_files = in.files.size();
    for (const std::string& w : in.match.warnings) {
        report.problems.push_back(
            {w.substr(0, w.find(": ")), 0, w.substr(w.find(": ") + 2), "manifest", false});
    }
    report.caption_only_talks = in.match.new_talks.size();
    for (Talk& t : in.match.new_talks) in.talks.push_back(std::move(t));

    const std::vector<TalkGroup> groups = group_recordings(in.talks);
    for (std::size_t i = 0; i < in.talks.size(); ++i) {
        in.talks[i].recording_group = groups[i].key;
        in.talks[i].recordings = groups[i].recordings;
        if (groups[i].recordings > 1 && groups[i].key == talk_id(in.talks[i]))
            ++report.repeated_talks;
    }

    in.by_talk.resize(in.talks.size());
    in.used.assign(in.files.size(), false);
    for (const CaptionAssignment& a : in.match.assignments) in.by_talk[a.talk].push_back(&a);
    return in;
}

// Bumped whenever the way a talk becomes a document changes, so that
// `update` re-indexes every talk after such an upgrade.
constexpr std::string_view kDocumentFormat = "talksearch-document-4";

/// The problem reported for a caption file that parsed but left no cue to
/// index. Cues were dropped (malformed): skipped, at the line of the first
/// dropped cue. None were there (a header alone, as yt-dlp writes for a
/// silent video): a warning only.
InputProblem no_cues_problem(const fs::path& path, const Captions& parsed) {
    if (parsed.warnings.empty()) {
        return {path.string(), 0, "no cues: the file holds none", "no cues", false};
    }
    const auto dropped = std::find_if(
        parsed.warnings.begin(), parsed.warnings.end(),
        [](const Warning& w) { return w.message.find("dropped") != std::string::npos; });
    const Warning& first = dropped != parsed.warnings.end() ? *dropped : parsed.warnings.front();
    return {path.string(), first.line,
            "no cue could be read (the first problem: " + first.message + ")", "no cues", true};
}

/// Reads a talk's caption files once: their bytes make the talk's source
/// hash, and are parsed only when the talk must be (re)indexed.
class TalkReader {
  public:
    TalkReader(Inputs& in, const BuildOptions& options, BuildReport& report)
        : in_(in),
          options_(options),
          report_(report),
          used_(in.used),
          unreadable_(in.files.size(), false),
          unparsable_(in.files.size(), false) {}

    /// Reads the caption files of talk `ti` and sets its source_hash.
    void read(std::size_t ti, Talk& talk) {
        bytes_.clear();
        std::string key(kDocumentFormat);
        key += '\x1e';
        key += schema::encode_document_data(talk);
        key += '\x1e' + talk.recording_group + '\x1f' + std::to_string(talk.recordings);
        for (const CaptionAssignment* a : in_.by_talk[ti]) {
            const CaptionFile& f = in_.files[a->file];
            std::optional<std::string> bytes;
            // Only a failed read (not another talk's failed parse) changes
            // the key: a talk's hash must not depend on the order talks are
            // read in.
            if (!unreadable_[a->file]) {
                try {
                    bytes = read_file(f.path, options_.max_caption_bytes);
                } catch (const Error& e) {
                    unreadable_[a->file] = true;
                    report_.problems.push_back(
                        {f.path.string(), 0, e.what(), "unreadable caption", true});
                }
            }
            key += '\x1e' + f.path.string() + '\x1f' + a->language + '\x1f' +
                   std::string(caption_kind_name(a->kind)) + '\x1f';
            key += bytes ? std::to_string(fnv1a64(*bytes)) : std::string("unreadable");
            bytes_.push_back(std::move(bytes));
        }
        talk.source_hash = hex64(fnv1a64(key));
    }

    /// Parses the files read() kept and attaches them to the talk as tracks.
    /// Returns false for a talk made from captions alone none of which parsed.
    bool attach(std::size_t ti, Talk& talk) {
        const auto& assignments = in_.by_talk[ti];
        for (std::size_t k = 0; k < assignments.size(); ++k) {
            const CaptionAssignment* a = assignments[k];
            if (!bytes_[k] || unparsable_[a->file]) continue;
            const CaptionFile& f = in_.files[a->file];
            try {
                Captions parsed = parse_captions(*bytes_[k], f.path.filename().string());
                if (!used_[a->file]) {
                    for (const Warning& w : parsed.warnings) {
                        report_.problems.push_back(
                            {f.path.string(), w.line, w.message, "caption warning", false});
                    }
                }
                Track track;
                track.path = f.path.string();
                track.language = a->language;
                // Whisper's own JSON is a machine transcript whatever folder it sits in.
                track.kind =
                    parsed.format == CaptionFormat::kWhisperJson ? CaptionKind::kMachine : a->kind;
                track.format = parsed.format;
                track.captions = clean_cues(std::move(parsed.cues));
                if (track.captions.cues.empty()) {
                    // Nothing to index (every cue malformed or empty): the
                    // file is reported, and the talk does not claim captions.
                    unparsable_[a->file] = true;
                    report_.problems.push_back(no_cues_problem(f.path, parsed));
                    continue;
                }
                talk.tracks.push_back(std::move(track));
                used_[a->file] = true;
            } catch (const ParseError& e) {
                unparsable_[a->file] = true;
                report_.problems.push_back(
                    {f.path.string(), e.line(), e.what(), "not a caption file", true});
            } catch (const Error& e) {
                unparsable_[a->file] = true;
                report_.problems.push_back(
                    {f.path.string(), 0, e.what(), "unreadable caption", true});
            }
        }
        select_tracks(talk);
        return !(talk.origin == TalkOrigin::kCaptions && talk.tracks.empty());
    }

    /// Marks the files of an unchanged talk as used (they are in the index).
    void keep(std::size_t ti) {
        for (std::size_t k = 0; k < in_.by_talk[ti].size(); ++k) {
            if (bytes_[k]) used_[in_.by_talk[ti][k]->file] = true;
        }
    }

    std::size_t files_used() const {
        return static_cast<std::size_t>(std::count(used_.begin(), used_.end(), true));
    }

  private:
    Inputs& in_;
    const BuildOptions& options_;
    BuildReport& report_;
    std::vector<bool>& used_;  // shared by the shards of a run: a file used by two counts once
    std::vector<bool> unreadable_, unparsable_;
    std::vector<std::optional<std::string>> bytes_;
};

void count_talk(const Talk& talk, BuildReport& report) {
    if (!talk.tracks.empty()) ++report.talks_with_captions;
    for (const Track& t : talk.tracks) {
        if (t.indexed && !t.captions.suspect.empty()) ++report.suspect_tracks;
    }
}

// The shrink guard: a catalogue that comes back nearly empty (a failed
// download, a mount that is missing) must not replace a full index.
void check_shrink(std::uint64_t live, std::uint64_t next, bool allow, const char* what) {
    if (allow || live == 0) return;
    if (static_cast<double>(next) < static_cast<double>(live) * kShrinkLimit) {
        throw Error(std::string("refusing to ") + what + ": the result would hold " +
                    std::to_string(next) + " talks, the live index holds " + std::to_string(live) +
                    " (under " + std::to_string(static_cast<int>(kShrinkLimit * 100)) +
                    "%); pass --allow-shrink if that is intended");
    }
}

// For BuildOptions::test_corrupt_before_check: overwrites 64 bytes inside
// every 8 KiB block (glass's default block size) of a table file.
void damage_table(const fs::path& table) {
    std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) throw Error(table.string() + ": cannot open to damage it");
    const auto size = fs::file_size(table);
    const std::string garbage(64, '\xA5');
    for (std::uintmax_t block = 0; block < size; block += 8192) {
        f.seekp(static_cast<std::streamoff>(block + 16));
        f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    f.flush();
}

std::uint64_t live_document_count(const fs::path& index_dir) {
    const auto live = live_generation(index_dir);
    if (!live) return 0;
    try {
        return Xapian::Database((index_dir / *live).string()).get_doccount();
    } catch (const Xapian::Error&) {
        return 0;  // an unreadable live index is replaced whatever its size
    }
}

// Linux's count of bytes this process caused to be written to storage.
std::uint64_t bytes_written_so_far() {
    std::ifstream io("/proc/self/io");
    std::string key;
    std::uint64_t value = 0;
    while (io >> key >> value) {
        if (key == "write_bytes:") return value;
    }
    return 0;
}

// A parallel build's writers: one IndexWriter per shard, each on its own
// thread, fed the numbers of the talks to write through a small queue. The
// writers are opened here, on the calling thread (opening one sets the
// environment, which must not race). The first writer error stops the build:
// add() and finish() rethrow it.
class ShardWriters {
  public:
    ShardWriters(const std::vector<fs::path>& dirs, std::vector<Talk>& talks,
                 const WriterOptions& options)
        : talks_(talks) {
        for (const fs::path& dir : dirs) {
            auto shard = std::make_unique<Shard>();
            shard->writer = std::make_unique<IndexWriter>(dir, options);
            shards_.push_back(std::move(shard));
        }
        try {
            for (auto& shard : shards_)
                shard->thread = std::thread([this, s = shard.get()] { run(*s); });
        } catch (...) {
            stop_ = true;
            close_all();  // joins the threads that did start
            throw;
        }
    }
    ~ShardWriters() {
        stop_ = true;
        close_all();
    }
    ShardWriters(const ShardWriters&) = delete;
    ShardWriters& operator=(const ShardWriters&) = delete;

    /// Queues talk `ti` for shard `s`, waiting while its queue is full.
    void add(std::size_t s, std::size_t ti) {
        Shard& shard = *shards_[s];
        std::unique_lock lock(shard.mutex);
        shard.changed.wait(lock, [&] { return shard.queue.size() < kQueued || failed_.load(); });
        if (failed_.load()) {
            lock.unlock();
            stop_ = true;  // the others need not write what will be thrown away
            finish();      // rethrows the writer's error
        }
        shard.queue.push_back(ti);
        shard.changed.notify_all();
    }

    /// Waits for every queued talk to be written and committed; rethrows the
    /// first writer error.
    void finish() {
        close_all();
        for (auto& shard : shards_) {
            if (shard->error) std::rethrow_exception(shard->error);
        }
    }

  private:
    static constexpr std::size_t kQueued = 4;
    struct Shard {
        std::unique_ptr<IndexWriter> writer;
        std::thread thread;
        std::mutex mutex;
        std::condition_variable changed;
        std::deque<std::size_t> queue;
        bool closed = false;
        std::exception_ptr error;
    };

    void run(Shard& shard) {
        try {
            for (;;) {
                std::size_t ti = 0;
                {
                    std::unique_lock lock(shard.mutex);
                    shard.changed.wait(lock, [&] { return !shard.queue.empty() || shard.closed; });
                    if (shard.queue.empty()) break;
                    ti = shard.queue.front();
                    shard.queue.pop_front();
                    shard.changed.notify_all();
                }
                if (stop_.load()) continue;
                Talk& talk = talks_[ti];
                shard.writer->add(talk);
                // Nothing reads a talk once it is written: free it, or the
                // whole catalogue's metadata stays to the end, when the
                // spelling dictionary and the merge need memory of their own
                // (100,000 bench talks: a 611 MB peak, about 300 MB of it talks).
                talk = Talk{};
            }
            if (!stop_.load()) shard.writer->commit();
        } catch (...) {
            shard.error = std::current_exception();
            failed_ = true;
            // Under each queue's mutex, so a producer between its check of
            // failed_ and its wait cannot miss the wakeup.
            for (auto& other : shards_) {
                { const std::lock_guard lock(other->mutex); }
                other->changed.notify_all();
            }
        }
        shard.writer.reset();  // closes the database, on this thread
    }

    void close_all() {
        for (auto& shard : shards_) {
            {
                const std::lock_guard lock(shard->mutex);
                shard->closed = true;
            }
            shard->changed.notify_all();
        }
        for (auto& shard : shards_) {
            if (shard->thread.joinable()) shard->thread.join();
        }
    }

    std::vector<Talk>& talks_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::atomic<bool> failed_{false}, stop_{false};
};

unsigned build_jobs(unsigned requested, std::size_t talks) {
    // By default two per core, at most 8 (each holds a batch in memory):
    // a writer waits on the disk often enough that one per core leaves the
    // cores idle a quarter of the time (docs/DESIGN.md, "Data flow", step 6).
    unsigned jobs =
        requested != 0 ? requested : std::clamp(2 * std::thread::hardware_concurrency(), 1u, 8u);
    jobs = std::min(jobs, 64u);
    return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, talks)));
}

}  // namespace

namespace {

// The shard a talk is written to: every recording of a talk in the same one.
std::uint32_t shard_of_talk(const Talk& talk, std::uint32_t count) {
    return shard_of(talk.recording_group.empty() ? talk_id(talk) : talk.recording_group, count);
}

// The part a run on `options.index_dir` writes: the one asked for, else the
// one its live generation holds. Refuses to write another part into a shard.
ShardPart part_to_write(const BuildOptions& options) {
    const ShardPart held = shard_part_of(options.index_dir);
    if (options.part.whole()) return held;
    if (!held.whole() && held.text() != options.part.text()) {
        throw Error(options.index_dir.string() + ": holds shard " + held.text() + ", not shard " +
                    options.part.text() + " (docs/SCALING.md)");
    }
    return options.part;
}

// `given`: the sources, already read (a build of several shards reads them
// once, and reports their problems once).
BuildReport build_impl(const BuildOptions& options,
                       const std::function<void(const BuildProgress&)>& progress, Inputs* given) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t written_before = bytes_written_so_far();
    BuildReport report;
    report.mode = "build";
    IndexLock lock(options.index_dir);
    remove_old_generations(options.index_dir, 1, options.grace);  // leftovers of dead runs first
    const ShardPart part = part_to_write(options);

    Inputs own;
    if (given == nullptr) own = gather_inputs(options, report);
    Inputs& in = given != nullptr ? *given : own;

    // ---- The new generation ----
    const std::string generation = new_generation_name();
    const fs::path gen_dir = options.index_dir / generation;
    // Shards are written in parallel (talk ranges in catalogue order, so the
    // merged index numbers documents as a single writer would) in a work
    // folder, merged by Xapian's compaction (which also leaves the index
    // about half the size of one written in batches), and the result renamed
    // to the generation. Until then the guard removes the work folder on any
    // failure, std::terminate included (Xapian can throw from a destructor
    // when the disk fills during a commit); a killed run's folder is removed
    // by the next run as an unpublished generation.
    const fs::path work_dir = options.index_dir / (generation + "-build");
    GenerationGuard guard(work_dir);
    TalkReader reader(in, options, report);
    {
        // A repeated id (the same video in two yt-dlp folders, say): the
        // first one wins, as in `update`. Shards could not settle it.
        std::vector<std::size_t> to_write;
        {
            std::unordered_set<std::string> seen;
            for (std::size_t ti = 0; ti < in.talks.size(); ++ti) {
                if (!seen.insert(talk_id(in.talks[ti])).second) continue;
                if (!part.whole() && shard_of_talk(in.talks[ti], part.count) != part.index)
                    continue;  // another shard's
                to_write.push_back(ti);
            }
        }
        // Shards of at most shard_talks talks, `jobs` written at a time (a
        // wave): Xapian's cost per talk grows with the database it is added
        // to, so bounded shards keep a large build linear (docs/DESIGN.md,
        // "Data flow", step 6).
        const unsigned jobs = build_jobs(options.jobs, to_write.size());
        const std::size_t per_shard = std::max<std::size_t>(1, options.shard_talks);
        const std::size_t waves =
            std::max<std::size_t>(1, (to_write.size() + per_shard * jobs - 1) / (per_shard * jobs));
        const std::size_t shards = waves * jobs;
        fs::create_directories(work_dir);
        std::vector<fs::path> shard_dirs;
        for (std::size_t s = 0; s < shards; ++s)
            shard_dirs.push_back(work_dir / ("shard-" + std::to_string(s)));
        std::vector<std::size_t> first(shards + 1);
        for (std::size_t s = 0; s <= shards; ++s) first[s] = to_write.size() * s / shards;
        WriterOptions shard_options = options.writer;
        shard_options.durable = false;  // the merged generation is synced instead
        BuildProgress state{0, to_write.size()};
        for (std::size_t wave = 0; wave < shards; wave += jobs) {
            const std::vector<fs::path> dirs(shard_dirs.begin() + wave,
                                             shard_dirs.begin() + wave + jobs);
            ShardWriters writers(dirs, in.talks, shard_options);
            // One talk of each shard in turn, so every writer has work.
            for (std::size_t i = 0;; ++i) {
                bool any = false;
                for (unsigned s = 0; s < jobs; ++s) {
                    const std::size_t shard = wave + s;
                    if (first[shard] + i >= first[shard + 1]) continue;
                    any = true;
                    const std::size_t ti = to_write[first[shard] + i];
                    Talk& talk = in.talks[ti];
                    reader.read(ti, talk);
                    ++state.done;
                    if (!reader.attach(ti, talk)) {
                        --report.caption_only_talks;
                        if (progress) progress(state);
                        continue;
                    }
                    count_talk(talk, report);
                    ++report.added;
                    if (options.list_changes) report.changes.push_back("added " + talk_id(talk));
                    writers.add(s, ti);
                    if (progress) progress(state);
                }
                if (!any) break;
            }
            writers.finish();
        }
        {
            IndexWriter first_shard(shard_dirs.front(), shard_options);
            first_shard.build_spelling(shard_dirs);
        }
        if (!part.whole()) {
            // Compaction keeps user metadata: the generation says which part it holds.
            Xapian::WritableDatabase shard0(shard_dirs.front().string(),
                                            Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
            shard0.set_metadata(std::string(kShardPartKey), part.text());
            shard0.commit();
        }
        Xapian::Database all;
        for (const fs::path& dir : shard_dirs) all.add_database(Xapian::Database(dir.string()));
        const fs::path merged = work_dir / "merged";
        all.compact(merged.string());
        all = Xapian::Database();
        report.talks = static_cast<std::size_t>(Xapian::Database(merged.string()).get_doccount());
        fs::rename(merged, gen_dir);
        guard.retarget(gen_dir);
        std::error_code ignored;  // what is left is removed by the next run
        fs::remove_all(work_dir, ignored);
    }
    report.caption_files_used = reader.files_used();

    // ---- Check, then publish ----
    check_shrink(live_document_count(options.index_dir), report.talks, options.allow_shrink,
                 "publish the new index");
    if (options.test_corrupt_before_check) damage_table(gen_dir / "postlist.glass");
    std::size_t errors = 0;
    try {
        errors = Xapian::Database::check(gen_dir.string(), 0, nullptr);
    } catch (const Xapian::Error& e) {  // check throws on damage it cannot step over
        throw Error("the new index failed its consistency check (" + e.get_description() +
                    "); it was not published");
    }
    if (errors != 0) {
        throw Error("the new index failed its consistency check (" + std::to_string(errors) +
                    " errors); it was not published");
    }
    sync_tree(gen_dir);
    publish_generation(options.index_dir, generation);
    guard.release();
    remove_old_generations(options.index_dir, 1, options.grace);
    report.generation = generation;
    if (given == nullptr) name_urls(report, in);
    report.bytes_written = bytes_written_so_far() - written_before;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

BuildReport update_impl(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress, Inputs* given) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t written_before = bytes_written_so_far();
    BuildReport report;
    report.mode = "update";
    IndexLock lock(options.index_dir);
    const auto live = live_generation(options.index_dir);
    if (!live) {
        throw Error(options.index_dir.string() +
                    ": no index to update (no XAPIANDB stub); run talksearch-index build first");
    }
    const fs::path gen_dir = options.index_dir / *live;
    remove_old_generations(options.index_dir, 1, options.grace);  // leftovers of dead runs
    const ShardPart part = part_to_write(options);

    Inputs own;
    if (given == nullptr) own = gather_inputs(options, report);
    Inputs& in = given != nullptr ? *given : own;

    // What the live index holds: id term -> source hash.
    std::unordered_map<std::string, std::string> indexed;
    {
        Xapian::Database db(gen_dir.string());
        std::unordered_map<Xapian::docid, std::string> hashes;
        for (auto v = db.valuestream_begin(schema::kSlotContentHash);
             v != db.valuestream_end(schema::kSlotContentHash); ++v) {
            hashes.emplace(v.get_docid(), *v);
        }
        const std::string prefix(schema::kId);
        for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
            auto p = db.postlist_begin(*t);
            if (p == db.postlist_end(*t)) continue;
            const auto h = hashes.find(*p);
            indexed.emplace(*t, h == hashes.end() ? std::string() : h->second);
        }
    }

    TalkReader reader(in, options, report);
    IndexWriter writer(gen_dir, options.writer);
    writer.begin_transaction();
    std::unordered_set<std::string> seen;
    BuildProgress state{0, in.talks.size()};
    for (std::size_t ti = 0; ti < in.talks.size(); ++ti) {
        Talk& talk = in.talks[ti];
        state.done = ti + 1;
        // Another shard's talk is not seen here: if this shard holds it (its
        // recording group changed), it is deleted here and added there.
        if (!part.whole() && shard_of_talk(talk, part.count) != part.index) continue;
        const std::string term = schema::make_term(schema::kId, talk_id(talk));
        if (!seen.insert(term).second) continue;  // a repeated id: the first one wins
        reader.read(ti, talk);
        const auto it = indexed.find(term);
        if (it != indexed.end() && it->second == talk.source_hash) {
            reader.keep(ti);
            ++report.unchanged;
            if (progress) progress(state);
            continue;
        }
        if (!reader.attach(ti, talk)) {
            --report.caption_only_talks;
            seen.erase(term);  // not a talk any more: deleted below if indexed
            if (progress) progress(state);
            continue;
        }
        count_talk(talk, report);
        writer.add(talk);
        const bool replaced = it != indexed.end();
        ++(replaced ? report.replaced : report.added);
        if (options.list_changes)
            report.changes.push_back((replaced ? "replaced " : "added ") + talk_id(talk));
        talk.tracks.clear();
        talk.tracks.shrink_to_fit();
        if (progress) progress(state);
    }
    std::vector<std::string> gone;
    for (const auto& [term, hash] : indexed) {
        if (!seen.contains(term)) gone.push_back(term);
    }
    std::sort(gone.begin(), gone.end());
    const std::uint64_t live_count = indexed.size();
    check_shrink(live_count, live_count - gone.size(), options.allow_shrink, "update the index");
    for (const std::string& term : gone) {
        writer.remove_term(term);
        ++report.deleted;
        if (options.list_changes)
            report.changes.push_back("deleted " + term.substr(schema::kId.size()));
    }
    report.caption_files_used = reader.files_used();
    if (report.added + report.replaced + report.deleted > 0) {
        writer.add_spelling_for_new_words();
        writer.commit_transaction();
    } else {
        writer.cancel_transaction();  // nothing changed: nothing is written
    }
    report.talks = static_cast<std::size_t>(writer.document_count());
    report.generation = *live;
    if (given == nullptr) name_urls(report, in);
    report.bytes_written = bytes_written_so_far() - written_before;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace

void remove_partial_generation() noexcept {
    // Two writer threads can fail at once (a full disk) and both end in
    // std::terminate: the first removes, the others wait here until it has
    // exited the process, rather than exit halfway through its removal.
    static std::mutex once;
    once.lock();
    if (g_partial_generation.empty()) return;
    // Renamed first: a writer thread still running then cannot add files to
    // what is being removed (its paths no longer exist). The new name is
    // still an unpublished generation's, which the next run removes.
    std::error_code ec;
    const std::string doomed = g_partial_generation + "-removed";
    fs::rename(g_partial_generation, doomed, ec);
    fs::remove_all(ec ? g_partial_generation : doomed, ec);
    g_partial_generation.clear();
}

namespace {

constexpr std::string_view kShardFolder = "shard-";

fs::path shard_dir(const fs::path& index_dir, std::uint32_t k) {
    return index_dir / (std::string(kShardFolder) + std::to_string(k));
}

// Adds what one shard's run did to the whole run's report. Counts that a
// shard's run lowers from the gathered total (caption-only talks whose
// captions did not parse) wrap, and add up right.
void add_shard_report(BuildReport& total, BuildReport&& r, std::uint32_t k) {
    total.talks += r.talks;
    total.talks_with_captions += r.talks_with_captions;
    total.caption_files_used = r.caption_files_used;  // the files all shards so far used
    total.caption_only_talks += r.caption_only_talks;
    total.suspect_tracks += r.suspect_tracks;
    total.added += r.added;
    total.replaced += r.replaced;
    total.deleted += r.deleted;
    total.unchanged += r.unchanged;
    for (InputProblem& p : r.problems) total.problems.push_back(std::move(p));
    for (std::string& c : r.changes) total.changes.push_back(std::move(c));
    total.generation += (total.generation.empty() ? "" : ",") + std::string(kShardFolder) +
                        std::to_string(k) + "/" + r.generation;
}

// Runs `one` (build_impl or update_impl) on each shard of a split folder in
// turn, with the sources read once. Each shard is published (or committed)
// as it is done: a reader meanwhile sees some shards new and some old, each
// whole, and a talk in exactly one of them.
template <typename Run>
BuildReport run_sharded(const BuildOptions& options, std::uint32_t shards, const char* mode,
                        const std::function<void(const BuildProgress&)>& progress, Run one) {
    const auto started = std::chrono::steady_clock::now();
    const std::uint64_t written_before = bytes_written_so_far();
    BuildReport total;
    total.mode = mode;
    IndexLock lock(options.index_dir);  // one run on the split folder at a time
    Inputs in = gather_inputs(options, total);
    for (std::uint32_t k = 0; k < shards; ++k) {
        BuildOptions o = options;
        o.index_dir = shard_dir(options.index_dir, k);
        o.part = ShardPart{k, shards};
        o.shards = 0;
        // Progress over the whole run: shard k's talks come after k shards' worth.
        const auto shard_progress = [&](const BuildProgress& p) {
            if (progress) progress({k * p.total + p.done, shards * p.total});
        };
        try {
            add_shard_report(total, one(o, shard_progress, &in), k);
        } catch (const LockBusy&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(o.index_dir.string() + ": " + e.what() +
                        (k > 0 ? std::string(" (the shards before it were ") +
                                     (mode == std::string_view("build") ? "rebuilt" : "updated") +
                                     " and are live)"
                               : std::string()));
        } catch (const Xapian::Error& e) {
            throw Error(o.index_dir.string() + ": " + e.get_description());
        }
    }
    std::vector<StubEntry> entries;
    for (std::uint32_t k = 0; k < shards; ++k) {
        StubEntry e;
        e.path = std::string(kShardFolder) + std::to_string(k);  // relative: the folder can move
        entries.push_back(std::move(e));
    }
    const fs::path stub = options.index_dir / "XAPIANDB";
    if (read_stub_text(stub) != format_stub(entries)) write_stub_file(stub, format_stub(entries));
    name_urls(total, in);
    total.bytes_written = bytes_written_so_far() - written_before;
    total.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return total;
}

}  // namespace

std::uint32_t shard_count_of(const fs::path& index_dir) {
    try {  // an unreadable or foreign stub: not a folder of shards
        const std::vector<StubEntry> entries =
            parse_stub(read_stub_text(index_dir / "XAPIANDB"), index_dir / "XAPIANDB");
        for (std::size_t k = 0; k < entries.size(); ++k) {
            const StubEntry& e = entries[k];
            if (e.kind != StubEntry::Kind::kLocal ||
                e.path != shard_dir(index_dir, static_cast<std::uint32_t>(k))) {
                return 0;
            }
        }
        return static_cast<std::uint32_t>(entries.size());
    } catch (const Error&) {
        return 0;
    }
}

ShardPart shard_part_of(const fs::path& index_dir) {
    const auto live = live_generation(index_dir);
    if (!live) return {};
    try {
        const std::string text =
            Xapian::Database((index_dir / *live).string()).get_metadata(std::string(kShardPartKey));
        return text.empty() ? ShardPart{} : parse_shard_part(text);
    } catch (const Xapian::Error& e) {
        throw Error(index_dir.string() + ": cannot read the live index: " + e.get_description());
    }
}

// Xapian's exceptions are not std::exceptions: every one that escapes a run
// (a full disk, an I/O error) becomes an Error here, after the run's guards
// have removed what it wrote.
BuildReport build_index(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress) {
    try {
        const fs::path& dir = options.index_dir;
        const std::uint32_t existing = shard_count_of(dir);
        const std::uint32_t shards = options.shards != 0 ? options.shards : std::max(existing, 1u);
        if (shards > 1 && !options.part.whole())
            throw Error("--shards and --shard cannot be given together");
        if (existing != 0 && shards != existing) {
            throw Error(dir.string() + ": holds an index split into " + std::to_string(existing) +
                        " shards; to change their number, build into another folder "
                        "(docs/SCALING.md)");
        }
        if (existing == 0 && shards > 1 && live_generation(dir)) {
            throw Error(dir.string() +
                        ": holds an index in one piece; to split it into shards, build into "
                        "another folder (docs/SCALING.md)");
        }
        if (shards <= 1) return build_impl(options, progress, nullptr);
        return run_sharded(options, shards, "build", progress, build_impl);
    } catch (const Xapian::Error& e) {
        throw Error(e.get_description());
    }
}

BuildReport update_index(const BuildOptions& options,
                         const std::function<void(const BuildProgress&)>& progress) {
    try {
        if (const std::uint32_t shards = shard_count_of(options.index_dir); shards > 0)
            return run_sharded(options, shards, "update", progress, update_impl);
        return update_impl(options, progress, nullptr);
    } catch (const Xapian::Error& e) {
        throw Error(e.get_description());
    }
}

}  // namespace talksearch

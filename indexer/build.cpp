#include "indexer/build.h"

#include <algorithm>
#include <system_error>

#include "core/error.h"
#include "indexer/caption_file.h"
#include "indexer/captions.h"
#include "indexer/clean.h"
#include "indexer/generation.h"
#include "indexer/matching.h"
#include "indexer/pyvideo.h"
#include "indexer/talk_groups.h"

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

class GenerationGuard {
  public:
    explicit GenerationGuard(fs::path dir) : dir_(std::move(dir)) {}
    ~GenerationGuard() {
        if (!released_) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
        }
    }
    void release() { released_ = true; }

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

BuildReport build_index(const BuildOptions& options,
                        const std::function<void(const BuildProgress&)>& progress) {
    const auto started = std::chrono::steady_clock::now();
    BuildReport report;
    IndexLock lock(options.index_dir);

    // ---- Sources ----
    Catalogue catalogue = load_catalogue(options.talk_roots);
    report.talk_files = catalogue.files_seen;
    for (const LoadProblem& p : catalogue.problems) {
        report.problems.push_back({p.path, 0, p.message, reason_of(p.message), p.skipped});
    }
    std::vector<Talk> talks = std::move(catalogue.talks);

    std::vector<ManifestEntry> manifest;
    for (const fs::path& m : options.manifests) {
        try {
            auto rows = parse_manifest(read_file(m, 64ull * 1024 * 1024), m.parent_path());
            manifest.insert(manifest.end(), rows.begin(), rows.end());
        } catch (const Error& e) {
            report.problems.push_back({m.string(), 0, e.what(), "manifest", true});
        }
    }

    const std::vector<CaptionFile> files = find_caption_files(options.caption_roots);
    report.caption_files = files.size();
    MatchResult match = match_captions(talks, files, manifest, options.default_language);
    for (const std::string& w : match.warnings) {
        report.problems.push_back(
            {w.substr(0, w.find(": ")), 0, w.substr(w.find(": ") + 2), "manifest", false});
    }
    report.caption_only_talks = match.new_talks.size();
    for (Talk& t : match.new_talks) talks.push_back(std::move(t));

    const std::vector<TalkGroup> groups = group_recordings(talks);
    for (std::size_t i = 0; i < talks.size(); ++i) {
        talks[i].recording_group = groups[i].key;
        talks[i].recordings = groups[i].recordings;
        if (groups[i].recordings > 1 && groups[i].key == talk_id(talks[i])) ++report.repeated_talks;
    }

    std::vector<std::vector<const CaptionAssignment*>> by_talk(talks.size());
    for (const CaptionAssignment& a : match.assignments) by_talk[a.talk].push_back(&a);

    // ---- The new generation ----
    const std::string generation = new_generation_name();
    const fs::path gen_dir = options.index_dir / generation;
    GenerationGuard guard(gen_dir);
    std::vector<bool> file_used(files.size(), false);
    std::vector<bool> file_failed(files.size(), false);
    {
        IndexWriter writer(gen_dir, options.writer);
        BuildProgress state{0, talks.size()};
        for (std::size_t ti = 0; ti < talks.size(); ++ti) {
            Talk& talk = talks[ti];
            for (const CaptionAssignment* a : by_talk[ti]) {
                if (file_failed[a->file]) continue;
                const CaptionFile& f = files[a->file];
                try {
                    Captions parsed = read_caption_file(f.path, options.max_caption_bytes);
                    if (!file_used[a->file]) {
                        for (const Warning& w : parsed.warnings) {
                            report.problems.push_back(
                                {f.path.string(), w.line, w.message, "caption warning", false});
                        }
                    }
                    Track track;
                    track.path = f.path.string();
                    track.language = a->language;
                    track.kind = a->kind;
                    track.format = parsed.format;
                    track.captions = clean_cues(std::move(parsed.cues));
                    talk.tracks.push_back(std::move(track));
                    file_used[a->file] = true;
                } catch (const ParseError& e) {
                    file_failed[a->file] = true;
                    report.problems.push_back(
                        {f.path.string(), e.line(), e.what(), "not a caption file", true});
                } catch (const Error& e) {
                    file_failed[a->file] = true;
                    report.problems.push_back(
                        {f.path.string(), 0, e.what(), "unreadable caption", true});
                }
            }
            select_tracks(talk);
            state.done = ti + 1;
            // A talk made from caption files alone exists only if one of them was read.
            if (talk.origin == TalkOrigin::kCaptions && talk.tracks.empty()) {
                --report.caption_only_talks;
                if (progress) progress(state);
                continue;
            }
            if (!talk.tracks.empty()) ++report.talks_with_captions;
            for (const Track& t : talk.tracks) {
                if (t.indexed && !t.captions.suspect.empty()) ++report.suspect_tracks;
            }
            writer.add(talk);
            talk.tracks.clear();
            talk.tracks.shrink_to_fit();
            if (progress) progress(state);
        }
        writer.build_spelling();
        report.talks = static_cast<std::size_t>(writer.document_count());
    }
    report.caption_files_used =
        static_cast<std::size_t>(std::count(file_used.begin(), file_used.end(), true));

    // ---- Publish ----
    sync_tree(gen_dir);
    publish_generation(options.index_dir, generation);
    guard.release();
    remove_old_generations(options.index_dir);
    report.generation = generation;
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace talksearch

#include "indexer/index/talk_reader.h"

#include <algorithm>
#include <filesystem>
#include <string_view>
#include <tuple>

#include "core/error.h"
#include "core/hash.h"
#include "core/schema.h"
#include "indexer/captions/caption_file.h"
#include "indexer/captions/captions.h"
#include "indexer/captions/clean.h"

namespace fs = std::filesystem;

namespace talksearch {

namespace {

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

// Bumped whenever the way a talk becomes a document changes, so that
// `update` re-indexes every talk after such an upgrade.
constexpr std::string_view kDocumentFormat = "talksearch-document-6";

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

}  // namespace

TalkReader::TalkReader(Inputs& in, const BuildOptions& options, BuildReport& report)
    : in_(in),
      options_(options),
      report_(report),
      used_(in.used),
      unreadable_(in.files.size(), false),
      unparsable_(in.files.size(), false) {}

void TalkReader::read(std::size_t ti, Talk& talk) {
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

bool TalkReader::attach(std::size_t ti, Talk& talk) {
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
            track.kind = caption_format_is_machine_transcript(parsed.format) ? CaptionKind::kMachine
                                                                             : a->kind;
            track.format = parsed.format;
            track.captions = clean_cues(std::move(parsed.cues));
            if (!used_[a->file]) {
                for (const SuspectStretch& loop : track.captions.suspect) {
                    report_.problems.push_back(
                        {f.path.string(), 0, describe_loop(loop), "repetition loop", false});
                }
            }
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
            report_.problems.push_back({f.path.string(), 0, e.what(), "unreadable caption", true});
        }
    }
    select_tracks(talk);
    return !(talk.origin == TalkOrigin::kCaptions && talk.tracks.empty());
}

void TalkReader::keep(std::size_t ti) {
    for (std::size_t k = 0; k < in_.by_talk[ti].size(); ++k) {
        if (bytes_[k]) used_[in_.by_talk[ti][k]->file] = true;
    }
}

std::size_t TalkReader::files_used() const {
    return static_cast<std::size_t>(std::count(used_.begin(), used_.end(), true));
}

void count_talk(const Talk& talk, BuildReport& report) {
    if (!talk.tracks.empty()) ++report.talks_with_captions;
    for (const Track& t : talk.tracks) {
        if (t.indexed && !t.captions.suspect.empty()) ++report.suspect_tracks;
    }
}

}  // namespace talksearch

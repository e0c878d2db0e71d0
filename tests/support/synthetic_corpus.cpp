#include "tests/support/synthetic_corpus.h"

#include <cstdio>
#include <random>
#include <vector>

#include "tests/support/process.h"

namespace fs = std::filesystem;

namespace talksearch::test {

namespace {

const std::vector<std::string> kVocabulary = {
    "python",   "function",   "decorator", "generator", "index",    "search",   "query",
    "talk",     "conference", "caption",   "moment",    "second",   "video",    "speaker",
    "module",   "package",    "import",    "testing",   "fixture",  "async",    "await",
    "loop",     "thread",     "process",   "memory",    "string",   "bytes",    "unicode",
    "database", "table",      "column",    "pandas",    "array",    "vector",   "matrix",
    "network",  "socket",     "server",    "client",    "request",  "response", "header",
    "parser",   "token",      "grammar",   "compiler",  "runtime",  "garbage",  "collector",
    "class",    "object",     "method",    "attribute", "property", "closure",  "scope",
    "the",      "a",          "and",       "of",        "to",       "we",       "you",
    "is",       "this",       "that",      "so",        "now",      "here",     "there",
};

std::string event_of(std::size_t k) { return "synth-conf-" + std::to_string(2010 + k % 10); }

std::string youtube_id(std::size_t k) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string id = "sy";
    std::size_t v = k * 2654435761u + 12345;
    while (id.size() < 11) {
        id += alphabet[v % 64];
        v /= 64;
        if (v == 0) v = k + id.size() * 7919;
    }
    return id;
}

std::string clock(std::size_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02zu:%02zu:%02zu.%03zu", ms / 3600000, ms / 60000 % 60,
                  ms / 1000 % 60, ms % 1000);
    return buf;
}

}  // namespace

std::string synthetic_talk_id(std::size_t k) { return event_of(k) + "/talk-" + std::to_string(k); }

void write_synthetic_corpus(const fs::path& root, const SyntheticCorpus& c) {
    std::mt19937 rng(c.seed);
    std::uniform_int_distribution<std::size_t> pick(0, kVocabulary.size() - 1);
    for (std::size_t e = 0; e < 10; ++e) {
        const std::string event = event_of(e);
        write_file(root / "talks" / event / "category.json",
                   "{\"title\": \"Synth Conf " + std::to_string(2010 + e) + "\"}\n");
    }
    for (std::size_t k = 0; k < c.talks; ++k) {
        const bool marked = k % 13 == c.variant % 13;
        std::string title = "Talk " + std::to_string(k) + " about " + kVocabulary[pick(rng)] +
                            " and " + kVocabulary[pick(rng)];
        std::string description;
        for (int w = 0; w < 40; ++w) description += kVocabulary[pick(rng)] + " ";
        const std::string id = youtube_id(k);
        write_file(
            root / "talks" / event_of(k) / "videos" / ("talk-" + std::to_string(k) + ".json"),
            "{\"title\": \"" + title + "\", \"slug\": \"talk-" + std::to_string(k) +
                "\", \"speakers\": [\"Speaker " + std::to_string(k % 97) +
                "\"], \"description\": \"" + description +
                "\", \"language\": \"eng\", \"recorded\": \"" + std::to_string(2010 + k % 10) +
                "-06-01\", \"videos\": [{\"type\": \"youtube\", \"url\": "
                "\"https://www.youtube.com/watch?v=" +
                id + "\"}]}\n");
        std::string vtt = "WEBVTT\n\n";
        for (std::size_t q = 0; q < c.cues_per_talk; ++q) {
            std::string text;
            for (std::size_t w = 0; w < c.words_per_cue; ++w) text += kVocabulary[pick(rng)] + " ";
            if (marked && q == c.cues_per_talk / 2) text += kMarkerWord;
            vtt += clock(q * 4000) + " --> " + clock(q * 4000 + 3900) + "\n" + text + "\n\n";
        }
        write_file(root / "captions" / (id + ".en.vtt"), vtt);
    }
}

}  // namespace talksearch::test

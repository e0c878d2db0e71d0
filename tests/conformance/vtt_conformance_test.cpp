// Data-driven WebVTT conformance: the parser test cases of Mozilla's vtt.js
// (../shared/conformance/mozilla-vtt.js, see its README.md), run through
// parse_webvtt and compared on what search needs: the number of cues, their
// start and end to the millisecond, their id and their text.
//
// Usage: vtt_conformance_test <path to mozilla-vtt.js>
// Prints one line per failing case, then "N passed, M failed". Exits 0 when
// every case passes, 1 when one fails, 77 (skipped) when the folder is absent.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "indexer/captions/captions.h"

namespace {

namespace fs = std::filesystem;
using talksearch::Captions;
using talksearch::Cue;

constexpr int kExitSkipped = 77;

/// One cue as a case expects it.
struct ExpectedCue {
    std::string id;
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string text;
    bool compare_id = true;
};

/// What a case expects. `plain` says which of our texts `text` is compared
/// with: Cue::text (the rendered textContent) or Cue::raw (vtt.js's `text`).
struct Expectation {
    std::vector<ExpectedCue> cues;
    bool plain = false;
};

/// A case where vtt.js (2013-2019) and the current W3C WebVTT specification
/// disagree. As ../shared/conformance/README.md says, we follow the
/// specification; the expected cues below are what the specification's parser
/// algorithm produces.
struct SpecOverride {
    std::string_view input;
    std::string_view reason;
    std::vector<ExpectedCue> cues;  ///< compared with Cue::text
};

const std::vector<SpecOverride>& spec_overrides() {
    static const std::vector<SpecOverride> overrides = {
        // `000:00.000 --> 00:02.000`: a first field that is not exactly two
        // digits is hours, so a second colon (and the seconds) must follow;
        // the timing line fails and the cue is dropped. vtt.js expects 1 cue.
        {"tests/cue-times/min-top-digits.vtt", "a minutes field has exactly 2 digits", {}},
        // `120:00.000 --> 120:10.000`: a first field over 59 is hours, so a
        // second colon is required; the cue is dropped. vtt.js expects 1 cue.
        {"tests/cue-times/minimum-spots-over-sixty.vtt",
         "a first field over 59 is hours, so a second colon is required",
         {}},
        // `WEBVTT\n00:11.000 --> 00:13.000\nTest`: a header line containing
        // "-->" ends the header and starts a cue. vtt.js expects 0 cues.
        {"tests/file-layout/header-no-new-line.vtt",
         "a '-->' line ends the header and starts a cue",
         {{"", 11'000, 13'000, "Test"}}},
        // A block whose first line is a bare `-->` is a failed timing line;
        // the real timing line right after it starts a new block, so the
        // "Test" cue is kept. vtt.js expects 4 cues (it loses "Test").
        {"tests/integration/id.vtt",
         "a bare '-->' line is a failed timing line; the next line starts a new block",
         {{"1", 1'000, 2'000, "This"},
          {"Random", 2'000, 3'000, "Is"},
          {"12*AS& Over ...", 3'000, 4'000, "A"},
          {"", 4'000, 5'000, "Test"},
          {"ja88120 aa", 6'000, 7'000, "And stuff?"}}},
        // `&l &g; &nbsp &am; &lt &gt &nbs &nbs; &g; &lr;`: the cue text
        // tokenizer reads character references by HTML's rules, whose table
        // holds legacy names without ';' (`&nbsp`, `&lt`, `&gt`) and takes the
        // longest name the text starts with ("&nbs" is none). vtt.js knows six
        // names and wants their ';', so it keeps the text as written.
        {"tests/cuetext/escape-characters/incorrect.vtt",
         "HTML's legacy character references need no ';'",
         {{"", 0, 2'000, "&l &g; \xC2\xA0 &am; < > &nbs &nbs; &g; &lr;"}}},
    };
    return overrides;
}

const SpecOverride* find_override(std::string_view input) {
    for (const SpecOverride& o : spec_overrides()) {
        if (o.input == input) return &o;
    }
    return nullptr;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::int64_t seconds_to_ms(double seconds) { return std::llround(seconds * 1000.0); }

// Shows a string on one line, with control characters escaped.
std::string show(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

// Reads a case's expected cues from its vtt.js JSON files.
Expectation load_expectation(const fs::path& root, simdjson::dom::object test_case,
                             simdjson::dom::parser& expected_parser,
                             simdjson::dom::parser& rendered_parser) {
    std::string_view expected_path;
    if (test_case["expected"].get(expected_path) != simdjson::SUCCESS) {
        throw std::runtime_error("case has no \"expected\" file");
    }
    simdjson::dom::element expected;
    if (const auto error = expected_parser.load((root / expected_path).string()).get(expected)) {
        throw std::runtime_error(std::string(expected_path) + ": " +
                                 simdjson::error_message(error));
    }
    simdjson::dom::array rendered;
    bool have_rendered = false;
    std::string_view rendered_path;
    if (test_case["expected_rendered"].get(rendered_path) == simdjson::SUCCESS) {
        simdjson::dom::element rendered_doc;
        if (const auto error =
                rendered_parser.load((root / rendered_path).string()).get(rendered_doc)) {
            throw std::runtime_error(std::string(rendered_path) + ": " +
                                     simdjson::error_message(error));
        }
        if (rendered_doc.get(rendered) != simdjson::SUCCESS) {
            throw std::runtime_error(std::string(rendered_path) + ": not an array");
        }
        have_rendered = true;
    }

    Expectation result;
    result.plain = have_rendered;
    simdjson::dom::array cues;
    if (expected["cues"].get(cues) != simdjson::SUCCESS) {
        throw std::runtime_error(std::string(expected_path) + ": no \"cues\" array");
    }
    if (have_rendered && rendered.size() != cues.size()) {
        throw std::runtime_error(std::string(rendered_path) + ": not aligned with the cues");
    }
    std::size_t index = 0;
    for (simdjson::dom::element cue : cues) {
        ExpectedCue e;
        double start = 0;
        double end = 0;
        std::string_view id;
        std::string_view text;
        if (cue["startTime"].get(start) || cue["endTime"].get(end) || cue["id"].get(id) ||
            cue["text"].get(text)) {
            throw std::runtime_error(std::string(expected_path) + ": malformed cue");
        }
        e.start_ms = seconds_to_ms(start);
        e.end_ms = seconds_to_ms(end);
        e.id = std::string(id);
        e.text = std::string(text);
        if (have_rendered) {
            std::string_view plain;
            if (rendered.at(index)["textContent"].get(plain) != simdjson::SUCCESS) {
                throw std::runtime_error(std::string(rendered_path) + ": no textContent");
            }
            e.text = std::string(plain);
        }
        result.cues.push_back(std::move(e));
        ++index;
    }
    return result;
}

// Compares what we parsed with what the case expects; returns the problems.
std::vector<std::string> compare(const std::vector<Cue>& got, const Expectation& want) {
    std::vector<std::string> problems;
    if (got.size() != want.cues.size()) {
        problems.push_back("expected " + std::to_string(want.cues.size()) + " cues, got " +
                           std::to_string(got.size()));
    }
    const std::size_t n = std::min(got.size(), want.cues.size());
    for (std::size_t i = 0; i < n; ++i) {
        const Cue& g = got[i];
        const ExpectedCue& w = want.cues[i];
        const std::string prefix = "cue " + std::to_string(i) + ": ";
        if (g.start_ms != w.start_ms || g.end_ms != w.end_ms) {
            problems.push_back(prefix + "expected " + std::to_string(w.start_ms) + "-" +
                               std::to_string(w.end_ms) + " ms, got " + std::to_string(g.start_ms) +
                               "-" + std::to_string(g.end_ms));
        }
        if (w.compare_id && g.id != w.id) {
            problems.push_back(prefix + "expected id " + show(w.id) + ", got " + show(g.id));
        }
        const std::string& text = want.plain ? g.text : g.raw;
        if (text != w.text) {
            problems.push_back(prefix + "expected " + (want.plain ? "text " : "raw text ") +
                               show(w.text) + ", got " + show(text));
        }
    }
    return problems;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " <path to mozilla-vtt.js>\n";
        return 2;
    }
    const fs::path root = argv[1];
    const fs::path manifest_path = root / "manifest.json";
    if (!fs::is_directory(root) || !fs::exists(manifest_path)) {
        std::cout << "skipped: " << manifest_path.string() << " not found\n";
        return kExitSkipped;
    }

    simdjson::dom::parser manifest_parser;
    simdjson::dom::parser expected_parser;
    simdjson::dom::parser rendered_parser;
    simdjson::dom::element manifest;
    if (const auto error = manifest_parser.load(manifest_path.string()).get(manifest)) {
        std::cerr << manifest_path.string() << ": " << simdjson::error_message(error) << "\n";
        return 1;
    }
    simdjson::dom::array cases;
    if (manifest["cases"].get(cases) != simdjson::SUCCESS) {
        std::cerr << manifest_path.string() << ": no \"cases\" array\n";
        return 1;
    }

    std::size_t passed = 0;
    std::size_t failed = 0;
    std::set<std::string_view> overrides_used;
    for (simdjson::dom::element element : cases) {
        std::string_view input;
        simdjson::dom::object test_case;
        if (element.get(test_case) || test_case["input"].get(input)) {
            std::cout << "FAIL <malformed manifest entry>\n";
            ++failed;
            continue;
        }
        std::vector<std::string> problems;
        try {
            Expectation want;
            if (const SpecOverride* o = find_override(input)) {
                overrides_used.insert(o->input);
                want.cues = o->cues;
                want.plain = true;
            } else {
                want = load_expectation(root, test_case, expected_parser, rendered_parser);
            }
            Captions got;
            try {
                got = talksearch::parse_webvtt(read_file(root / input));
            } catch (const talksearch::ParseError&) {
                // A rejected file holds no cues.
            }
            problems = compare(got.cues, want);
        } catch (const std::exception& e) {
            problems.push_back(std::string("error: ") + e.what());
        }
        if (problems.empty()) {
            ++passed;
            continue;
        }
        ++failed;
        std::cout << "FAIL " << input << ":";
        for (const std::string& p : problems) std::cout << " " << p << ";";
        std::cout << "\n";
    }
    for (const SpecOverride& o : spec_overrides()) {
        if (overrides_used.count(o.input) == 0) {
            std::cout << "FAIL " << o.input << ": spec override matches no case in the manifest\n";
            ++failed;
        }
    }
    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}

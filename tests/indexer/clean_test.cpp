// Tests for the cue cleaner (indexer/captions/clean.h: clean_cues).
#include "indexer/captions/clean.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/text.h"
#include "indexer/captions/captions.h"
#include "tests/support/shared.h"

using talksearch::clean_cues;
using talksearch::CleanCaptions;
using talksearch::Cue;

namespace {

/// Cues of one second each, back to back, with the given texts.
std::vector<Cue> cues_of(const std::vector<std::string>& texts) {
    std::vector<Cue> cues;
    std::int64_t t = 0;
    for (const auto& text : texts) {
        Cue cue;
        cue.start_ms = t;
        cue.end_ms = t + 1000;
        cue.raw = text;
        cue.text = text;
        cue.line = static_cast<std::uint32_t>(cues.size() * 4 + 2);
        cues.push_back(cue);
        t += 1000;
    }
    return cues;
}

std::vector<std::string> texts_of(const CleanCaptions& clean) {
    std::vector<std::string> texts;
    for (const auto& cue : clean.cues) texts.push_back(cue.text);
    return texts;
}

std::vector<std::string> repeat(const std::vector<std::string>& block, int times) {
    std::vector<std::string> out;
    for (int i = 0; i < times; ++i) out.insert(out.end(), block.begin(), block.end());
    return out;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

using Texts = std::vector<std::string>;

}  // namespace

TEST_CASE("clean_cues keeps ordinary cues as they are", "[clean]") {
    auto cues = cues_of({"Hello.", "How are you?", "Fine, thanks."});
    CleanCaptions clean = clean_cues(cues);
    REQUIRE(clean.cues.size() == 3);
    CHECK(texts_of(clean) == Texts{"Hello.", "How are you?", "Fine, thanks."});
    CHECK(clean.cues[1].start_ms == 1000);
    CHECK(clean.cues[1].line == cues[1].line);
    CHECK(clean.suspect.empty());
    CHECK(clean.rolling_lines_removed == 0);
    CHECK(clean.empty_cues_removed == 0);
    CHECK(clean_cues({}).cues.empty());
}

TEST_CASE("clean_cues drops cues whose text is empty or whitespace", "[clean]") {
    CleanCaptions clean = clean_cues(cues_of({"", "one", " \n\t ", "two", "\n"}));
    CHECK(texts_of(clean) == Texts{"one", "two"});
    CHECK(clean.empty_cues_removed == 3);
    CHECK(clean.cues[1].start_ms == 3000);
}

TEST_CASE("clean_cues removes YouTube rolling lines and keeps each line at its first time",
          "[clean]") {
    // The shape of YouTube auto-captions (see webvtt-py's youtube_dl.vtt):
    // each cue repeats the previous cue's last line on top, and a short
    // transition cue holds only that line.
    auto cues = cues_of({
        " \nyeah so",                        // 0: first line, shown alone
        "yeah so\n ",                        // 1: transition cue
        "yeah so\nwhat will happen is",      // 2: rolls "yeah so" up
        "what will happen is",               // 3: transition cue
        "what will happen is\nI'm telling",  // 4
        "I'm telling\n ",                    // 5: transition cue
        "I'm telling\nyou a story",          // 6
    });
    // Transition cues are shown for 10 ms, as YouTube's are.
    for (std::size_t i : {1, 3, 5}) cues[i].end_ms = cues[i].start_ms + 10;
    CleanCaptions clean = clean_cues(cues);
    CHECK(texts_of(clean) == Texts{"yeah so", "what will happen is", "I'm telling", "you a story"});
    REQUIRE(clean.cues.size() == 4);
    CHECK(clean.cues[0].start_ms == 0);
    CHECK(clean.cues[1].start_ms == 2000);
    CHECK(clean.cues[2].start_ms == 4000);
    CHECK(clean.cues[3].start_ms == 6000);
    CHECK(clean.cues[1].raw == "yeah so\nwhat will happen is");
    // Cue 1, a transition cue, repeats cue 0 whole; cues 2 to 6 lose one
    // rolling line each.
    CHECK(clean.rolling_lines_removed == 6);
    CHECK(clean.suspect.empty());
}

TEST_CASE("clean_cues compares rolling lines with the previous cue before its removal", "[clean]") {
    SECTION("a two-line overlap") {
        CleanCaptions clean = clean_cues(cues_of({"a\nb\nc", "b\nc\nd", "c\nd\ne"}));
        CHECK(texts_of(clean) == Texts{"a\nb\nc", "d", "e"});
        CHECK(clean.rolling_lines_removed == 4);
    }
    SECTION("lines are compared after trimming whitespace") {
        CleanCaptions clean = clean_cues(cues_of({"one\n  two  ", "two\nthree"}));
        CHECK(texts_of(clean) == Texts{"one\n  two", "three"});
    }
    SECTION("a line that only looks alike is kept") {
        CleanCaptions clean = clean_cues(cues_of({"one\ntwo", "Two\nthree", "four\none"}));
        CHECK(texts_of(clean) == Texts{"one\ntwo", "Two\nthree", "four\none"});
        CHECK(clean.rolling_lines_removed == 0);
    }
}

TEST_CASE("clean_cues collapses a cue repeated back to back three times or more", "[clean]") {
    SECTION("twice: a line said twice, kept") {
        CleanCaptions clean = clean_cues(cues_of({"Right?", "Right?", "Yes."}));
        CHECK(texts_of(clean) == Texts{"Right?", "Right?", "Yes."});
        CHECK(clean.suspect.empty());
        CHECK(clean.rolling_lines_removed == 0);
    }
    SECTION("three times: collapsed to the first, at its time") {
        CleanCaptions clean = clean_cues(cues_of({"Right?", "Right?", "Right?", "Yes."}));
        CHECK(texts_of(clean) == Texts{"Right?", "Yes."});
        CHECK(clean.cues[0].start_ms == 0);
        CHECK(clean.cues[0].end_ms == 1000);
        CHECK(clean.suspect.size() == 1);
    }
    SECTION("case, spacing and trailing punctuation do not matter") {
        CleanCaptions clean =
            clean_cues(cues_of({"Thank you.", "thank  you", "THANK YOU!", "Thank\nyou\u2026"}));
        CHECK(texts_of(clean) == Texts{"Thank you."});
        REQUIRE(clean.suspect.size() == 1);
        CHECK(clean.suspect[0].repeats == 4);
    }
    SECTION("other punctuation does") {
        CleanCaptions clean = clean_cues(cues_of({"Thank you.", "Thank, you."}));
        CHECK(clean.cues.size() == 2);
    }
    SECTION("an empty cue between repeats does not hide them") {
        CleanCaptions clean = clean_cues(cues_of({"Okay.", "", "Okay.", " ", "Okay."}));
        CHECK(texts_of(clean) == Texts{"Okay."});
        CHECK(clean.empty_cues_removed == 2);
        CHECK(clean.suspect.size() == 1);
    }
}

TEST_CASE("clean_cues records a loop of three or more repeats as a suspect stretch", "[clean]") {
    Texts texts = {"Welcome to the talk.", "Let's start."};
    Texts loop = repeat({"I'm not sure if you can hear me."}, 5);
    texts.insert(texts.end(), loop.begin(), loop.end());
    texts.push_back("Can you hear me now?");
    CleanCaptions clean = clean_cues(cues_of(texts));
    CHECK(texts_of(clean) == Texts{"Welcome to the talk.", "Let's start.",
                                   "I'm not sure if you can hear me.", "Can you hear me now?"});
    CHECK(clean.cues[2].start_ms == 2000);
    CHECK(clean.cues[2].end_ms == 3000);
    CHECK(clean.cues[3].start_ms == 7000);
    REQUIRE(clean.suspect.size() == 1);
    CHECK(clean.suspect[0].start_ms == 2000);
    CHECK(clean.suspect[0].end_ms == 7000);
    CHECK(clean.suspect[0].repeats == 5);
    CHECK(clean.suspect[0].period == 1);
}

TEST_CASE("clean_cues collapses a block of two cues repeated back to back", "[clean]") {
    Texts texts = {"intro"};
    Texts loop = repeat({"with the fact that", "we should start"}, 4);
    texts.insert(texts.end(), loop.begin(), loop.end());
    texts.push_back("outro");
    CleanCaptions clean = clean_cues(cues_of(texts));
    CHECK(texts_of(clean) == Texts{"intro", "with the fact that", "we should start", "outro"});
    REQUIRE(clean.suspect.size() == 1);
    CHECK(clean.suspect[0].start_ms == 1000);
    CHECK(clean.suspect[0].end_ms == 9000);
    CHECK(clean.suspect[0].repeats == 4);
    CHECK(clean.suspect[0].period == 2);
    CHECK(clean.cues[3].start_ms == 9000);
}

TEST_CASE("clean_cues collapses blocks of three and four cues", "[clean]") {
    SECTION("period 3, twice: kept") {
        CleanCaptions clean = clean_cues(cues_of(repeat({"a", "b", "c"}, 2)));
        CHECK(clean.cues.size() == 6);
        CHECK(clean.suspect.empty());
    }
    SECTION("period 4, three times") {
        CleanCaptions clean = clean_cues(cues_of(repeat({"a", "b", "c", "d"}, 3)));
        CHECK(texts_of(clean) == Texts{"a", "b", "c", "d"});
        REQUIRE(clean.suspect.size() == 1);
        CHECK(clean.suspect[0].period == 4);
        CHECK(clean.suspect[0].repeats == 3);
    }
    SECTION("a block of one repeated cue counts as period 1") {
        CleanCaptions clean = clean_cues(cues_of(repeat({"a"}, 8)));
        REQUIRE(clean.suspect.size() == 1);
        CHECK(clean.suspect[0].period == 1);
        CHECK(clean.suspect[0].repeats == 8);
    }
    SECTION("a line said twice inside the kept block stays") {
        CleanCaptions clean = clean_cues(cues_of(repeat({"x", "x", "y"}, 3)));
        CHECK(texts_of(clean) == Texts{"x", "x", "y"});
        REQUIRE(clean.suspect.size() == 1);
        CHECK(clean.suspect[0].period == 3);
        CHECK(clean.rolling_lines_removed == 0);
    }
    SECTION("period 5 is not looked for") {
        CleanCaptions clean = clean_cues(cues_of(repeat({"a", "b", "c", "d", "e"}, 2)));
        CHECK(clean.cues.size() == 10);
    }
}

TEST_CASE("clean_cues never collapses one speaker's words into another's", "[clean]") {
    auto voiced = [](const Texts& texts, const std::vector<std::string>& speakers) {
        std::vector<Cue> cues = cues_of(texts);
        for (std::size_t i = 0; i < cues.size(); ++i) cues[i].speaker = speakers[i];
        return cues;
    };
    SECTION("two speakers agreeing with the same words keep both cues") {
        CleanCaptions clean =
            clean_cues(voiced({"Should be.", "Should be."}, {"Speaker 3", "Speaker 1"}));
        CHECK(texts_of(clean) == Texts{"Should be.", "Should be."});
        CHECK(clean.rolling_lines_removed == 0);
    }
    SECTION("three cues of the same words from two speakers are no loop") {
        CleanCaptions clean =
            clean_cues(voiced({"Yeah.", "Yeah.", "Yeah."}, {"Michael", "Brian", "Michael"}));
        CHECK(clean.cues.size() == 3);
        CHECK(clean.suspect.empty());
    }
    SECTION("one speaker's loop is still collapsed") {
        CleanCaptions clean = clean_cues(
            voiced({"Yeah.", "Yeah.", "Yeah.", "Right."}, {"Brian", "Brian", "Brian", "Michael"}));
        CHECK(texts_of(clean) == Texts{"Yeah.", "Right."});
        CHECK(clean.suspect.size() == 1);
    }
    SECTION("a rolled line shown again for another speaker stays") {
        CleanCaptions clean =
            clean_cues(voiced({"so the\nparser is", "parser is\nfast"}, {"Brian", "Michael"}));
        CHECK(texts_of(clean) == Texts{"so the\nparser is", "parser is\nfast"});
    }
}

TEST_CASE("clean_cues keeps a repeated line that other cues separate", "[clean]") {
    Texts texts = {"Thank you.", "Any questions?",    "Yes, about the parser.",
                   "Thank you.", "So the next slide", "Thank you."};
    CleanCaptions clean = clean_cues(cues_of(texts));
    CHECK(texts_of(clean) == texts);
    CHECK(clean.suspect.empty());
}

TEST_CASE("clean_cues collapses a loop of 12,000 repeats in linear time", "[clean]") {
    Texts texts = {"Let's begin."};
    for (int i = 0; i < 200; ++i) texts.push_back("line " + std::to_string(i));
    Texts loop = repeat({"Thank you."}, 12000);
    texts.insert(texts.end(), loop.begin(), loop.end());
    Texts loop2 = repeat({"and then", "we go on"}, 50000);
    texts.insert(texts.end(), loop2.begin(), loop2.end());
    auto cues = cues_of(texts);
    auto start = std::chrono::steady_clock::now();
    CleanCaptions clean = clean_cues(cues);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    CHECK(clean.cues.size() == 201 + 1 + 2);
    REQUIRE(clean.suspect.size() == 2);
    CHECK(clean.suspect[0].repeats == 12000);
    CHECK(clean.suspect[0].start_ms == 201000);
    CHECK(clean.suspect[0].end_ms == 12201000);
    CHECK(clean.suspect[1].repeats == 50000);
    CHECK(clean.suspect[1].period == 2);
    CHECK(elapsed.count() < 1.0);
}

TEST_CASE("clean_cues removes the rolling lines of a YouTube-shaped SubRip file", "[clean]") {
    auto captions = talksearch::parse_srt(
        read_file(std::filesystem::path(TALKSEARCH_TEST_DATA) / "clean/youtube_rolling.srt"));
    CleanCaptions clean = clean_cues(captions.cues);
    CHECK(texts_of(clean) == Texts{"hello everyone welcome", "to this talk about parsers",
                                   "so let's get started", "with the first slide"});
    REQUIRE(clean.cues.size() == 4);
    CHECK(clean.cues[1].start_ms == 2679);
    CHECK(clean.cues[1].id == "3");
    CHECK(clean.cues[3].start_ms == 7510);
    // The 10 ms transition cue 2 repeats cue 1 whole; cues 3, 5 and 7 roll a
    // line up, 4 and 6 are transitions.
    CHECK(clean.rolling_lines_removed == 6);
    CHECK(clean.suspect.empty());
}

TEST_CASE("clean_cues removes the rolling lines of webvtt-py's youtube_dl.vtt", "[clean][shared]") {
    const std::filesystem::path path =
        std::filesystem::path(TALKSEARCH_SHARED_DIR) /
        "conformance/caption-samples/webvtt-py/tests/subtitles/youtube_dl.vtt";
    TALKSEARCH_SKIP_WITHOUT(path);
    auto captions = talksearch::parse_webvtt(read_file(path));
    REQUIRE(captions.cues.size() == 4);
    CleanCaptions clean = clean_cues(captions.cues);
    CHECK(texts_of(clean) == Texts{"yeah", "what", "this will happen is I'm telling"});
    REQUIRE(clean.cues.size() == 3);
    CHECK(clean.cues[0].start_ms == 286070);
    CHECK(clean.cues[1].start_ms == 286470);
    CHECK(clean.cues[2].start_ms == 304080);
    // "yeah" rolls up once; the last cue repeats the word-timed one whole.
    CHECK(clean.rolling_lines_removed == 2);
    CHECK(clean.suspect.empty());
}

TEST_CASE("clean_cues collapses the 12,000 'Thank you.' loop of a real Whisper file",
          "[clean][shared]") {
    const std::filesystem::path path = std::filesystem::path(TALKSEARCH_SHARED_DIR) /
                                       "corpus/pycon-captions/whisper/YWFbR8mTcAY.en.srt";
    TALKSEARCH_SKIP_WITHOUT(path);
    auto captions = talksearch::parse_srt(read_file(path));
    REQUIRE(captions.cues.size() > 12000);
    CleanCaptions clean = clean_cues(captions.cues);
    REQUIRE(clean.cues.size() >= 2);
    CHECK(clean.cues.back().text == "Thank you.");
    CHECK(clean.cues[clean.cues.size() - 2].text != "Thank you.");
    auto loop = std::find_if(clean.suspect.begin(), clean.suspect.end(),
                             [](const auto& s) { return s.repeats > 12000; });
    REQUIRE(loop != clean.suspect.end());
    CHECK(loop->period == 1);
    CHECK(loop->start_ms == clean.cues.back().start_ms);
    CHECK(loop->end_ms == captions.cues.back().end_ms);
    CHECK(clean.cues.size() < captions.cues.size() / 10);
}

TEST_CASE("clean_cues flags the Whisper loops of the pycon-captions corpus", "[clean][shared]") {
    const std::filesystem::path dir =
        std::filesystem::path(TALKSEARCH_SHARED_DIR) / "corpus/pycon-captions";
    TALKSEARCH_SKIP_WITHOUT(dir);
    std::size_t whisper_files = 0;
    std::size_t collapsed_files = 0;
    std::size_t suspect_files = 0;
    std::size_t stretches = 0;
    std::size_t cues_in = 0;
    std::size_t cues_out = 0;
    std::size_t human_suspect_files = 0;
    for (const auto& kind : {"whisper", "human"}) {
        for (const auto& entry : std::filesystem::directory_iterator(dir / kind)) {
            auto captions = talksearch::parse_srt(read_file(entry.path()));
            std::size_t non_empty =
                std::count_if(captions.cues.begin(), captions.cues.end(),
                              [](const Cue& c) { return !talksearch::trim(c.text).empty(); });
            CleanCaptions clean = clean_cues(captions.cues);
            if (std::string_view(kind) == "human") {
                if (!clean.suspect.empty()) ++human_suspect_files;
                continue;
            }
            ++whisper_files;
            cues_in += non_empty;
            cues_out += clean.cues.size();
            if (clean.cues.size() + clean.rolling_lines_removed < non_empty) ++collapsed_files;
            if (!clean.suspect.empty()) ++suspect_files;
            stretches += clean.suspect.size();
        }
    }
    WARN(whisper_files << " Whisper files: " << collapsed_files << " with repeats collapsed, "
                       << suspect_files << " with suspect stretches (" << stretches
                       << " stretches); " << cues_in << " non-empty cues -> " << cues_out
                       << "; human files with suspect stretches: " << human_suspect_files);
    CHECK(whisper_files == 512);
    // Only loops (3 repeats or more) collapse now: a line said twice stays.
    CHECK(collapsed_files == suspect_files);
    CHECK(collapsed_files >= 120);
    CHECK(collapsed_files <= 160);
    CHECK(suspect_files >= 100);
    CHECK(suspect_files <= 260);
    // The human-corrected files kept some of Whisper's loops ("Oh." 28 times).
    CHECK(human_suspect_files <= 10);
}

TEST_CASE("clean_cues drops no podcast speaker's line for another's in 487 real transcripts",
          "[clean][shared]") {
    const std::filesystem::path dir =
        std::filesystem::path(TALKSEARCH_SHARED_DIR) / "corpus/pythonbytes/transcripts";
    TALKSEARCH_SKIP_WITHOUT(dir);
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() == ".vtt") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 20);
    std::size_t cues_in = 0;
    std::size_t dropped = 0;
    std::size_t dropped_across_speakers = 0;
    std::size_t said_twice_by_two = 0;
    for (const auto& path : files) {
        const auto captions = talksearch::parse_webvtt(read_file(path));
        std::vector<Cue> cues;
        for (const Cue& c : captions.cues) {
            if (!talksearch::trim(c.text).empty()) cues.push_back(c);
        }
        cues_in += cues.size();
        const CleanCaptions clean = clean_cues(cues);
        std::set<std::uint32_t> kept;
        for (const Cue& c : clean.cues) kept.insert(c.line);
        for (std::size_t i = 0; i < cues.size(); ++i) {
            if (i > 0 && cues[i].speaker != cues[i - 1].speaker &&
                talksearch::trim(cues[i].text) == talksearch::trim(cues[i - 1].text)) {
                ++said_twice_by_two;
                CHECK(kept.count(cues[i].line) == 1);
            }
            if (kept.count(cues[i].line) != 0) continue;
            ++dropped;
            if (i > 0 && cues[i].speaker != cues[i - 1].speaker) ++dropped_across_speakers;
        }
    }
    WARN(files.size() << " transcripts, " << cues_in << " cues: " << dropped << " dropped, "
                      << dropped_across_speakers << " after another speaker's cue; "
                      << said_twice_by_two << " lines said again by another speaker");
    // Before (issue 19): in 20 of them, 117 cues dropped, 18 after another
    // speaker's cue.
    CHECK(dropped_across_speakers == 0);
    CHECK(said_twice_by_two > 0);
}

// libFuzzer targets, one per parser (docs/TESTING.md): CMake compiles this
// file once per parser with FUZZ_PARSER set to its name. A parser may refuse
// its input with talksearch::Error (what the indexer reports and skips);
// anything else (a crash, a sanitizer report, another exception, a result
// that breaks an invariant) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/text.h"
#include "indexer/captions/captions.h"
#include "indexer/sources/pyvideo.h"
#include "indexer/sources/ytdlp.h"

namespace {

using namespace talksearch;

// What every caption parser promises of the cues it returns: their text is
// valid UTF-8 (what the index and every output require).
void check_cues(const Captions& captions) {
    for (const Cue& cue : captions.cues) {
        if (sanitize_utf8(cue.text) != cue.text) std::abort();
    }
}

void run(std::string_view text) {
#define RUN_webvtt check_cues(parse_webvtt(text))
#define RUN_srt check_cues(parse_srt(text))
#define RUN_json3 check_cues(parse_json3(text))
#define RUN_srv3 check_cues(parse_srv3(text))
#define RUN_timedtext check_cues(parse_timedtext(text))
#define RUN_sbv check_cues(parse_sbv(text))
#define RUN_whisper_json check_cues(parse_whisper_json(text))
#define RUN_whisper_cpp_json check_cues(parse_whisper_cpp_json(text))
#define RUN_ttml check_cues(parse_ttml(text))
#define RUN_plain_text check_cues(parse_plain_text(text))
#define RUN_any_caption check_cues(parse_captions(text, "fuzz.input"))
#define RUN_talk_json (void)parse_talk_json(text, "fuzz-event", "fuzz-slug")
#define RUN_ytdlp_info (void)parse_ytdlp_info(text, "fuzz/video.info.json")
#define CALL(name) RUN_##name
#define EXPAND(name) CALL(name)
    EXPAND(FUZZ_PARSER);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        run(text);
    } catch (const Error&) {
        // Refused, with a message: what the indexer reports and skips.
    }
    return 0;
}

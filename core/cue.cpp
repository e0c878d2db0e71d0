#include "core/cue.h"

#include <cstdio>

namespace talksearch {

std::string_view caption_format_name(CaptionFormat format) {
    switch (format) {
        case CaptionFormat::kWebVtt:
            return "vtt";
        case CaptionFormat::kSrt:
            return "srt";
        case CaptionFormat::kJson3:
            return "json3";
        case CaptionFormat::kSrv3:
            return "srv3";
        case CaptionFormat::kTimedText:
            return "timedtext";
        case CaptionFormat::kSbv:
            return "sbv";
        case CaptionFormat::kWhisperJson:
            return "whisper";
        case CaptionFormat::kTtml:
            return "ttml";
        case CaptionFormat::kWhisperCppJson:
            return "whisper.cpp";
        case CaptionFormat::kPlainText:
            return "txt";
        case CaptionFormat::kTimestampedText:
            return "timestamped-txt";
    }
    return "vtt";  // unreachable: every format is named above
}

std::string format_cue_time(std::int64_t ms) {
    const bool negative = ms < 0;
    if (negative) ms = -ms;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s%02lld:%02lld:%02lld.%03lld", negative ? "-" : "",
                  static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                  static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
    return buf;
}

std::string describe_loop(const SuspectStretch& loop) {
    return "repetition loop collapsed: a block of " + std::to_string(loop.period) +
           " cue(s) said " + std::to_string(loop.repeats) + " times from " +
           format_cue_time(loop.start_ms) + " to " + format_cue_time(loop.end_ms);
}

}  // namespace talksearch

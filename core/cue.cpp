#include "core/cue.h"

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
        case CaptionFormat::kPlainText:
            return "txt";
    }
    return "vtt";  // unreachable: every format is named above
}

}  // namespace talksearch

#include "core/talk.h"

namespace talksearch {

std::optional<int> talk_year(const Talk& talk) {
    if (talk.recorded.size() < 4) return std::nullopt;
    int year = 0;
    for (int i = 0; i < 4; ++i) {
        const char c = talk.recorded[static_cast<std::size_t>(i)];
        if (c < '0' || c > '9') return std::nullopt;
        year = year * 10 + (c - '0');
    }
    return year;
}

const char* caption_kind_name(CaptionKind kind) {
    return kind == CaptionKind::kHuman ? "human" : "machine";
}

}  // namespace talksearch

#include "query/talk_params.h"

#include <charconv>

#include "core/text.h"

namespace talksearch {

TalkQuery talk_query_from_params(std::string_view id, const QueryParams& params) {
    TalkQuery out;
    out.request.id = std::string(id);
    bool seen_q = false, seen_t = false;
    for (const QueryParam& p : params) {
        if (p.name == "q" && !seen_q) {
            seen_q = true;
            // Echoed into the page and the JSON: valid UTF-8 (U+FFFD for the rest), trimmed.
            out.request.query = std::string(trim(sanitize_utf8(p.value)));
        } else if (p.name == "t" && !seen_t) {
            seen_t = true;
            std::int64_t s = 0;
            const char* end = p.value.data() + p.value.size();
            const auto [at, ec] = std::from_chars(p.value.data(), end, s);
            if (ec == std::errc() && at == end && s >= 0 && s <= kMaxTalkSecond) out.start_s = s;
        }
    }
    return out;
}

}  // namespace talksearch

#include "query/talk_page.h"

#include "core/text.h"
#include "query/http_api.h"

namespace talksearch {

namespace {

// Whether a cue's text ends a sentence (closing quotes and brackets aside).
bool ends_sentence(const std::vector<SnippetPart>& text) {
    std::string_view last;
    for (auto it = text.rbegin(); it != text.rend() && last.empty(); ++it) last = trim(it->text);
    while (!last.empty() && (last.back() == '"' || last.back() == '\'' || last.back() == ')'))
        last.remove_suffix(1);
    return last.ends_with('.') || last.ends_with('?') || last.ends_with('!') ||
           last.ends_with("\u2026");
}

std::size_t word_count(const std::vector<SnippetPart>& text) {
    std::size_t n = 0;
    for (const SnippetPart& p : text) {
        bool in_word = false;
        for (const char c : p.text) {
            const bool space = c == ' ' || c == '\n' || c == '\t';
            if (!space && !in_word) ++n;
            in_word = !space;
        }
    }
    return n;
}

// Calls f with each part of `id` between slashes ("a//b": "a", "", "b").
template <typename F>
void for_each_segment(std::string_view id, F f) {
    std::size_t start = 0;
    while (start <= id.size()) {
        std::size_t end = id.find('/', start);
        if (end == std::string_view::npos) end = id.size();
        f(id.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace

bool is_valid_talk_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxTalkIdBytes || !is_valid_utf8(id)) return false;
    for (const char c : id) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\') return false;
    }
    bool ok = true;
    for_each_segment(id, [&](std::string_view segment) {
        ok = ok && !segment.empty() && segment != "." && segment != "..";
    });
    return ok;
}

std::string talk_path(std::string_view id) {
    if (!is_valid_talk_id(id)) return {};
    std::string path = "/talk";
    for_each_segment(id, [&](std::string_view segment) { path += '/' + url_encode(segment); });
    return path;
}

std::optional<std::string> talk_id_from_path(std::string_view raw) {
    const auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string id;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '%') {
            id += raw[i];
            continue;
        }
        const int hi = i + 2 < raw.size() ? hex(raw[i + 1]) : -1;
        const int lo = hi >= 0 ? hex(raw[i + 2]) : -1;
        // An escaped slash is not a separator: one path per talk.
        if (lo < 0 || hi * 16 + lo == '/') return std::nullopt;
        id += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    if (!is_valid_talk_id(id)) return std::nullopt;
    return id;
}

std::vector<Paragraph> transcript_paragraphs(const std::vector<TranscriptCue>& cues, bool timed,
                                             const ParagraphOptions& options) {
    std::vector<Paragraph> out;
    std::size_t words = 0;        // in the current paragraph (untimed)
    bool sentence_ended = false;  // the previous cue ended a sentence
    for (std::size_t i = 0; i < cues.size(); ++i) {
        const TranscriptCue& cue = cues[i];
        bool start = out.empty() || cue.speaker != out.back().speaker;
        if (!start && timed) {
            const TranscriptCue& prev = cues[i - 1];
            const std::int64_t span = cue.start_ms - out.back().start_ms;
            start = cue.start_ms - prev.end_ms >= options.pause_ms ||
                    (sentence_ended && span >= options.min_ms) || span >= options.max_ms;
        } else if (!start) {
            start = sentence_ended && words >= options.untimed_words;
        }
        if (start) {
            out.push_back({i, 0, cue.start_ms, cue.speaker});
            words = 0;
        }
        ++out.back().count;
        words += word_count(cue.text);
        sentence_ended = ends_sentence(cue.text);
    }
    return out;
}

std::optional<std::size_t> paragraph_at(const std::vector<Paragraph>& paragraphs,
                                        std::int64_t at_s) {
    if (paragraphs.empty()) return std::nullopt;
    std::size_t found = 0;
    for (std::size_t i = 0; i < paragraphs.size(); ++i) {
        if (paragraphs[i].start_ms / 1000 <= at_s) found = i;
    }
    return found;
}

}  // namespace talksearch

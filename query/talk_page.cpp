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

}  // namespace

bool is_valid_talk_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxTalkIdBytes) return false;
    return is_clean_path("/" + std::string(id)) && !id.ends_with('/');
}

std::string talk_path(std::string_view id) {
    return is_valid_talk_id(id) ? "/talk/" + std::string(id) : std::string();
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

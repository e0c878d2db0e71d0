// The sniffers' common input and the timing-line scan; each format's own
// sniffer lives beside its parser.
#include "indexer/captions/caption_sniff.h"

#include <algorithm>

#include "core/text.h"

namespace talksearch {

namespace {

// How many bytes are looked at for the '{' or '<' that starts JSON or XML.
constexpr std::size_t kSniffStructureBytes = 4096;

// The first byte of `text` that is not whitespace, or 0.
char first_visible(std::string_view text) {
    const std::string_view t = trim(text);
    return t.empty() ? '\0' : t.front();
}

}  // namespace

SniffInput make_sniff_input(std::string_view text) {
    SniffInput in;
    in.text = text;
    in.body = text;
    in.body = without_utf8_bom(in.body);
    const char first = first_visible(in.body.substr(0, kSniffStructureBytes));
    if (first == '{') in.json = sniff_json_captions(in.body);
    if (first == '<') in.xml = sniff_xml_captions(in.body);
    return in;
}

bool has_timing_line(std::string_view text, bool (*is_timing)(std::string_view line)) {
    std::size_t pos = 0;
    for (std::size_t n = 0; n < kSniffLines && pos < text.size(); ++n) {
        std::size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) end = text.size();
        if (is_timing(text.substr(pos, end - pos))) return true;
        // CRLF counts as one line break.
        pos = end + ((end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ? 2 : 1);
    }
    return false;
}

}  // namespace talksearch

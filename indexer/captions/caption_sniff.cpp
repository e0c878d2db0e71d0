// The sniffers' common input and the timing-line scan; each format's own
// sniffer lives beside its parser.
#include "indexer/captions/caption_sniff.h"

#include <algorithm>

#include "core/text.h"

namespace talksearch {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// How many bytes of a UTF-16 file are projected to ASCII for sniffing.
constexpr std::size_t kSniffUtf16Bytes = 8192;

// How many bytes are looked at for the '{' or '<' that starts JSON or XML.
constexpr std::size_t kSniffStructureBytes = 4096;

// The ASCII characters of the start of a UTF-16 text (BOM already removed),
// every other character as '?': enough to recognise an SRT timing line.
std::string project_utf16(std::string_view text, bool little_endian) {
    std::string out;
    const std::size_t n = std::min(text.size(), kSniffUtf16Bytes) / 2;
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const auto lo = static_cast<unsigned char>(text[2 * k + (little_endian ? 0 : 1)]);
        const auto hi = static_cast<unsigned char>(text[2 * k + (little_endian ? 1 : 0)]);
        out += hi == 0 && lo < 0x80 ? static_cast<char>(lo) : '?';
    }
    return out;
}

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
    if (in.body.substr(0, kUtf8Bom.size()) == kUtf8Bom) in.body.remove_prefix(kUtf8Bom.size());
    if (text.size() >= 2 && (text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF")) {
        in.utf16 = true;
        in.utf16_ascii = project_utf16(text.substr(2), text[0] == '\xFF');
        return in;
    }
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

// The format table. Rows are in the order detection tries them (see
// formats.h); the order of the extensions that name a format is also the
// order in which the "not a caption file" message lists them.
#include "indexer/captions/formats.h"

#include <string_view>

namespace talksearch {

namespace {

constexpr CaptionExtension kVtt[] = {{".vtt", true, false}};
constexpr CaptionExtension kSrt[] = {{".srt", true, false}};
constexpr CaptionExtension kSbv[] = {{".sbv", true, false}};
constexpr CaptionExtension kJson3[] = {{".json3", true, false}, {".json", false, true}};
constexpr CaptionExtension kSrv3[] = {
    {".srv3", true, false}, {".srv2", false, false}, {".xml", false, true}};
constexpr CaptionExtension kTimedText[] = {{".srv1", false, false}, {".xml", false, true}};
constexpr CaptionExtension kWhisper[] = {{".json", false, true}};
constexpr CaptionExtension kTtml[] = {
    {".ttml", true, false}, {".dfxp", true, false}, {".xml", false, true}};
constexpr CaptionExtension kWhisperCpp[] = {{".json", false, true}};
constexpr CaptionExtension kPlainText[] = {{".txt", true, true}};

constexpr CaptionFormatRow kCaptionFormats[] = {
    {CaptionFormat::kWebVtt, kVtt, SniffStage::kSignature,
     [](const SniffInput& in) { return has_webvtt_signature(in.body); }, parse_webvtt},
    {CaptionFormat::kSrt, kSrt, SniffStage::kTimingLine,
     [](const SniffInput& in) { return has_timing_line(in.body, is_srt_timing_line); }, parse_srt},
    {CaptionFormat::kSbv, kSbv, SniffStage::kTimingLine,
     [](const SniffInput& in) { return has_timing_line(in.body, is_sbv_timing_line); }, parse_sbv},
    {CaptionFormat::kJson3, kJson3, SniffStage::kSignature,
     [](const SniffInput& in) { return in.json.format == CaptionFormat::kJson3; }, parse_json3},
    {CaptionFormat::kSrv3, kSrv3, SniffStage::kSignature,
     [](const SniffInput& in) { return in.xml.format == CaptionFormat::kSrv3; }, parse_srv3},
    {CaptionFormat::kTimedText, kTimedText, SniffStage::kSignature,
     [](const SniffInput& in) { return in.xml.format == CaptionFormat::kTimedText; },
     parse_timedtext},
    {CaptionFormat::kWhisperJson, kWhisper, SniffStage::kSignature,
     [](const SniffInput& in) { return in.json.format == CaptionFormat::kWhisperJson; },
     parse_whisper_json},
    {CaptionFormat::kTtml, kTtml, SniffStage::kSignature,
     [](const SniffInput& in) { return in.xml.format == CaptionFormat::kTtml; }, parse_ttml},
    {CaptionFormat::kWhisperCppJson, kWhisperCpp, SniffStage::kSignature,
     [](const SniffInput& in) { return in.json.format == CaptionFormat::kWhisperCppJson; },
     parse_whisper_cpp_json},
    {CaptionFormat::kPlainText, kPlainText, SniffStage::kNone, nullptr, parse_plain_text},
};

// Each format has one row: detection returns the first row that claims a file.
constexpr bool formats_are_distinct() {
    for (std::size_t i = 0; i < std::size(kCaptionFormats); ++i) {
        for (std::size_t j = i + 1; j < std::size(kCaptionFormats); ++j) {
            if (kCaptionFormats[i].format == kCaptionFormats[j].format) return false;
        }
    }
    return true;
}
static_assert(formats_are_distinct(), "a caption format has two rows in kCaptionFormats");

// An extension that two formats share (".json", ".xml") is shared or not in both.
constexpr bool shared_extensions_agree() {
    for (const CaptionFormatRow& a : kCaptionFormats) {
        for (const CaptionExtension& x : a.extensions) {
            for (const CaptionFormatRow& b : kCaptionFormats) {
                for (const CaptionExtension& y : b.extensions) {
                    if (x.suffix == y.suffix && x.shared != y.shared) return false;
                }
            }
        }
    }
    return true;
}
static_assert(shared_extensions_agree(), "an extension is shared in one row and not in another");

bool equals_ignoring_case(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

}  // namespace

std::span<const CaptionFormatRow> caption_formats() { return kCaptionFormats; }

const CaptionExtension* find_caption_extension(std::string_view extension) {
    for (const CaptionFormatRow& row : kCaptionFormats) {
        for (const CaptionExtension& ext : row.extensions) {
            if (equals_ignoring_case(extension, ext.suffix)) return &ext;
        }
    }
    return nullptr;
}

}  // namespace talksearch

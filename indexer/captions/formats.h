// The caption formats talksearch reads: one table, one row a format, read by
// detection and dispatch (captions.cpp) and by the caption folder walk
// (is_caption_file_name in indexer/index/matching.cpp).
//
// Adding a format takes:
//   1. its CaptionFormat value and its name in core/cue.{h,cpp} (the name is
//      written into the index's document data, so core/ owns it);
//   2. its parser: a pure function in its own file here, declared in
//      captions.h, and, when the content can tell the format, a sniffer
//      beside it, declared in caption_sniff.h;
//   3. one row in kCaptionFormats (formats.cpp): the format, its file name
//      extensions, its sniffer and its parser.
// Nothing else names the formats one by one.
#pragma once

#include <span>
#include <string_view>

#include "core/cue.h"
#include "indexer/captions/caption_sniff.h"
#include "indexer/captions/captions.h"

namespace talksearch {

/// A file name extension that caption files carry.
struct CaptionExtension {
    std::string_view suffix;  ///< lower case, with its dot: ".vtt"
    /// The name alone says the format: detection falls back to it when the
    /// content does not tell (".vtt", ".txt"). False when only the content
    /// can tell (".json" is json3 or Whisper, ".srv1" is not read by name).
    bool names_format = false;
    /// The extension holds much besides captions (".json", ".xml", ".txt"): a
    /// file with it is collected only when its name does not say what else
    /// it is (is_caption_file_name).
    bool shared = false;
};

/// When a sniffer runs: detection tries every kSignature sniffer before any
/// kTimingLine one, because a signature (WEBVTT, a JSON or XML root) says
/// what a file is and a timing line only suggests it.
enum class SniffStage { kNone, kSignature, kTimingLine };

/// One caption format: all that detection, dispatch and the folder walk
/// know of it.
struct CaptionFormatRow {
    CaptionFormat format = CaptionFormat::kWebVtt;
    std::span<const CaptionExtension> extensions;
    SniffStage stage = SniffStage::kNone;
    /// True when the content is of this format; nullptr when only the file
    /// name can tell (plain text).
    bool (*sniff)(const SniffInput& input) = nullptr;
    Captions (*parse)(std::string_view text, const CaptionLimits& limits) = nullptr;
};

/// Every format, in the order detection tries their sniffers within a stage
/// and their extensions when the content does not tell.
std::span<const CaptionFormatRow> caption_formats();

/// The row of an extension (".VTT" as ".vtt": case is ignored) when caption
/// files carry it, else nullptr. An extension shared by two formats (".json",
/// ".xml") gives the first row's entry; `shared` is the same in both.
const CaptionExtension* find_caption_extension(std::string_view extension);

}  // namespace talksearch

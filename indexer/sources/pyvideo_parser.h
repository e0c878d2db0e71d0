// Parsing one pyvideo talk or event file with a reused simdjson parser: the
// half of pyvideo.h that load_catalogue (pyvideo_catalogue.cpp) shares with
// parse_talk_json and parse_category_json (pyvideo_parser.cpp, which also
// states the field rules).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/talk.h"
#include "indexer/sources/pyvideo.h"

namespace talksearch {

/// A talk file parsed, its duration not yet repaired: load_catalogue judges
/// it with its event's other durations (pyvideo_duration.h).
struct ParsedTalk {
    Talk talk;                                 ///< `duration_s` unset
    std::optional<std::int64_t> raw_duration;  ///< `duration` as written, rounded
};

/// Parses many files with one simdjson parser and buffers, reused from file to
/// file. Not thread-safe: one per thread.
class PyvideoParser {
  public:
    /// As parse_talk_json, but the duration is returned as written. Throws
    /// ParseError (`field: problem`).
    ParsedTalk parse_talk(std::string_view json, std::string_view event, std::string_view file_slug,
                          std::vector<Warning>* warnings);

    /// As parse_category_json. Throws ParseError (`field: problem`).
    EventInfo parse_category(std::string_view json);

  private:
    simdjson::dom::element parse_document(std::string_view json, std::vector<Warning>* warnings);

    simdjson::dom::parser parser_;
    simdjson::padded_string text_;      ///< the text with simdjson's padding
    simdjson::padded_string repaired_;  ///< the text with invalid UTF-8 replaced
};

}  // namespace talksearch

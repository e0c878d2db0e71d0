// The JSON files sources/ reads whole (the config, a yt-dlp info.json) hold
// one object: parsed, and anything else refused, in one place and wording.
#pragma once

#include <simdjson.h>

#include <string_view>

namespace talksearch {

/// A JSON text whose top level is an object, parsed. Owns the parser that
/// holds the values root() refers to.
class JsonObjectDocument {
  public:
    /// Throws ParseError (line 0): "invalid JSON: <simdjson's message>", or
    /// "expected a JSON object" for any other top-level value.
    explicit JsonObjectDocument(std::string_view json);
    JsonObjectDocument(const JsonObjectDocument&) = delete;
    JsonObjectDocument& operator=(const JsonObjectDocument&) = delete;

    /// The top-level object, valid while this document lives.
    simdjson::dom::object root() const { return root_; }

  private:
    simdjson::dom::parser parser_;
    simdjson::dom::object root_;
};

}  // namespace talksearch

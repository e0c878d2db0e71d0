// A small streaming JSON writer: commas and escaping in one place, for the
// document data, the query output and every other JSON talksearch prints.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace talksearch {

/// Writes compact JSON into a string. Strings must be valid UTF-8 (they are
/// escaped as append_json_string does). Misuse (a value where a key is due)
/// is a programmer error and is not checked beyond an assert.
class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    /// The next member's name; the value follows.
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(std::uint64_t n);
    JsonWriter& value(std::uint32_t n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& value(bool b);
    /// A number written with `decimals` digits after the point.
    JsonWriter& value(double d, int decimals);
    JsonWriter& null();
    /// `s`, or null when it is empty.
    JsonWriter& string_or_null(std::string_view s);
    /// The number, or null.
    JsonWriter& value(const std::optional<std::int64_t>& n);
    /// An array of strings.
    JsonWriter& strings(const std::vector<std::string>& items);
    /// An object of counts: {"name": 3, ...}.
    JsonWriter& counts(const std::map<std::string, std::uint64_t>& m);

    /// The JSON written so far.
    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void before_value();
    std::string out_;
    std::vector<bool> has_items_;  // per open container: a value was written
    bool after_key_ = false;
};

}  // namespace talksearch

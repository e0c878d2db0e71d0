#include "core/json_writer.h"

#include <cassert>
#include <cstdio>

#include "core/text.h"

namespace talksearch {

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!has_items_.empty()) {
        if (has_items_.back()) out_ += ',';
        has_items_.back() = true;
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    assert(!has_items_.empty() && !after_key_);
    has_items_.pop_back();
    out_ += '}';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    has_items_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    assert(!has_items_.empty());
    has_items_.pop_back();
    out_ += ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    assert(!after_key_);
    before_value();
    append_json_string(out_, name);
    out_ += ':';
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
    before_value();
    append_json_string(out_, s);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t n) {
    before_value();
    out_ += std::to_string(n);
    return *this;
}

JsonWriter& JsonWriter::value(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(double d, int decimals) {
    before_value();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, d);
    out_ += buf;
    return *this;
}

JsonWriter& JsonWriter::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonWriter& JsonWriter::string_or_null(std::string_view s) { return s.empty() ? null() : value(s); }

JsonWriter& JsonWriter::value(const std::optional<std::int64_t>& n) {
    return n ? value(*n) : null();
}

JsonWriter& JsonWriter::strings(const std::vector<std::string>& items) {
    begin_array();
    for (const std::string& s : items) value(s);
    return end_array();
}

JsonWriter& JsonWriter::counts(const std::map<std::string, std::uint64_t>& m) {
    begin_object();
    for (const auto& [k, v] : m) key(k).value(v);
    return end_object();
}

}  // namespace talksearch

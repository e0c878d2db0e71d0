#include "indexer/sources/json_object.h"

#include <string>

#include "core/error.h"

namespace talksearch {

JsonObjectDocument::JsonObjectDocument(std::string_view json) {
    const simdjson::padded_string padded(json);
    simdjson::dom::element root;
    if (auto err = parser_.parse(padded).get(root)) {
        throw ParseError(0, std::string("invalid JSON: ") + simdjson::error_message(err));
    }
    if (root.get_object().get(root_)) throw ParseError(0, "expected a JSON object");
}

}  // namespace talksearch

// Decoding a document's data (the JSON written by schema::encode_document_data).
#pragma once

#include <string_view>

#include "query/result.h"

namespace talksearch {

/// Decodes document data into what a result shows. Tolerates missing keys
/// (older or partial data); throws Error when it is not a JSON object. A
/// thumbnail or video URL that is not http(s) (is_http_url) is left out. A
/// chapter without a start or a title is skipped; one without an end (or
/// ending before its start) ends at its start.
TalkInfo decode_talk_info(std::string_view data);

}  // namespace talksearch

// Deflating bytes in one call (zlib): the stored cue text segments (raw
// deflate, schema.h) and the HTTP server's gzip'ed answers.
#pragma once

#include <string>
#include <string_view>

namespace talksearch {

/// How deflate_all frames the stream.
enum class DeflateFraming {
    kRaw,   ///< no header or checksum (RFC 1951), for values whose store checks its own blocks
    kGzip,  ///< a gzip member (RFC 1952): `Content-Encoding: gzip`
};

/// `bytes` deflated with a 15-bit window at zlib's `level` (1 fastest, 9
/// smallest, -1 its default, 6). Throws Error when zlib fails (out of memory).
std::string deflate_all(std::string_view bytes, DeflateFraming framing, int level = -1);

}  // namespace talksearch

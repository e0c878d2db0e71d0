#include "core/deflate.h"

#include <zlib.h>

#include "core/error.h"

namespace talksearch {

std::string deflate_all(std::string_view bytes, DeflateFraming framing, int level) {
    // zlib's window bits: negative for a raw stream, +16 for gzip framing.
    const int window_bits = framing == DeflateFraming::kRaw ? -15 : 15 + 16;
    z_stream z{};
    if (deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("deflate: cannot start");
    }
    std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = static_cast<uInt>(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw Error("deflate: the output did not fit its bound");
    return out;
}

}  // namespace talksearch

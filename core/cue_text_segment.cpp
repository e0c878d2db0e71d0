// Deflating the stored segments of cue text (schema.h, kSlotCueTextDeflated).
#include <zlib.h>

#include "core/deflate.h"
#include "core/error.h"
#include "core/schema.h"

namespace talksearch::schema {

namespace {

// Raw deflate (no zlib header or checksum: a value is short and Xapian
// checks its own blocks); 15-bit window, as large as a segment needs.
constexpr int kRawWindowBits = -15;

}  // namespace

std::string encode_cue_text_segment(std::string_view text) {
    return deflate_all(text, DeflateFraming::kRaw);
}

std::string decode_cue_text_segment(std::string_view stored) {
    z_stream z{};
    if (inflateInit2(&z, kRawWindowBits) != Z_OK) throw Error("inflate: cannot start");
    std::string out(kCueTextSegmentBytes, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data()));
    z.avail_in = static_cast<uInt>(stored.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    inflateEnd(&z);
    if (rc != Z_STREAM_END) throw Error("a stored cue text segment does not inflate");
    return out;
}

}  // namespace talksearch::schema

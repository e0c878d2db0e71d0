// How a response body goes out over HTTP: gzip'ed or not (Accept-Encoding),
// its ETag, and 304 Not Modified (If-None-Match). Pure functions over header
// values; the server (server.h) calls them once per response, and tests can
// without a socket (docs/DESIGN.md, "The HTTP server").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace talksearch {

/// Bodies shorter than this are sent as they are: gzip's 18-byte frame and a
/// deflate stream gain little on them and cost a compression per request.
inline constexpr std::size_t kMinGzipBytes = 1024;

/// True when an Accept-Encoding value (RFC 9110, 12.5.3) accepts gzip:
/// `gzip` (or `x-gzip`) is listed with a q-value above 0, or it is not listed
/// and `*` is, with a q-value above 0. Names are case-insensitive; a missing
/// or empty header accepts nothing but the body as it is. Examples:
/// "gzip, deflate, br" -> true; "gzip;q=0, *" -> false; "br;q=1, *;q=0.1" -> true.
bool accepts_gzip(std::string_view accept_encoding);

/// `bytes` as one gzip member (RFC 1952). `level` is zlib's (1 fastest,
/// 9 smallest). Throws Error when zlib fails (out of memory).
std::string gzip_compress(std::string_view bytes, int level = 6);

/// A strong ETag of a body: its 64-bit FNV-1a hash in hex, quoted
/// ("\"8c3f0a9b12d4e6f7\""). Equal bodies get equal tags.
std::string etag_of(std::string_view body);

/// The ETag of the gzip form of a body whose own ETag is `etag`: a distinct
/// tag, as RFC 9110 (8.8.3) asks of each representation ("\"…-gzip\"").
std::string gzip_etag(std::string_view etag);

/// True when an If-None-Match value (RFC 9110, 13.1.2) matches `etag`: it is
/// `*`, or one of its comma-separated entity tags equals `etag` when both are
/// taken without a `W/` prefix (the weak comparison the RFC asks for here).
/// Example: if_none_match("W/\"a\", \"b\"", "\"a\"") is true.
bool if_none_match(std::string_view header, std::string_view etag);

/// What the client said about the forms it takes (its request headers).
struct ClientPreferences {
    bool gzip = false;                         ///< Accept-Encoding accepts gzip
    std::optional<std::string> if_none_match;  ///< the If-None-Match value, when sent
};

/// A response body, with the gzip form and the ETag when made ahead (the
/// static files: once, at startup).
struct PreparedBody {
    std::string plain;  ///< the body itself
    std::string gzip;   ///< its gzip form; empty: made when a client asks (or not worth it)
    std::string etag;   ///< etag_of(plain); empty: this body has no ETag (and never a 304)
};

/// The body and ETag made ahead: gzip'ed at the smallest size (level 9) when
/// at least kMinGzipBytes long.
PreparedBody prepare_body(std::string plain);

/// What goes out for one request.
struct EncodedBody {
    /// 304: the client's copy is current. `bytes` still holds what a 200
    /// would send: a 304 may only give that length as Content-Length (RFC
    /// 9110, 8.6), which is what libmicrohttpd does with it, sending no body.
    bool not_modified = false;
    std::string bytes;  ///< the body to send: plain or gzip'ed
    bool gzip = false;  ///< `Content-Encoding: gzip`
    bool vary = false;  ///< `Vary: Accept-Encoding`: another client could get the other form
    std::string etag;   ///< the ETag of what was chosen (gzip_etag for the gzip form); may be empty
};

/// Chooses the form of `body` for a client: gzip when the client accepts it
/// and the body is at least kMinGzipBytes long (made now unless prepared),
/// else plain; with the ETag of that form when the body has one, and
/// not_modified when the client's If-None-Match matches it. Example: a 5 KB
/// JSON body, "Accept-Encoding: gzip" -> gzip, vary, etag "\"…-gzip\"".
EncodedBody encode_body(const PreparedBody& body, const ClientPreferences& client);

}  // namespace talksearch

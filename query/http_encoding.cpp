#include "query/http_encoding.h"

#include "core/deflate.h"
#include "core/hash.h"

namespace talksearch {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

// A qvalue (RFC 9110, 12.4.2: "0", "0.5", "1.000") above zero; a malformed
// one counts as zero, so a garbled preference never turns gzip on.
bool positive_qvalue(std::string_view q) {
    if (q.empty() || q.size() > 5 || (q[0] != '0' && q[0] != '1')) return false;
    if (q.size() > 1 && q[1] != '.') return false;
    bool nonzero = q[0] == '1';
    for (std::size_t i = 2; i < q.size(); ++i) {
        if (q[i] < '0' || q[i] > '9') return false;
        if (q[i] != '0') {
            if (q[0] == '1') return false;  // over 1
            nonzero = true;
        }
    }
    return nonzero;
}

// One element of Accept-Encoding: "gzip;q=0.5" -> {"gzip", true}.
struct Coding {
    std::string_view name;
    bool accepted = true;
};

Coding parse_coding(std::string_view element) {
    const std::size_t semi = element.find(';');
    Coding c{trim_spaces(element.substr(0, semi)), true};
    std::string_view params = semi == std::string_view::npos ? "" : element.substr(semi + 1);
    while (!params.empty()) {
        const std::size_t next = params.find(';');
        const std::string_view param = trim_spaces(params.substr(0, next));
        params = next == std::string_view::npos ? "" : params.substr(next + 1);
        const std::size_t eq = param.find('=');
        if (eq != std::string_view::npos && iequals(trim_spaces(param.substr(0, eq)), "q")) {
            c.accepted = positive_qvalue(trim_spaces(param.substr(eq + 1)));
        }
    }
    return c;
}

std::string_view without_weak_prefix(std::string_view tag) {
    return tag.starts_with("W/") ? tag.substr(2) : tag;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<bool> gzip;  // what gzip (or x-gzip) was given, when listed
    std::optional<bool> any;   // what * was given, when listed
    while (!accept_encoding.empty()) {
        const std::size_t comma = accept_encoding.find(',');
        const Coding c = parse_coding(accept_encoding.substr(0, comma));
        accept_encoding = comma == std::string_view::npos ? "" : accept_encoding.substr(comma + 1);
        if (iequals(c.name, "gzip") || iequals(c.name, "x-gzip")) {
            // Listed twice: a refusal wins.
            gzip = gzip.value_or(true) && c.accepted;
        } else if (c.name == "*") {
            any = any.value_or(true) && c.accepted;
        }
    }
    if (gzip) return *gzip;
    return any.value_or(false);
}

std::string gzip_compress(std::string_view bytes, int level) {
    return deflate_all(bytes, DeflateFraming::kGzip, level);
}

std::string etag_of(std::string_view body) { return '"' + hex64(fnv1a64(body)) + '"'; }

std::string gzip_etag(std::string_view etag) {
    if (etag.size() < 2 || !etag.ends_with('"')) return std::string(etag);
    std::string out(etag.substr(0, etag.size() - 1));
    return out + "-gzip\"";
}

bool if_none_match(std::string_view header, std::string_view etag) {
    const std::string_view mine = without_weak_prefix(etag);
    std::size_t i = 0;
    while (i < header.size()) {
        if (is_space(header[i]) || header[i] == ',') {
            ++i;
            continue;
        }
        if (header[i] == '*') return true;
        std::size_t start = i;
        if (header.substr(i).starts_with("W/")) start = i += 2;
        if (i >= header.size() || header[i] != '"') {
            // Not an entity tag: skip to the next element.
            const std::size_t comma = header.find(',', i);
            if (comma == std::string_view::npos) return false;
            i = comma + 1;
            continue;
        }
        // A quoted opaque tag may hold commas: it ends at the next quote.
        const std::size_t close = header.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        if (header.substr(start, close + 1 - start) == mine) return true;
        i = close + 1;
    }
    return false;
}

PreparedBody prepare_body(std::string plain) {
    PreparedBody b;
    b.etag = etag_of(plain);
    if (plain.size() >= kMinGzipBytes) b.gzip = gzip_compress(plain, 9);
    b.plain = std::move(plain);
    return b;
}

EncodedBody encode_body(const PreparedBody& body, const ClientPreferences& client) {
    EncodedBody out;
    const bool compressible = body.plain.size() >= kMinGzipBytes;
    out.vary = compressible;
    out.gzip = compressible && client.gzip;
    if (!body.etag.empty()) out.etag = out.gzip ? gzip_etag(body.etag) : body.etag;
    out.not_modified =
        !out.etag.empty() && client.if_none_match && if_none_match(*client.if_none_match, out.etag);
    if (!out.gzip) {
        out.bytes = body.plain;
    } else {
        out.bytes = body.gzip.empty() ? gzip_compress(body.plain) : body.gzip;
    }
    return out;
}

}  // namespace talksearch

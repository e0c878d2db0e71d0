// What the HTTP server says, without the HTTP: query-string parameters into a
// SearchRequest, a result as an Atom feed, the OpenSearch description, a
// request path judged safe or not. Pure functions; the server (server.h)
// calls them, and tests can without a socket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/video_url.h"  // is_http_url: the only links a feed shows
#include "query/result.h"
#include "query/searcher.h"

namespace talksearch {

/// One `name=value` of a query string, decoded. Repeated names keep their order.
struct QueryParam {
    std::string name;
    std::string value;
};
using QueryParams = std::vector<QueryParam>;

/// Caps of the HTTP API beyond the Searcher's (kMaxLimit, kMaxOffset, kMaxQueryBytes).
inline constexpr std::size_t kMaxApiMoments = 20;  ///< `moments=` per talk
inline constexpr double kMaxApiPrerollSeconds = 60;
inline constexpr std::uint32_t kDefaultFeedLimit = 20;

/// Which endpoint reads the parameters: the feed sorts by date, has no facets
/// and shows kDefaultFeedLimit talks unless `limit=` says otherwise.
enum class ApiEndpoint { kSearch, kFeed };

/// Reads the parameters of /api/v1/search and /api/v1/feed (docs/API.md):
/// `q`, `event`, `speaker`, `language` (repeatable; empty values ignored),
/// `year` (2014, 2014..2019), `lang`, `sort` (relevance|date), `limit`,
/// `offset`, `moments`, `preroll` (seconds), `facets` and `all_recordings`
/// (1/true/0/false; present without a value means true). Unknown names are
/// ignored. Throws QueryRejected naming the parameter for a malformed value,
/// a value over a cap, or a single-valued parameter given twice.
/// Example: {{"q","decorators"},{"year","2017..2019"},{"limit","5"}}.
SearchRequest search_request_from_params(const QueryParams& params, ApiEndpoint endpoint);

/// Escapes `text` for XML 1.0 content and attribute values: & < > " ' become
/// references, invalid UTF-8 is repaired (U+FFFD), and characters XML 1.0
/// forbids (C0 controls but tab, LF and CR; U+FFFE, U+FFFF) are dropped, so
/// the result is always well-formed.
std::string xml_escape(std::string_view text);

/// `text` percent-encoded for a URL's query component (RFC 3986 unreserved
/// characters kept, space as %20).
std::string url_encode(std::string_view text);

/// What the feed says about itself.
struct FeedInfo {
    std::string base_url;     ///< the server's public base, no trailing slash
    std::string request_uri;  ///< the feed's own path and query string, as requested
};

/// An Atom 1.0 feed (RFC 4287) of the result's talks in the order given
/// (the feed asks for date order): per talk its title, speakers as authors,
/// event as category, recording date as `updated` (midnight UTC; the feed's
/// date when unknown), a link to the video, one `related` link per moment and
/// an HTML `content` listing the moments with their snippets. Every text is
/// escaped (xml_escape); links other than http(s) are left out.
std::string render_atom(const SearchResult& result, const FeedInfo& info);

/// The OpenSearch 1.1 description: HTML results at `<base_url>/?q={searchTerms}`,
/// the Atom feed at `<base_url>/api/v1/feed?q={searchTerms}`.
std::string render_opensearch(std::string_view base_url);

/// True when a raw request path (before any `?`, still percent-encoded) can
/// name a resource: it starts with '/', holds only ASCII letters, digits and
/// `- . _ ~ /`, and has no empty, `.` or `..` segment past the root. Anything
/// else (`%2e%2e`, `%00`, `..`, `//`, backslashes) is refused before routing,
/// so no decoded form can reach a lookup.
bool is_clean_path(std::string_view raw_path);

/// A JSON error body: {"error":"<message>"} (the message made valid UTF-8).
std::string json_error(std::string_view message);

}  // namespace talksearch

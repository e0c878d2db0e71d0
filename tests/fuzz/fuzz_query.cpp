// libFuzzer target: arbitrary text as a query through the searcher (Xapian's
// QueryParser with our caps, wildcard expansion, filters, moments, snippets,
// the JSON renderer) on the sample index (data/), built once. The first byte
// picks options: date order, facets, every recording. A query may be refused
// (QueryRejected); any other failure is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"
#include "indexer/index/build.h"
#include "query/render.h"
#include "query/searcher.h"

namespace fs = std::filesystem;
using namespace talksearch;

namespace {
Searcher* g_searcher = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char pattern[] = "/tmp/talksearch-fuzz-XXXXXX";
    const char* dir = ::mkdtemp(pattern);
    if (dir == nullptr) std::abort();
    BuildOptions options;
    options.talk_roots = {fs::path(TALKSEARCH_SOURCE_DIR) / "data/talks"};
    options.caption_roots = {fs::path(TALKSEARCH_SOURCE_DIR) / "data/captions"};
    options.index_dir = fs::path(dir) / "index";
    (void)build_index(options);
    g_searcher = new Searcher(options.index_dir);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    SearchRequest req;
    req.query.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    req.sort = (data[0] & 1) != 0 ? SortOrder::kDate : SortOrder::kRelevance;
    req.facets = (data[0] & 2) != 0;
    req.group_recordings = (data[0] & 4) == 0;
    req.offset = (data[0] >> 3) & 3;
    try {
        (void)render_json(g_searcher->search(req));
    } catch (const QueryRejected&) {
        // Refused with a message: too long, too many words, empty.
    }
    return 0;
}

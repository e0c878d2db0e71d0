#include "query/static_assets.h"

#include "query/web_assets.h"

namespace talksearch {

// web/ (the search page, the <talk-search> widget, their scripts and styles), compiled in by
// cmake/embed_assets.cmake; "/" is web/index.html. No inline script or style in any of them:
// the page's Content-Security-Policy allows neither.
StaticAssets builtin_static_assets() {
    StaticAssets assets;
    for (const WebAsset& asset : web_assets()) {
        assets[std::string(asset.path)] = {std::string(asset.content_type),
                                           std::string(asset.body)};
    }
    if (const WebAsset* index = find_web_asset("/")) {
        assets["/"] = {std::string(index->content_type), std::string(index->body)};
    }
    return assets;
}

}  // namespace talksearch

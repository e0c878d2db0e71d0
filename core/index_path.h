// Where the index lives when the user does not say.
#pragma once

#include <string>

namespace talksearch {

/// The default index folder: `env_index` ($TALKSEARCH_INDEX) when set and
/// non-empty, else `<home>/.local/share/talksearch/index`, else "./index"
/// when there is no home. Pure: the callers pass getenv()'s results.
inline std::string default_index_path(const char* env_index, const char* home) {
    if (env_index != nullptr && *env_index != '\0') return env_index;
    if (home != nullptr && *home != '\0')
        return std::string(home) + "/.local/share/talksearch/index";
    return "index";
}

}  // namespace talksearch

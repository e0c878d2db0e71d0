// Tests over ../shared: they report themselves as skipped (ctest matches
// "SKIPPED:") where the folder is absent, never as passed.
#pragma once

#include <filesystem>
#include <iostream>
#include <string>

namespace talksearch::test {

/// The path of `relative` below ../shared (TALKSEARCH_SHARED_DIR).
inline std::filesystem::path shared_path(const std::string& relative) {
    return std::filesystem::path(TALKSEARCH_SHARED_DIR) / relative;
}

}  // namespace talksearch::test

/// Returns from the current test, reporting it as skipped, when `path` does not exist.
#define TALKSEARCH_SKIP_WITHOUT(path)                                      \
    do {                                                                   \
        if (!std::filesystem::exists(path)) {                              \
            std::cout << "SKIPPED: " << (path).string() << " not found\n"; \
            return;                                                        \
        }                                                                  \
    } while (0)

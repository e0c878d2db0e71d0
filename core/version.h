// The version the programs print for --version (and help2man reads for the man pages).
#pragma once

#include <string_view>

namespace talksearch {

/// The project's version, and git's description of the checkout it was built
/// from when there was one: "0.1.0" or "0.1.0 (git 45a7dc3-dirty)". Defined in
/// a source generated at build time (cmake/version.cmake), in the library
/// talksearch_version, which only the two programs link.
std::string_view version_text();

}  // namespace talksearch

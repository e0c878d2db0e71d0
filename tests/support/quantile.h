// The q-quantile of a sample, for tests that judge timings. Test-only code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace talksearch::test {

/// The q-quantile of `v` (0.5: the median; by rank, no interpolation). `v` must not be empty.
inline double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

}  // namespace talksearch::test

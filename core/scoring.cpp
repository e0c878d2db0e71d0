#include "core/scoring.h"

#include <algorithm>
#include <cmath>

namespace talksearch::scoring {

namespace {

// unit / ((1 - b) + b * length / average), rounded, at least 1.
unsigned normalised(double unit, double b, std::size_t words, double average) {
    const double norm = (1.0 - b) + b * static_cast<double>(words) / average;
    return static_cast<unsigned>(std::max(1.0, std::round(unit / norm)));
}

}  // namespace

unsigned spoken_wdf(std::size_t words) {
    return normalised(kSpokenUnit, kSpokenB, words, kSpokenAverageWords);
}

std::size_t count_words(std::string_view text) {
    std::size_t n = 0;
    bool in_word = false;
    for (const char c : text) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
        if (!space && !in_word) ++n;
        in_word = !space;
    }
    return n;
}

}  // namespace talksearch::scoring

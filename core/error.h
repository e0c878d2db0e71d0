// Errors shared by every part of talksearch.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace talksearch {

/// A unit of work (a file, a run, a request) that cannot go on. The message
/// names the file, field or value at fault; callers add context and report it.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Input that is not in the expected format at all (e.g. a file whose first
/// line is not a WebVTT signature). `line` is 1-based, 0 when unknown.
class ParseError : public Error {
  public:
    ParseError(std::uint32_t line, const std::string& message) : Error(message), line_(line) {}
    /// The 1-based line the problem was found on, or 0 when it has none.
    std::uint32_t line() const noexcept { return line_; }

  private:
    std::uint32_t line_;
};

/// A recoverable problem in one input: reported as `file:line: message`,
/// never thrown. The unit of work goes on.
struct Warning {
    std::uint32_t line = 0;  ///< 1-based; 0 when the problem has no line
    std::string message;
};

/// Appends a warning without a line to `warnings`, when it is not null.
inline void add_warning(std::vector<Warning>* warnings, std::string message) {
    if (warnings != nullptr) warnings->push_back(Warning{0, std::move(message)});
}

}  // namespace talksearch

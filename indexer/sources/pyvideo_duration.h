// The unit of a pyvideo `duration`: catalogues wrote some in milliseconds,
// minutes or sixtieths of seconds. The rules and the measurements behind
// them are in pyvideo_duration.cpp. Pure; used by pyvideo_parser.cpp (one
// file's value) and pyvideo_catalogue.cpp (an event's values together).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/error.h"

namespace talksearch {

/// A duration in seconds as written, repaired without its event: a value over
/// a day is read as milliseconds; zero, negative and out-of-range values are
/// dropped. Every repair and drop is appended to `warnings` (may be null) as
/// "duration: ...".
std::optional<std::int64_t> repair_duration(std::optional<std::int64_t> raw,
                                            std::vector<Warning>* warnings);

/// How an event's durations were written, judged from all of its values.
enum class DurationUnit {
    kPerValue,            ///< no event-wide rule; repair_duration() decides per value
    kMinutes,             ///< small values are minutes
    kSixtiethsOfSeconds,  ///< every value is seconds x 60
};

/// The unit of an event's raw durations (non-positive values ignored); events
/// with fewer than 3 values are kPerValue.
DurationUnit event_duration_unit(const std::vector<std::int64_t>& raw_values);

}  // namespace talksearch

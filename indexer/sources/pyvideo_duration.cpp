#include "indexer/sources/pyvideo_duration.h"

#include <algorithm>
#include <string>
#include <utility>

namespace talksearch {
namespace {

constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

}  // namespace

// The per-value unit repair, for a duration seen without its event (see
// event_duration_unit below for the event-wide rules). Measured on pyvideo-data
// (16,084 non-null durations): no genuine recording is longer than a day
// (the longest seconds value is 42,900 s, a GeoPython 2019 full-day stream);
// the 59 values above 86,400 are all in two events: pycon-fr-2016 (47 of 47
// values, 761,680..3,060,760, 46 of them multiples of 40, a 25 fps frame in
// ms; read as ms they are 12.7..51 minutes) and djangocon-eu-2015 (12 of 72,
// fixed by the event rule). So a value above a day is read as milliseconds.
std::optional<std::int64_t> repair_duration(std::optional<std::int64_t> raw,
                                            std::vector<Warning>* warnings) {
    if (!raw) return std::nullopt;
    const std::int64_t value = *raw;
    if (value <= 0) {
        add_warning(warnings, "duration: " + std::to_string(value) +
                                  " is not a positive number of seconds; ignored");
        return std::nullopt;
    }
    if (value <= kSecondsPerDay) return value;
    const std::int64_t ms = (value + 500) / 1000;
    if (ms >= 1 && ms <= kSecondsPerDay) {
        add_warning(warnings, "duration: " + std::to_string(value) +
                                  " is more than a day; read as milliseconds (" +
                                  std::to_string(ms) + " s)");
        return ms;
    }
    add_warning(warnings, "duration: " + std::to_string(value) + " is out of range; ignored");
    return std::nullopt;
}

// The event-wide rules (measured on pyvideo-data; events with fewer than 3
// durations are left to the per-value rule):
//  - Minutes: the median is at most 90. Read as seconds, half the talks of
//    such an event would be shorter than a minute and a half. 7 events match:
//    pycon-ca-2013 (47 values, 3..45, median 20), pycon-au-2013 (45, median
//    30), pycon-de-2013 (57, 30..90, median 60), djangocon-au-2013 (10,
//    30..50), openstack-pycon-au-2013 (4, 30..60), pyohio-2013 (34, median
//    60) and chipy (41, median 40); the next lowest median is 158 (pycon-
//    finland-2016, genuine short clips). Values up to 180 (3 hours as
//    minutes) are multiplied by 60; larger ones were written in seconds
//    (pyohio-2013 has one 1,982; chipy has 300..3,600).
//  - Seconds x 60: every value is a multiple of 60 and the median is above
//    4 hours. Only djangocon-eu-2015 matches: 72 of 72 values are multiples
//    of 60 (6,060..172,860, median 60,090 = 16.7 hours as seconds); divided
//    by 60 they are 101..2,881 s, lightning talks to 48-minute talks. The
//    events of 4-to-12-hour full-day streams (geopython-2019, pycon-cz-2019,
//    pydata-delhi-2017/2018, pycon-balkan-2018) have values that are not
//    multiples of 60.
DurationUnit event_duration_unit(const std::vector<std::int64_t>& raw_values) {
    std::vector<std::int64_t> values;
    for (std::int64_t v : raw_values) {
        if (v > 0) values.push_back(v);
    }
    if (values.size() < 3) return DurationUnit::kPerValue;
    std::sort(values.begin(), values.end());
    const std::int64_t median = values[values.size() / 2];
    if (median <= 90) return DurationUnit::kMinutes;
    const bool all_minutes_of_seconds =
        std::all_of(values.begin(), values.end(), [](std::int64_t v) { return v % 60 == 0; });
    if (median > 4 * 60 * 60 && all_minutes_of_seconds) {
        return DurationUnit::kSixtiethsOfSeconds;
    }
    return DurationUnit::kPerValue;
}

}  // namespace talksearch

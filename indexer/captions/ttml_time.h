// TTML time expressions (TTML2 §10.3.1, the same in TTML1 and DFXP) and the
// document parameters they depend on. Pure; used by parse_ttml.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace talksearch {

/// The rates of a TTML document, from its root's `ttp:` parameters.
struct TtmlClock {
    /// Frames a second: ttp:frameRate (30 when absent) times
    /// ttp:frameRateMultiplier ("1000 1001" for 29.97).
    double frame_rate = 30;
    double sub_frame_rate = 1;  ///< ttp:subFrameRate: sub-frames a frame
    /// Ticks a second: ttp:tickRate; when absent, the frame rate times the
    /// sub-frame rate if ttp:frameRate is given, else 1 (as the spec says).
    double tick_rate = 1;
};

/// The clock of a document from its root element's raw attribute text
/// (parameters matched by local name, whatever their prefix). A parameter
/// that is not a positive number is taken as absent.
TtmlClock ttml_clock(std::string_view root_attrs);

/// A time expression in milliseconds: clock time (`01:02:03`,
/// `01:02:03.250`, `01:02:03:12` and `01:02:03:12.1` with frames and
/// sub-frames) or offset time (a decimal count then `h`, `m`, `s`, `ms`,
/// `f` for frames or `t` for ticks: `62.5s`, `90f`, `10000000t`). White
/// space around it is ignored. nullopt when `text` is neither, or the time
/// is out of range.
std::optional<std::int64_t> parse_ttml_time(std::string_view text, const TtmlClock& clock);

}  // namespace talksearch

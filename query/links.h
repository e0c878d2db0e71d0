// Jump links: a video URL and a second -> a link that opens the video there.
// Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "query/result.h"

namespace talksearch {

/// Builds the link that opens `video_url` at `at_ms` (already including any
/// pre-roll), and a clip link ending at `end_ms` where the host supports
/// one. Hosts: YouTube (`watch?v=ID&t=754s`; clip: embed `?start=&end=`),
/// youtu.be (`?t=754`), Vimeo (`#t=754s`), archive.org (`?start=754`; clip
/// `&end=`), raw media files (`#t=754`; clip `#t=754,760`), PeerTube
/// (`?start=12m34s`; clip `&stop=`), anything else: the URL unchanged and
/// `time_text` "at 12:34". A URL that already carries a start offset (a talk
/// that is one segment of a longer recording) has it added to `at_ms`.
/// An empty or unparsable URL gives an empty link.
JumpLink make_jump_link(std::string_view video_url, std::int64_t at_ms,
                        std::optional<std::int64_t> end_ms = std::nullopt);

/// The start offset a video URL carries, in ms (`t=1h2m3s`, `t=754`,
/// `start=754`, `#t=754`, `#t=12:34`), or 0.
std::int64_t start_offset_ms(std::string_view video_url);

/// "12:34" or "1:02:03".
std::string format_clock(std::int64_t ms);

}  // namespace talksearch

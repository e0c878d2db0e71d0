// Cleaning cues before they are indexed. Pure, documented in docs/DESIGN.md.
#pragma once

#include <vector>

#include "core/cue.h"

namespace talksearch {

/// Cleans parsed cues for indexing:
///  1. cues whose text is empty or whitespace are dropped;
///  2. Whisper repetition loops (a block of 1 to 4 cues repeated back to
///     back) are collapsed to one occurrence; a loop of 3 or more repeats is
///     recorded as a SuspectStretch;
///  3. YouTube auto-caption rolling lines (a cue's leading lines repeating the
///     previous cue's trailing lines) are removed, so each spoken line is
///     kept once, at the time it was first shown.
/// Cues keep their order; times are not changed. Word times follow the text:
/// those of removed text go, the others are moved with it.
CleanCaptions clean_cues(std::vector<Cue> cues);

}  // namespace talksearch

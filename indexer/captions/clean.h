// Cleaning cues before they are indexed. Pure, documented in docs/DESIGN.md.
#pragma once

#include <vector>

#include "core/cue.h"

namespace talksearch {

/// Cleans parsed cues for indexing:
///  1. cues whose text is empty or whitespace are dropped;
///  2. Whisper repetition loops (a block of 1 to 4 cues of one speaker said
///     3 or more times back to back) are collapsed to one occurrence, and
///     each is recorded as a SuspectStretch; a line said twice is kept;
///  3. YouTube auto-caption rolling lines (a cue's leading lines repeating the
///     previous cue's trailing lines, one of the two cues holding more lines,
///     both of one speaker) are removed, so each spoken line is kept once,
///     at the time it was first shown.
/// Cues keep their order; times are not changed. Word times follow the text:
/// those of removed text go, the others are moved with it.
CleanCaptions clean_cues(std::vector<Cue> cues);

}  // namespace talksearch

// pyvideo.org's catalogue layout: `<event>/category.json` and
// `<event>/videos/<slug>.json`. The parsers are pure (pyvideo_parser.cpp);
// load_catalogue() walks the folders (pyvideo_catalogue.cpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/talk.h"

namespace talksearch {

/// An event's `category.json`.
struct EventInfo {
    std::string title;
    std::string description;
    std::string url;
    std::string start_date;  ///< "YYYY-MM-DD" or empty
    std::string end_date;
};

/// Parses a category.json. Throws ParseError with a message of the form
/// `field: problem` (e.g. "title: expected a string") when the file is not
/// valid JSON or a field has the wrong type.
EventInfo parse_category_json(std::string_view json);

/// Parses one talk file. `event` and `file_slug` come from the path (the
/// slug is the file's stem, used when the JSON has no `slug`). Reads every
/// field of pyvideo's schema and copes with the catalogue's quirks (see
/// docs/DESIGN.md): null or empty description, empty speakers, related_urls
/// as strings or {label,url}, duration int/float/null or in the wrong unit,
/// `recorded` as date, date-time or date-time-offset, 3-letter language codes,
/// unknown keys, CRLF, a BOM, escaped surrogate pairs, non-NFC text.
/// Problems that do not stop the talk from being indexed (an unparsable
/// duration, say) are appended to `warnings` as `field: problem`.
/// Throws ParseError (`field: problem`) when the file cannot be a talk:
/// invalid JSON, not an object, no title, a field of the wrong type.
Talk parse_talk_json(std::string_view json, std::string_view event, std::string_view file_slug,
                     std::vector<Warning>* warnings = nullptr);

/// A talk file that could not be loaded, or loaded with warnings.
struct LoadProblem {
    std::string path;
    std::string message;  ///< "field: problem"
    bool skipped = true;  ///< false for a warning (the talk was still loaded)
};

/// Everything found under one or more catalogue roots.
struct Catalogue {
    std::vector<Talk> talks;
    std::vector<LoadProblem> problems;
    std::size_t files_seen = 0;
};

/// Walks each root: every sub-folder holding a `videos/` folder is an event
/// (its name is the event slug; its `category.json` gives the title). Never
/// throws for a bad file: each one becomes a LoadProblem and the walk goes
/// on. Throws Error only when a root itself cannot be read.
Catalogue load_catalogue(const std::vector<std::filesystem::path>& roots);

}  // namespace talksearch

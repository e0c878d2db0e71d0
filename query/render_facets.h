// Facets (Facets in result.h) in the three outputs: a line per facet for a
// terminal, an object per facet in JSON (docs/JSON.md), a list per facet in
// HTML. Pure.
#pragma once

#include <string>

#include "core/json_writer.h"
#include "query/render.h"
#include "query/result.h"

namespace talksearch {

/// "Facets (matching talks):" and a line per facet: "  event: PyCon US 2019
/// (12), EuroPython 2019 (8), and 40 more (57)". Empty facets are left out.
std::string facets_text(const Facets& facets);

/// {"event": {"values": [{"value", "label", "count"}, ...], "other_values",
///  "other_count"}, "year": ..., "speaker": ..., "language": ...}
void facets_json(JsonWriter& w, const Facets& facets);

/// <section class="talksearch-facets"> with a list per facet, every value
/// escaped.
std::string facets_html(const Facets& facets);

}  // namespace talksearch

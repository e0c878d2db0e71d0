#include "query/render_facets.h"

#include <utility>
#include <vector>

#include "core/text.h"

namespace talksearch {

namespace {

// The facets as the outputs name them, in the order they show them.
std::vector<std::pair<const char*, const Facet*>> named(const Facets& f) {
    return {{"event", &f.events},
            {"year", &f.years},
            {"speaker", &f.speakers},
            {"language", &f.languages}};
}

}  // namespace

std::string facets_text(const Facets& facets) {
    std::string out;
    for (const auto& [name, facet] : named(facets)) {
        if (facet->top.empty()) continue;
        std::string line = std::string("  ") + name + ": ";
        for (std::size_t i = 0; i < facet->top.size(); ++i) {
            if (i > 0) line += ", ";
            line += terminal_safe(facet->top[i].label) + " (" +
                    std::to_string(facet->top[i].count) + ")";
        }
        if (facet->other_values > 0) {
            line += ", and " + std::to_string(facet->other_values) + " more (" +
                    std::to_string(facet->other_count) + ")";
        }
        out += line + "\n";
    }
    return out.empty() ? out : "\nFacets (matching talks):\n" + out;
}

void facets_json(JsonWriter& w, const Facets& facets) {
    w.begin_object();
    for (const auto& [name, facet] : named(facets)) {
        w.key(name).begin_object();
        w.key("values").begin_array();
        for (const FacetCount& c : facet->top) {
            w.begin_object();
            w.key("value").value(c.value);
            w.key("label").value(c.label);
            w.key("count").value(c.count);
            w.end_object();
        }
        w.end_array();
        w.key("other_values").value(facet->other_values);
        w.key("other_count").value(facet->other_count);
        w.end_object();
    }
    w.end_object();
}

std::string facets_html(const Facets& facets) {
    std::string out;
    for (const auto& [name, facet] : named(facets)) {
        if (facet->top.empty()) continue;
        out += std::string("    <li class=\"talksearch-facet\" data-facet=\"") + name + "\">" +
               name + "<ul>\n";
        for (const FacetCount& c : facet->top) {
            out += "      <li data-value=\"" + html_escape(c.value) + "\">" + html_escape(c.label) +
                   " <span class=\"talksearch-count\">" + std::to_string(c.count) +
                   "</span></li>\n";
        }
        if (facet->other_values > 0) {
            out += "      <li class=\"talksearch-facet-more\">" +
                   std::to_string(facet->other_values) + " more <span class=\"talksearch-count\">" +
                   std::to_string(facet->other_count) + "</span></li>\n";
        }
        out += "    </ul></li>\n";
    }
    if (out.empty()) return out;
    return "  <section class=\"talksearch-facets\" aria-label=\"Matching talks by event, year, "
           "speaker and language\">\n  <ul>\n" +
           out + "  </ul>\n  </section>\n";
}

}  // namespace talksearch

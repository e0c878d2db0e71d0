#include "core/language.h"

#include <array>
#include <utility>

namespace talksearch {

std::string_view stemmer_for_language(std::string_view tag) {
    // Only the primary subtag matters: "pt-BR" and "pt" stem alike.
    const std::string_view primary = tag.substr(0, tag.find_first_of("-_"));
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 26> kStemmers{{
        {"ar", "arabic"},     {"ca", "catalan"},  {"da", "danish"},     {"de", "german"},
        {"en", "english"},    {"es", "spanish"},  {"eu", "basque"},     {"fi", "finnish"},
        {"fr", "french"},     {"ga", "irish"},    {"hu", "hungarian"},  {"hy", "armenian"},
        {"id", "indonesian"}, {"it", "italian"},  {"lt", "lithuanian"}, {"nb", "norwegian"},
        {"ne", "nepali"},     {"nl", "dutch"},    {"nn", "norwegian"},  {"no", "norwegian"},
        {"pt", "portuguese"}, {"ro", "romanian"}, {"ru", "russian"},    {"sv", "swedish"},
        {"ta", "tamil"},      {"tr", "turkish"},
    }};
    for (const auto& [code, name] : kStemmers) {
        if (code == primary) return name;
    }
    return "none";
}

}  // namespace talksearch

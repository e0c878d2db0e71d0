// Languages: codes and names as catalogues write them, BCP 47 tags, and the
// Snowball stemmers Xapian has for them.
#pragma once

#include <string>
#include <string_view>

namespace talksearch {

/// Maps a language code as catalogues write it ("eng", "en", "EN", "pt-br",
/// "spa", "English") to a BCP 47 tag ("en", "pt-BR", "es"). Returns empty
/// for an empty or unrecognised code.
std::string normalize_language(std::string_view code);

/// True for the codes that name no language ("und", "mul", "zxx", "mis",
/// "none", "unknown", in any case): an empty normalize_language() for them
/// is no problem worth a warning.
bool names_no_language(std::string_view code);

/// The name of Xapian's Snowball stemmer for a BCP 47 tag ("en" -> "english",
/// "pt-BR" -> "portuguese"), or "none" where Xapian 1.4 has no stemmer for
/// the language (Greek, Japanese, ...) or the tag is empty.
std::string_view stemmer_for_language(std::string_view tag);

}  // namespace talksearch

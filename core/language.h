// Languages: BCP 47 tags and the Snowball stemmers Xapian has for them.
#pragma once

#include <string_view>

namespace talksearch {

/// The name of Xapian's Snowball stemmer for a BCP 47 tag ("en" -> "english",
/// "pt-BR" -> "portuguese"), or "none" where Xapian 1.4 has no stemmer for
/// the language (Greek, Japanese, ...) or the tag is empty.
std::string_view stemmer_for_language(std::string_view tag);

}  // namespace talksearch

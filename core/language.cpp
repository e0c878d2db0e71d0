// Language codes and names to BCP 47 tags, and tags to Xapian's stemmers.
#include "core/language.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

#include "core/text.h"

namespace talksearch {
namespace {

struct Language {
    const char* tag;     ///< BCP 47 primary subtag
    const char* code3;   ///< ISO 639-2/T = ISO 639-3
    const char* code3b;  ///< ISO 639-2/B when it differs, else ""
    const char* name;    ///< English name, lower case
    const char* native;  ///< endonym, lower case, or ""
};

// Every code seen in pyvideo-data (eng spa rus fra por kor jpn ita deu zho
// pol slk lit tha ces eus heb glg) plus the other languages of the world's
// talk catalogues. Languages with no ISO 639-1 code keep their 3-letter tag.
constexpr Language kLanguages[] = {
    {"af", "afr", "", "afrikaans", "afrikaans"},
    {"am", "amh", "", "amharic", "አማርኛ"},
    {"ar", "ara", "", "arabic", "العربية"},
    {"az", "aze", "", "azerbaijani", "azərbaycan"},
    {"be", "bel", "", "belarusian", "беларуская"},
    {"bg", "bul", "", "bulgarian", "български"},
    {"bn", "ben", "", "bengali", "বাংলা"},
    {"br", "bre", "", "breton", "brezhoneg"},
    {"bs", "bos", "", "bosnian", "bosanski"},
    {"ca", "cat", "", "catalan", "català"},
    {"cs", "ces", "cze", "czech", "čeština"},
    {"cy", "cym", "wel", "welsh", "cymraeg"},
    {"da", "dan", "", "danish", "dansk"},
    {"de", "deu", "ger", "german", "deutsch"},
    {"el", "ell", "gre", "greek", "ελληνικά"},
    {"en", "eng", "", "english", ""},
    {"eo", "epo", "", "esperanto", ""},
    {"es", "spa", "", "spanish", "español"},
    {"et", "est", "", "estonian", "eesti"},
    {"eu", "eus", "baq", "basque", "euskara"},
    {"fa", "fas", "per", "persian", "فارسی"},
    {"fi", "fin", "", "finnish", "suomi"},
    {"fil", "fil", "", "filipino", ""},
    {"fo", "fao", "", "faroese", "føroyskt"},
    {"fr", "fra", "fre", "french", "français"},
    {"ga", "gle", "", "irish", "gaeilge"},
    {"gd", "gla", "", "scottish gaelic", "gàidhlig"},
    {"gl", "glg", "", "galician", "galego"},
    {"gn", "grn", "", "guarani", "avañe'ẽ"},
    {"gu", "guj", "", "gujarati", "ગુજરાતી"},
    {"ha", "hau", "", "hausa", ""},
    {"he", "heb", "", "hebrew", "עברית"},
    {"hi", "hin", "", "hindi", "हिन्दी"},
    {"hr", "hrv", "", "croatian", "hrvatski"},
    {"ht", "hat", "", "haitian creole", "kreyòl ayisyen"},
    {"hu", "hun", "", "hungarian", "magyar"},
    {"hy", "hye", "arm", "armenian", "հայերեն"},
    {"id", "ind", "", "indonesian", "bahasa indonesia"},
    {"ig", "ibo", "", "igbo", ""},
    {"is", "isl", "ice", "icelandic", "íslenska"},
    {"it", "ita", "", "italian", "italiano"},
    {"ja", "jpn", "", "japanese", "日本語"},
    {"jv", "jav", "", "javanese", "basa jawa"},
    {"ka", "kat", "geo", "georgian", "ქართული"},
    {"kk", "kaz", "", "kazakh", "қазақ тілі"},
    {"km", "khm", "", "khmer", "ខ្មែរ"},
    {"kn", "kan", "", "kannada", "ಕನ್ನಡ"},
    {"ko", "kor", "", "korean", "한국어"},
    {"ku", "kur", "", "kurdish", "kurdî"},
    {"ky", "kir", "", "kyrgyz", "кыргызча"},
    {"la", "lat", "", "latin", "latina"},
    {"lb", "ltz", "", "luxembourgish", "lëtzebuergesch"},
    {"lo", "lao", "", "lao", "ລາວ"},
    {"lt", "lit", "", "lithuanian", "lietuvių"},
    {"lv", "lav", "", "latvian", "latviešu"},
    {"mi", "mri", "mao", "maori", "māori"},
    {"mk", "mkd", "mac", "macedonian", "македонски"},
    {"ml", "mal", "", "malayalam", "മലയാളം"},
    {"mn", "mon", "", "mongolian", "монгол"},
    {"mr", "mar", "", "marathi", "मराठी"},
    {"ms", "msa", "may", "malay", "bahasa melayu"},
    {"mt", "mlt", "", "maltese", "malti"},
    {"my", "mya", "bur", "burmese", "မြန်မာ"},
    {"nb", "nob", "", "norwegian bokmål", "norsk bokmål"},
    {"ne", "nep", "", "nepali", "नेपाली"},
    {"nl", "nld", "dut", "dutch", "nederlands"},
    {"nn", "nno", "", "norwegian nynorsk", "norsk nynorsk"},
    {"no", "nor", "", "norwegian", "norsk"},
    {"pa", "pan", "", "punjabi", "ਪੰਜਾਬੀ"},
    {"pl", "pol", "", "polish", "polski"},
    {"ps", "pus", "", "pashto", "پښتو"},
    {"pt", "por", "", "portuguese", "português"},
    {"qu", "que", "", "quechua", "runa simi"},
    {"ro", "ron", "rum", "romanian", "română"},
    {"ru", "rus", "", "russian", "русский"},
    {"si", "sin", "", "sinhala", "සිංහල"},
    {"sk", "slk", "slo", "slovak", "slovenčina"},
    {"sl", "slv", "", "slovenian", "slovenščina"},
    {"sm", "smo", "", "samoan", ""},
    {"sq", "sqi", "alb", "albanian", "shqip"},
    {"sr", "srp", "", "serbian", "српски"},
    {"su", "sun", "", "sundanese", "basa sunda"},
    {"sv", "swe", "", "swedish", "svenska"},
    {"sw", "swa", "", "swahili", "kiswahili"},
    {"ta", "tam", "", "tamil", "தமிழ்"},
    {"te", "tel", "", "telugu", "తెలుగు"},
    {"tg", "tgk", "", "tajik", "тоҷикӣ"},
    {"th", "tha", "", "thai", "ไทย"},
    {"tk", "tuk", "", "turkmen", "türkmençe"},
    {"tl", "tgl", "", "tagalog", ""},
    {"to", "ton", "", "tongan", ""},
    {"tr", "tur", "", "turkish", "türkçe"},
    {"tt", "tat", "", "tatar", "татар"},
    {"uk", "ukr", "", "ukrainian", "українська"},
    {"ur", "urd", "", "urdu", "اردو"},
    {"uz", "uzb", "", "uzbek", "oʻzbekcha"},
    {"vi", "vie", "", "vietnamese", "tiếng việt"},
    {"xh", "xho", "", "xhosa", "isixhosa"},
    {"yi", "yid", "", "yiddish", "ייִדיש"},
    {"yo", "yor", "", "yoruba", "yorùbá"},
    {"yue", "yue", "", "cantonese", "粵語"},
    {"zh", "zho", "chi", "chinese", "中文"},
    {"zu", "zul", "", "zulu", "isizulu"},
};

// Other codes and names: ISO 639-3 individual languages that are written
// with their macrolanguage's tag, deprecated 2-letter codes, and names that
// carry a region.
struct LanguageAlias {
    const char* alias;
    const char* tag;
};
constexpr LanguageAlias kLanguageAliases[] = {
    {"arb", "ar"},
    {"cmn", "zh"},
    {"ekk", "et"},
    {"in", "id"},
    {"iw", "he"},
    {"ji", "yi"},
    {"lvs", "lv"},
    {"pes", "fa"},
    {"swh", "sw"},
    {"zsm", "ms"},
    {"mandarin", "zh"},
    {"castellano", "es"},
    {"castilian", "es"},
    {"farsi", "fa"},
    {"flemish", "nl"},
    {"brazilian portuguese", "pt-BR"},
    {"português brasileiro", "pt-BR"},
    {"português do brasil", "pt-BR"},
    {"simplified chinese", "zh-Hans"},
    {"traditional chinese", "zh-Hant"},
    {"简体中文", "zh-Hans"},
    {"繁體中文", "zh-Hant"},
};

// Codes that name no language.
constexpr const char* kNoLanguage[] = {"und", "mul", "zxx", "mis", "none", "unknown"};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The primary subtag for a language code or name (already lower case), or
// empty when unknown.
std::string lookup_language(std::string_view key) {
    for (const LanguageAlias& a : kLanguageAliases) {
        if (key == a.alias) return a.tag;
    }
    for (const Language& l : kLanguages) {
        if (key == l.tag || key == l.code3 || key == l.code3b || key == l.name || key == l.native) {
            return l.tag;
        }
    }
    return {};
}

// BCP 47 casing of the subtags after the primary one: script Title case,
// region upper case, others lower case. Stops at the first malformed subtag.
std::string append_subtags(std::string tag, std::string_view rest) {
    while (!rest.empty()) {
        const std::size_t dash = rest.find('-');
        std::string sub = ascii_lower(rest.substr(0, dash));
        rest = dash == std::string_view::npos ? std::string_view() : rest.substr(dash + 1);
        const bool alnum = !sub.empty() && sub.size() <= 8 &&
                           std::all_of(sub.begin(), sub.end(),
                                       [](char c) { return is_alpha(c) || is_ascii_digit(c); });
        if (!alnum) break;
        const bool alpha = std::all_of(sub.begin(), sub.end(), is_alpha);
        if (sub.size() == 4 && alpha) {
            sub[0] = static_cast<char>(sub[0] - 'a' + 'A');
        } else if (sub.size() == 2 && alpha) {
            for (char& c : sub) c = static_cast<char>(c - 'a' + 'A');
        }
        tag += '-';
        tag += sub;
    }
    return tag;
}

}  // namespace

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

std::string normalize_language(std::string_view code) {
    std::string text = sanitize_utf8(trim(code));
    if (text.empty()) return {};
    std::replace(text.begin(), text.end(), '_', '-');
    const bool looks_like_tag = std::all_of(text.begin(), text.end(), [](char c) {
        return is_alpha(c) || is_ascii_digit(c) || c == '-';
    });
    if (looks_like_tag) {
        const std::size_t dash = text.find('-');
        const std::string primary = ascii_lower(std::string_view(text).substr(0, dash));
        if (primary.size() >= 2 && primary.size() <= 3) {
            std::string tag = lookup_language(primary);
            if (tag.empty()) return {};
            if (dash == std::string::npos) return tag;
            return append_subtags(std::move(tag), std::string_view(text).substr(dash + 1));
        }
    }
    // A name: "English", "Português", "Brazilian Portuguese".
    return lookup_language(fold_case(collapse_whitespace(text)));
}

bool names_no_language(std::string_view code) {
    const std::string lower = ascii_lower(code);
    return std::find(std::begin(kNoLanguage), std::end(kNoLanguage), lower) !=
           std::end(kNoLanguage);
}

}  // namespace talksearch

// pyvideo.org's catalogue layout: parsing talk and event files, walking the
// folders. See indexer/pyvideo.h.
//
// Field rules for a talk file (`<event>/videos/<slug>.json`):
//
//   Strict fields: a wrong type is a ParseError and the file is skipped,
//   because the talk would be indexed with wrong text or under a wrong key:
//     - the top level must be an object;
//     - `title`: a string, non-empty after trimming ("title: missing",
//       "title: expected a string", "title: empty");
//     - `slug`: a string or null;
//     - `speakers`, `tags`: arrays of strings, or null/missing (= empty);
//       a non-string item is "speakers[2]: expected a string";
//     - `description`, `summary`: a string or null.
//   Lenient fields: a wrong type or bad value is a Warning and the field (or
//   the one item) is ignored; the talk is still indexed:
//     - `videos` (may be missing, null or empty: a talk with no recording is
//       still searchable); an item that is not an object or has no usable
//       `url` is dropped; `size`/`length` that are not non-negative integers
//       are ignored;
//     - `related_urls`: items are strings or {label, url} objects; other
//       items, and items with no url, are dropped;
//     - `duration`, `recorded`, `language`, `id`, `thumbnail_url`,
//       `copyright_text`, `quality_notes`, `alias`, `category`.
//   Unknown keys (`abstract`, `file_name`, `title2`, ...) are ignored.
//
// Text: every string is made valid UTF-8. Title, speakers, tags and labels
// have their whitespace runs collapsed to one space; summary and description
// keep their line breaks (CRLF and CR become LF) and are trimmed. Title,
// speakers, tags, summary and description are NFC-normalised. Speakers and
// tags drop empty items and duplicates (the first one is kept).
//
// Identity: the slug is the JSON `slug` when it is a non-empty string with
// no '/', '\\' or control character, else the file's stem; the event is the
// folder's name. parse_talk_json sets `event_title` only from the deprecated
// `category`; load_catalogue replaces it with category.json's title, and
// falls back to the event folder's name when neither exists.
//
// Durations: a float is rounded; the unit is repaired per value (over a day
// = milliseconds, see repair_duration) and, in load_catalogue, per event
// (see event_duration_unit). Every unit repair is reported as a warning.
//
// Loading: files are read whole with POSIX read() into a reused padded
// buffer (files over 16 MB are refused unread) and parsed with one reused
// simdjson DOM parser. Events are loaded in order of their folder names,
// files in byte order of their names; hidden entries and files not ending
// in ".json" are ignored. A file that repeats a talk id already loaded is
// skipped.

#include "indexer/sources/pyvideo.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "core/text.h"

namespace talksearch {
namespace {

namespace dom = simdjson::dom;
namespace fs = std::filesystem;

constexpr std::uint64_t kMaxFileBytes = 16u * 1024u * 1024u;
constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

[[noreturn]] void fail(const std::string& message) { throw ParseError(0, message); }

void warn(std::vector<Warning>* warnings, std::string message) {
    if (warnings != nullptr) warnings->push_back(Warning{0, std::move(message)});
}

std::string_view strip_bom(std::string_view json) {
    if (json.size() >= 3 && json.compare(0, 3, "\xEF\xBB\xBF") == 0) json.remove_prefix(3);
    return json;
}

const char* type_name(dom::element_type type) {
    switch (type) {
        case dom::element_type::ARRAY:
            return "an array";
        case dom::element_type::OBJECT:
            return "an object";
        case dom::element_type::INT64:
        case dom::element_type::UINT64:
        case dom::element_type::DOUBLE:
            return "a number";
        case dom::element_type::STRING:
            return "a string";
        case dom::element_type::BOOL:
            return "a boolean";
        case dom::element_type::NULL_VALUE:
            return "null";
    }
    return "a value";
}

bool is_null(dom::element e) { return e.type() == dom::element_type::NULL_VALUE; }

std::string_view string_of(dom::element e) { return e.get_string().value_unsafe(); }

// ---- Text cleaning -------------------------------------------------------------

// One-line text (title, names, tags, labels): valid UTF-8, whitespace runs
// collapsed, NFC.
std::string clean_line(std::string_view text) { return to_nfc(collapse_whitespace(text)); }

// Multi-line text (summary, description): valid UTF-8, CRLF and CR as LF,
// trimmed, NFC.
std::string clean_block(std::string_view text) {
    text = trim(text);
    if (text.find('\r') == std::string_view::npos) return to_nfc(text);
    std::string lf;
    lf.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') {
            lf += text[i];
        } else if (i + 1 >= text.size() || text[i + 1] != '\n') {
            lf += '\n';
        }
    }
    return to_nfc(lf);
}

// URLs and other plain values: valid UTF-8, trimmed.
std::string clean_plain(std::string_view text) { return sanitize_utf8(trim(text)); }

// ---- Field readers -----------------------------------------------------------------

// A string-or-null field whose wrong type makes the file unusable.
std::optional<std::string_view> strict_string(dom::element e, std::string_view field) {
    if (is_null(e)) return std::nullopt;
    if (e.type() != dom::element_type::STRING) fail(std::string(field) + ": expected a string");
    return string_of(e);
}

// A string-or-null field that is only metadata: a wrong type is a warning.
std::optional<std::string_view> lenient_string(dom::element e, std::string_view field,
                                               std::vector<Warning>* warnings) {
    if (is_null(e)) return std::nullopt;
    if (e.type() != dom::element_type::STRING) {
        warn(warnings, std::string(field) + ": expected a string, found " + type_name(e.type()) +
                           "; ignored");
        return std::nullopt;
    }
    return string_of(e);
}

// An integer (or an integral float) as int64; nullopt for other values.
std::optional<std::int64_t> integer_of(dom::element e) {
    switch (e.type()) {
        case dom::element_type::INT64:
            return e.get_int64().value_unsafe();
        case dom::element_type::DOUBLE: {
            const double d = e.get_double().value_unsafe();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
                return static_cast<std::int64_t>(d);
            }
            return std::nullopt;
        }
        default:
            return std::nullopt;
    }
}

// `speakers` and `tags`: an array of strings (null/missing = empty). Items
// are cleaned; empty ones and duplicates are dropped.
std::vector<std::string> string_list(dom::element e, std::string_view field) {
    std::vector<std::string> out;
    if (is_null(e)) return out;
    if (e.type() != dom::element_type::ARRAY) fail(std::string(field) + ": expected an array");
    std::size_t index = 0;
    const dom::array items = e.get_array().value_unsafe();
    for (dom::element item : items) {
        if (item.type() != dom::element_type::STRING) {
            fail(std::string(field) + "[" + std::to_string(index) + "]: expected a string");
        }
        std::string value = clean_line(string_of(item));
        if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) {
            out.push_back(std::move(value));
        }
        ++index;
    }
    return out;
}

std::vector<RelatedUrl> related_urls(dom::element e, std::vector<Warning>* warnings) {
    std::vector<RelatedUrl> out;
    if (is_null(e)) return out;
    if (e.type() != dom::element_type::ARRAY) {
        warn(warnings, std::string("related_urls: expected an array, found ") +
                           type_name(e.type()) + "; ignored");
        return out;
    }
    std::size_t index = 0;
    const dom::array items = e.get_array().value_unsafe();
    for (dom::element item : items) {
        const std::string where = "related_urls[" + std::to_string(index++) + "]";
        RelatedUrl link;
        if (item.type() == dom::element_type::STRING) {
            link.url = clean_plain(string_of(item));
        } else if (item.type() == dom::element_type::OBJECT) {
            dom::object obj = item.get_object().value_unsafe();
            dom::element url, label;
            if (obj["url"].get(url) != simdjson::SUCCESS ||
                url.type() != dom::element_type::STRING) {
                warn(warnings, where + ".url: expected a string; item dropped");
                continue;
            }
            link.url = clean_plain(string_of(url));
            if (obj["label"].get(label) == simdjson::SUCCESS && !is_null(label)) {
                if (label.type() == dom::element_type::STRING) {
                    link.label = clean_line(string_of(label));
                } else {
                    warn(warnings, where + ".label: expected a string; label ignored");
                }
            }
        } else {
            warn(warnings, where + ": expected a string or an object; item dropped");
            continue;
        }
        if (link.url.empty()) {
            warn(warnings, where + ": empty url; item dropped");
            continue;
        }
        const bool seen = std::any_of(out.begin(), out.end(),
                                      [&](const RelatedUrl& r) { return r.url == link.url; });
        if (!seen) out.push_back(std::move(link));
    }
    return out;
}

std::vector<VideoSource> videos(dom::element e, std::vector<Warning>* warnings) {
    std::vector<VideoSource> out;
    if (is_null(e)) return out;
    if (e.type() != dom::element_type::ARRAY) {
        warn(warnings,
             std::string("videos: expected an array, found ") + type_name(e.type()) + "; ignored");
        return out;
    }
    std::size_t index = 0;
    const dom::array items = e.get_array().value_unsafe();
    for (dom::element item : items) {
        const std::string where = "videos[" + std::to_string(index++) + "]";
        if (item.type() != dom::element_type::OBJECT) {
            warn(warnings, where + ": expected an object; item dropped");
            continue;
        }
        dom::object obj = item.get_object().value_unsafe();
        VideoSource video;
        dom::element value;
        if (obj["url"].get(value) == simdjson::SUCCESS &&
            value.type() == dom::element_type::STRING) {
            video.url = clean_plain(string_of(value));
        }
        if (video.url.empty()) {
            warn(warnings, where + ".url: missing, empty or not a string; item dropped");
            continue;
        }
        if (obj["type"].get(value) == simdjson::SUCCESS && !is_null(value)) {
            if (value.type() == dom::element_type::STRING) {
                video.type = clean_plain(string_of(value));
            } else {
                warn(warnings, where + ".type: expected a string; ignored");
            }
        }
        // `size` wins over the deprecated `length`.
        for (const char* key : {"size", "length"}) {
            if (video.size_bytes || obj[key].get(value) != simdjson::SUCCESS || is_null(value)) {
                continue;
            }
            const std::optional<std::int64_t> n = integer_of(value);
            if (n && *n >= 0) {
                video.size_bytes = n;
            } else {
                warn(warnings, where + "." + key + ": expected a non-negative integer; ignored");
            }
        }
        out.push_back(std::move(video));
    }
    return out;
}

// ---- Dates ---------------------------------------------------------------------------

bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD", optionally followed by "Thh:mm:ss" (or a space for the T),
// optional fractional seconds, and an optional "Z" or "+hh:mm"/"-hh:mm".
// Returns "YYYY-MM-DD" (the date as written, not converted to UTC), or empty
// when the text is not such a date or a part is out of range. Years outside
// 1900..2100 are refused as typos.
std::string parse_date(std::string_view s) {
    int year = 0, month = 0, day = 0;
    if (!read_digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' ||
        !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day)) {
        return {};
    }
    if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month)) {
        return {};
    }
    std::size_t pos = 10;
    if (pos < s.size()) {
        int hour = 0, minute = 0, second = 0;
        if ((s[pos] != 'T' && s[pos] != ' ') || !read_digits(s, pos + 1, 2, hour) ||
            pos + 3 >= s.size() || s[pos + 3] != ':' || !read_digits(s, pos + 4, 2, minute) ||
            pos + 6 >= s.size() || s[pos + 6] != ':' || !read_digits(s, pos + 7, 2, second) ||
            hour > 23 || minute > 59 || second > 60) {
            return {};
        }
        pos += 9;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            const std::size_t digits = pos;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
            if (pos == digits) return {};
        }
        if (pos < s.size()) {
            int oh = 0, om = 0;
            if (s[pos] == 'Z' && pos + 1 == s.size()) {
                pos += 1;
            } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 &&
                       read_digits(s, pos + 1, 2, oh) && s[pos + 3] == ':' &&
                       read_digits(s, pos + 4, 2, om) && oh <= 23 && om <= 59) {
                pos += 6;
            } else {
                return {};
            }
        }
    }
    return std::string(s.substr(0, 10));
}

// ---- Durations -------------------------------------------------------------------

// `duration` as written: an integer, a float rounded to the nearest second,
// or nullopt (null, or a wrong type, which is warned about). Not yet repaired.
std::optional<std::int64_t> raw_duration(dom::element e, std::vector<Warning>* warnings) {
    switch (e.type()) {
        case dom::element_type::NULL_VALUE:
            return std::nullopt;
        case dom::element_type::INT64:
            return e.get_int64().value_unsafe();
        case dom::element_type::DOUBLE: {
            const double d = e.get_double().value_unsafe();
            if (std::isfinite(d) && std::fabs(d) < 9.0e15) return std::llround(d);
            break;
        }
        default:
            break;
    }
    warn(warnings, std::string("duration: expected a number of seconds, found ") +
                       type_name(e.type()) + "; ignored");
    return std::nullopt;
}

// The per-value unit repair, for a duration seen without its event (see
// load_catalogue for the event-wide rules). Measured on pyvideo-data
// (16,084 non-null durations): no genuine recording is longer than a day
// (the longest seconds value is 42,900 s, a GeoPython 2019 full-day stream);
// the 59 values above 86,400 are all in two events: pycon-fr-2016 (47 of 47
// values, 761,680..3,060,760, 46 of them multiples of 40, a 25 fps frame in
// ms; read as ms they are 12.7..51 minutes) and djangocon-eu-2015 (12 of 72,
// fixed by the event rule). So a value above a day is read as milliseconds.
std::optional<std::int64_t> repair_duration(std::optional<std::int64_t> raw,
                                            std::vector<Warning>* warnings) {
    if (!raw) return std::nullopt;
    const std::int64_t value = *raw;
    if (value <= 0) {
        warn(warnings, "duration: " + std::to_string(value) +
                           " is not a positive number of seconds; ignored");
        return std::nullopt;
    }
    if (value <= kSecondsPerDay) return value;
    const std::int64_t ms = (value + 500) / 1000;
    if (ms >= 1 && ms <= kSecondsPerDay) {
        warn(warnings, "duration: " + std::to_string(value) +
                           " is more than a day; read as milliseconds (" + std::to_string(ms) +
                           " s)");
        return ms;
    }
    warn(warnings, "duration: " + std::to_string(value) + " is out of range; ignored");
    return std::nullopt;
}

// How an event's durations were written, judged from all of its values.
enum class DurationUnit {
    kPerValue,            ///< no event-wide rule; repair_duration() decides per value
    kMinutes,             ///< small values are minutes
    kSixtiethsOfSeconds,  ///< every value is seconds x 60
};

// The event-wide rules (measured on pyvideo-data; events with fewer than 3
// durations are left to the per-value rule):
//  - Minutes: the median is at most 90. Read as seconds, half the talks of
//    such an event would be shorter than a minute and a half. 7 events match:
//    pycon-ca-2013 (47 values, 3..45, median 20), pycon-au-2013 (45, median
//    30), pycon-de-2013 (57, 30..90, median 60), djangocon-au-2013 (10,
//    30..50), openstack-pycon-au-2013 (4, 30..60), pyohio-2013 (34, median
//    60) and chipy (41, median 40); the next lowest median is 158 (pycon-
//    finland-2016, genuine short clips). Values up to 180 (3 hours as
//    minutes) are multiplied by 60; larger ones were written in seconds
//    (pyohio-2013 has one 1,982; chipy has 300..3,600).
//  - Seconds x 60: every value is a multiple of 60 and the median is above
//    4 hours. Only djangocon-eu-2015 matches: 72 of 72 values are multiples
//    of 60 (6,060..172,860, median 60,090 = 16.7 hours as seconds); divided
//    by 60 they are 101..2,881 s, lightning talks to 48-minute talks. The
//    events of 4-to-12-hour full-day streams (geopython-2019, pycon-cz-2019,
//    pydata-delhi-2017/2018, pycon-balkan-2018) have values that are not
//    multiples of 60.
DurationUnit event_duration_unit(const std::vector<std::int64_t>& raw_values) {
    std::vector<std::int64_t> values;
    for (std::int64_t v : raw_values) {
        if (v > 0) values.push_back(v);
    }
    if (values.size() < 3) return DurationUnit::kPerValue;
    std::sort(values.begin(), values.end());
    const std::int64_t median = values[values.size() / 2];
    if (median <= 90) return DurationUnit::kMinutes;
    const bool all_minutes_of_seconds =
        std::all_of(values.begin(), values.end(), [](std::int64_t v) { return v % 60 == 0; });
    if (median > 4 * 60 * 60 && all_minutes_of_seconds) {
        return DurationUnit::kSixtiethsOfSeconds;
    }
    return DurationUnit::kPerValue;
}

// ---- Languages ---------------------------------------------------------------------

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
bool is_digit(char c) { return c >= '0' && c <= '9'; }

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
        const bool alnum =
            !sub.empty() && sub.size() <= 8 &&
            std::all_of(sub.begin(), sub.end(), [](char c) { return is_alpha(c) || is_digit(c); });
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

// ---- Talk parsing ------------------------------------------------------------------

// The top-level fields of a talk file that we read.
struct TalkFields {
    std::optional<dom::element> alias, category, copyright_text, description, duration, id,
        language, quality_notes, recorded, related_urls, slug, speakers, summary, tags,
        thumbnail_url, title, videos;
};

using FieldSlot = std::optional<dom::element> TalkFields::*;
constexpr std::pair<std::string_view, FieldSlot> kTalkFields[] = {
    {"alias", &TalkFields::alias},
    {"category", &TalkFields::category},
    {"copyright_text", &TalkFields::copyright_text},
    {"description", &TalkFields::description},
    {"duration", &TalkFields::duration},
    {"id", &TalkFields::id},
    {"language", &TalkFields::language},
    {"quality_notes", &TalkFields::quality_notes},
    {"recorded", &TalkFields::recorded},
    {"related_urls", &TalkFields::related_urls},
    {"slug", &TalkFields::slug},
    {"speakers", &TalkFields::speakers},
    {"summary", &TalkFields::summary},
    {"tags", &TalkFields::tags},
    {"thumbnail_url", &TalkFields::thumbnail_url},
    {"title", &TalkFields::title},
    {"videos", &TalkFields::videos},
};

TalkFields collect_fields(dom::object obj) {
    TalkFields f;
    // Unknown keys are ignored; a repeated key keeps its last value.
    for (dom::key_value_pair kv : obj) {
        for (const auto& [name, slot] : kTalkFields) {
            if (kv.key == name) {
                f.*slot = kv.value;
                break;
            }
        }
    }
    return f;
}

bool slug_is_usable(std::string_view slug) {
    return !slug.empty() && slug != "." && slug != ".." &&
           std::none_of(slug.begin(), slug.end(), [](char c) {
               return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
           });
}

// Parses a talk document. The duration is returned unrepaired in
// `raw_duration_out`; the caller applies repair_duration() or an event rule.
Talk parse_talk_element(dom::element root, std::string_view event, std::string_view file_slug,
                        std::vector<Warning>* warnings,
                        std::optional<std::int64_t>& raw_duration_out) {
    if (root.type() != dom::element_type::OBJECT) {
        fail(std::string("json: expected an object, found ") + type_name(root.type()));
    }
    const TalkFields f = collect_fields(root.get_object().value_unsafe());
    Talk talk;
    talk.origin = TalkOrigin::kPyvideo;
    talk.event = sanitize_utf8(event);

    // Strict fields first: any of them may reject the file.
    if (!f.title || is_null(*f.title)) fail("title: missing");
    talk.title = clean_line(*strict_string(*f.title, "title"));
    if (talk.title.empty()) fail("title: empty");

    // The slug: the JSON's when usable, else the file name's stem.
    std::string slug;
    if (f.slug) {
        if (const auto s = strict_string(*f.slug, "slug")) slug = clean_plain(*s);
    }
    if (!slug.empty() && !slug_is_usable(slug)) {
        warn(warnings, "slug: '" + slug + "' is not usable in a talk id; the file name is used");
        slug.clear();
    }
    if (slug.empty()) slug = sanitize_utf8(file_slug);
    if (!slug_is_usable(slug)) fail("slug: missing (no usable slug and no usable file name)");
    talk.slug = std::move(slug);

    if (f.speakers) talk.speakers = string_list(*f.speakers, "speakers");
    if (f.tags) talk.tags = string_list(*f.tags, "tags");
    if (f.summary) {
        if (const auto s = strict_string(*f.summary, "summary")) talk.summary = clean_block(*s);
    }
    if (f.description) {
        if (const auto s = strict_string(*f.description, "description")) {
            talk.description = clean_block(*s);
        }
    }

    // Lenient fields.
    if (f.videos) talk.videos = videos(*f.videos, warnings);
    if (f.related_urls) talk.related_urls = related_urls(*f.related_urls, warnings);
    if (f.duration) raw_duration_out = raw_duration(*f.duration, warnings);
    if (f.recorded) {
        if (const auto s = lenient_string(*f.recorded, "recorded", warnings)) {
            const std::string_view text = trim(*s);
            talk.recorded = parse_date(text);
            if (talk.recorded.empty() && !text.empty()) {
                warn(warnings, "recorded: '" + sanitize_utf8(text) +
                                   "' is not a valid YYYY-MM-DD[Thh:mm:ss[+hh:mm]]; ignored");
            }
        }
    }
    if (f.language) {
        if (const auto s = lenient_string(*f.language, "language", warnings)) {
            talk.language = normalize_language(*s);
            if (talk.language.empty() && !trim(*s).empty()) {
                const std::string code = sanitize_utf8(trim(*s));
                const bool says_none = std::find(std::begin(kNoLanguage), std::end(kNoLanguage),
                                                 ascii_lower(code)) != std::end(kNoLanguage);
                if (!says_none) warn(warnings, "language: unknown code '" + code + "'; ignored");
            }
        }
    }
    if (f.id && !is_null(*f.id)) {
        const std::optional<std::int64_t> n = integer_of(*f.id);
        if (n) {
            talk.pyvideo_id = n;
        } else {
            warn(warnings, "id: expected an integer; ignored");
        }
    }
    if (f.thumbnail_url) {
        if (const auto s = lenient_string(*f.thumbnail_url, "thumbnail_url", warnings)) {
            talk.thumbnail_url = clean_plain(*s);
        }
    }
    if (f.copyright_text) {
        if (const auto s = lenient_string(*f.copyright_text, "copyright_text", warnings)) {
            talk.copyright_text = clean_line(*s);
        }
    }
    if (f.quality_notes) {
        if (const auto s = lenient_string(*f.quality_notes, "quality_notes", warnings)) {
            talk.quality_notes = clean_block(*s);
        }
    }
    // `alias` is deprecated and has no place in Talk: its type is checked only.
    if (f.alias) lenient_string(*f.alias, "alias", warnings);
    // `category` is the deprecated event title: the fallback when the event's
    // category.json has none (load_catalogue overrides it otherwise).
    if (f.category) {
        if (const auto s = lenient_string(*f.category, "category", warnings)) {
            talk.event_title = clean_line(*s);
        }
    }
    return talk;
}

// Parses `json` (already without a BOM; padded by SIMDJSON_PADDING readable
// bytes) with `parser`. Invalid UTF-8 is replaced (with a warning) rather
// than rejected, since the rest of the file is usually fine.
dom::element parse_document(dom::parser& parser, const char* data, std::size_t size,
                            simdjson::padded_string& repaired, std::vector<Warning>* warnings) {
    if (size == 0) fail("json: the file is empty");
    dom::element root;
    simdjson::error_code error = parser.parse(data, size, false).get(root);
    if (error == simdjson::UTF8_ERROR) {
        repaired = simdjson::padded_string(sanitize_utf8(std::string_view(data, size)));
        error = parser.parse(repaired).get(root);
        if (!error) warn(warnings, "json: invalid UTF-8 replaced with U+FFFD");
    }
    if (error == simdjson::EMPTY) fail("json: the file is empty");
    if (error) fail(std::string("json: ") + simdjson::error_message(error));
    return root;
}

EventInfo parse_category_element(dom::element root) {
    if (root.type() != dom::element_type::OBJECT) {
        fail(std::string("json: expected an object, found ") + type_name(root.type()));
    }
    EventInfo info;
    const dom::object fields = root.get_object().value_unsafe();
    for (dom::key_value_pair kv : fields) {
        std::string* target = nullptr;
        bool date = false;
        if (kv.key == "title") {
            target = &info.title;
        } else if (kv.key == "description") {
            target = &info.description;
        } else if (kv.key == "url") {
            target = &info.url;
        } else if (kv.key == "start_date") {
            target = &info.start_date;
            date = true;
        } else if (kv.key == "end_date") {
            target = &info.end_date;
            date = true;
        }
        if (target == nullptr) continue;  // `alias` and unknown keys
        const auto s = strict_string(kv.value, kv.key);
        if (!s) {
            target->clear();
        } else if (kv.key == "description") {
            *target = clean_block(*s);
        } else if (kv.key == "title") {
            *target = clean_line(*s);
        } else if (date) {
            *target = parse_date(trim(*s));  // an invalid date is left empty
        } else {
            *target = clean_plain(*s);
        }
    }
    return info;
}

// ---- Loading ---------------------------------------------------------------------------

// Reads a whole file into `buffer` (grown as needed, keeping its padding).
// Returns the size, or throws Error with a `file: problem` message.
std::size_t read_file(const fs::path& path, simdjson::padded_string& buffer) {
    // O_NONBLOCK: a FIFO or device named like an input never blocks the run (fstat refuses it).
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw Error(std::string("file: cannot open: ") + std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw Error(std::string("file: cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw Error("file: not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > kMaxFileBytes) {
        throw Error("file: " + std::to_string(size) + " bytes is over the 16 MB limit; not read");
    }
    if (buffer.size() < size) buffer = simdjson::padded_string(static_cast<std::size_t>(size) * 2);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, buffer.data() + done, static_cast<std::size_t>(size) - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(std::string("file: cannot read: ") + std::strerror(errno));
        if (n == 0) break;  // the file shrank while we read it
        done += static_cast<std::size_t>(n);
    }
    return done;
}

struct EventDir {
    std::string name;
    fs::path dir;
};

// A talk parsed but not yet handed over: its duration awaits the event rule.
struct Pending {
    Talk talk;
    std::optional<std::int64_t> raw_duration;
    std::vector<Warning> warnings;
};

bool is_hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

bool has_json_extension(const fs::path& p) {
    return ascii_lower(p.extension().string()) == ".json";
}

bool is_directory_noexcept(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// Uses the type the directory listing already gave, when it gave one.
bool is_directory_noexcept(const fs::directory_entry& entry) {
    std::error_code ec;
    return entry.is_directory(ec);
}

// The events under one root, unsorted. Throws Error when the root cannot be
// read.
void find_events(const fs::path& root, std::vector<EventDir>& events) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
        throw Error("catalogue root " + root.string() + ": does not exist");
    }
    if (!fs::is_directory(status)) {
        throw Error("catalogue root " + root.string() + ": not a folder");
    }
    if (is_directory_noexcept(root / "videos")) {
        // A single event folder: its name is the event slug.
        fs::path name = root.lexically_normal();
        if (name.filename().empty()) name = name.parent_path();
        if (name.filename().empty() || name.filename() == "." || name.filename() == "..") {
            name = fs::weakly_canonical(root, ec);
        }
        events.push_back(EventDir{name.filename().string(), root});
        return;
    }
    fs::directory_iterator it(root, ec);
    if (ec) throw Error("catalogue root " + root.string() + ": cannot be read: " + ec.message());
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        const fs::path& p = it->path();
        if (is_hidden(p) || !is_directory_noexcept(*it) || !is_directory_noexcept(p / "videos")) {
            continue;
        }
        events.push_back(EventDir{p.filename().string(), p});
    }
    if (ec) throw Error("catalogue root " + root.string() + ": cannot be read: " + ec.message());
}

class Loader {
  public:
    explicit Loader(Catalogue& out) : out_(out) {}

    void load_event(const EventDir& event) {
        const std::string event_title = read_category(event);

        const fs::path videos_dir = event.dir / "videos";
        std::vector<fs::path> files;
        std::error_code ec;
        fs::directory_iterator it(videos_dir, ec);
        for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
            const fs::path& p = it->path();
            // Non-JSON files and hidden files (editor and macOS droppings) are ignored.
            if (is_hidden(p) || !has_json_extension(p) || is_directory_noexcept(*it)) continue;
            files.push_back(p);
        }
        if (ec) {
            out_.problems.push_back(LoadProblem{videos_dir.string(),
                                                "videos: cannot be listed: " + ec.message(), true});
        }
        std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
            return a.filename().native() < b.filename().native();
        });

        std::vector<Pending> pending;
        pending.reserve(files.size());
        for (const fs::path& file : files) {
            ++out_.files_seen;
            Pending p;
            try {
                const std::size_t size = read_file(file, buffer_);
                std::string_view json(buffer_.data(), size);
                json = strip_bom(json);
                const dom::element root =
                    parse_document(parser_, json.data(), json.size(), repaired_, &p.warnings);
                p.talk = parse_talk_element(root, event.name, file.stem().string(), &p.warnings,
                                            p.raw_duration);
            } catch (const std::bad_alloc&) {
                throw;
            } catch (const std::exception& e) {
                out_.problems.push_back(LoadProblem{file.string(), e.what(), true});
                continue;
            }
            p.talk.source_path = file.string();
            if (!event_title.empty()) {
                p.talk.event_title = event_title;
            } else if (p.talk.event_title.empty()) {
                p.talk.event_title = event.name;
            }
            pending.push_back(std::move(p));
        }
        finish_event(event, pending);
    }

  private:
    // The event's title from category.json, or empty (with a warning) when
    // it is missing, broken or has none.
    std::string read_category(const EventDir& event) {
        const fs::path path = event.dir / "category.json";
        std::string problem;
        EventInfo info;
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            problem = "category.json: missing";
        } else {
            try {
                const std::size_t size = read_file(path, buffer_);
                const std::string_view json = strip_bom(std::string_view(buffer_.data(), size));
                info = parse_category_element(
                    parse_document(parser_, json.data(), json.size(), repaired_, nullptr));
                if (info.title.empty()) problem = "title: missing";
            } catch (const std::bad_alloc&) {
                throw;
            } catch (const std::exception& e) {
                problem = e.what();
            }
        }
        if (!problem.empty()) {
            out_.problems.push_back(
                LoadProblem{path.string(),
                            problem + "; the event title falls back to the talks' `category` or '" +
                                event.name + "'",
                            false});
        }
        return info.title;
    }

    void finish_event(const EventDir& event, std::vector<Pending>& pending) {
        std::vector<std::int64_t> raw;
        for (const Pending& p : pending) {
            if (p.raw_duration) raw.push_back(*p.raw_duration);
        }
        const DurationUnit unit = event_duration_unit(raw);
        std::size_t event_repaired = 0;
        for (Pending& p : pending) {
            const std::optional<std::int64_t>& d = p.raw_duration;
            if (unit == DurationUnit::kMinutes && d && *d > 0 && *d <= 180) {
                p.talk.duration_s = *d * 60;
                ++event_repaired;
            } else if (unit == DurationUnit::kSixtiethsOfSeconds && d && *d > 0) {
                p.talk.duration_s = *d / 60;
                ++event_repaired;
            } else {
                p.talk.duration_s = repair_duration(d, &p.warnings);
            }
        }
        if (event_repaired > 0) {
            const char* how = unit == DurationUnit::kMinutes
                                  ? " values look like minutes (the event's median is at most 90); "
                                    "multiplied by 60"
                                  : " values are multiples of 60 with a median over 4 hours "
                                    "(seconds x 60); divided by 60";
            out_.problems.push_back(LoadProblem{(event.dir / "videos").string(),
                                                "duration: " + std::to_string(event_repaired) +
                                                    " of " + std::to_string(raw.size()) + how,
                                                false});
        }
        for (Pending& p : pending) {
            for (Warning& w : p.warnings) {
                out_.problems.push_back(
                    LoadProblem{p.talk.source_path, std::move(w.message), false});
            }
            std::string id = talk_id(p.talk);
            const auto [where, fresh] = seen_.emplace(std::move(id), p.talk.source_path);
            if (!fresh) {
                out_.problems.push_back(LoadProblem{
                    p.talk.source_path,
                    "slug: talk id '" + where->first + "' is already used by " + where->second,
                    true});
                continue;
            }
            out_.talks.push_back(std::move(p.talk));
        }
    }

    Catalogue& out_;
    dom::parser parser_;
    simdjson::padded_string buffer_;
    simdjson::padded_string repaired_;
    std::unordered_map<std::string, std::string> seen_;  // talk id -> its file
};

}  // namespace

EventInfo parse_category_json(std::string_view json) {
    thread_local dom::parser parser;
    json = strip_bom(json);
    const simdjson::padded_string padded(json);
    simdjson::padded_string repaired;
    return parse_category_element(
        parse_document(parser, padded.data(), padded.size(), repaired, nullptr));
}

Talk parse_talk_json(std::string_view json, std::string_view event, std::string_view file_slug,
                     std::vector<Warning>* warnings) {
    thread_local dom::parser parser;
    json = strip_bom(json);
    const simdjson::padded_string padded(json);
    simdjson::padded_string repaired;
    const dom::element root =
        parse_document(parser, padded.data(), padded.size(), repaired, warnings);
    std::optional<std::int64_t> raw;
    Talk talk = parse_talk_element(root, event, file_slug, warnings, raw);
    talk.duration_s = repair_duration(raw, warnings);
    return talk;
}

Catalogue load_catalogue(const std::vector<std::filesystem::path>& roots) {
    std::vector<EventDir> events;
    for (const fs::path& root : roots) find_events(root, events);
    // By event name, then by the order the roots were given.
    std::stable_sort(events.begin(), events.end(),
                     [](const EventDir& a, const EventDir& b) { return a.name < b.name; });
    Catalogue out;
    Loader loader(out);
    for (const EventDir& event : events) loader.load_event(event);
    return out;
}

std::string normalize_language(std::string_view code) {
    std::string text = sanitize_utf8(trim(code));
    if (text.empty()) return {};
    std::replace(text.begin(), text.end(), '_', '-');
    const bool looks_like_tag = std::all_of(
        text.begin(), text.end(), [](char c) { return is_alpha(c) || is_digit(c) || c == '-'; });
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

}  // namespace talksearch

// pyvideo.org's catalogue layout: parsing one talk or event file. See
// indexer/sources/pyvideo.h; pyvideo_catalogue.cpp walks the folders.
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
// (see event_duration_unit, pyvideo_duration.h). Every unit repair is
// reported as a warning.

#include "indexer/sources/pyvideo_parser.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <utility>

#include "core/language.h"
#include "core/text.h"
#include "indexer/sources/pyvideo_duration.h"

namespace talksearch {
namespace {

namespace dom = simdjson::dom;

[[noreturn]] void fail(const std::string& message) { throw ParseError(0, message); }

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
        add_warning(warnings, std::string(field) + ": expected a string, found " +
                                  type_name(e.type()) + "; ignored");
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
        add_warning(warnings, std::string("related_urls: expected an array, found ") +
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
                add_warning(warnings, where + ".url: expected a string; item dropped");
                continue;
            }
            link.url = clean_plain(string_of(url));
            if (obj["label"].get(label) == simdjson::SUCCESS && !is_null(label)) {
                if (label.type() == dom::element_type::STRING) {
                    link.label = clean_line(string_of(label));
                } else {
                    add_warning(warnings, where + ".label: expected a string; label ignored");
                }
            }
        } else {
            add_warning(warnings, where + ": expected a string or an object; item dropped");
            continue;
        }
        if (link.url.empty()) {
            add_warning(warnings, where + ": empty url; item dropped");
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
        add_warning(warnings, std::string("videos: expected an array, found ") +
                                  type_name(e.type()) + "; ignored");
        return out;
    }
    std::size_t index = 0;
    const dom::array items = e.get_array().value_unsafe();
    for (dom::element item : items) {
        const std::string where = "videos[" + std::to_string(index++) + "]";
        if (item.type() != dom::element_type::OBJECT) {
            add_warning(warnings, where + ": expected an object; item dropped");
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
            add_warning(warnings, where + ".url: missing, empty or not a string; item dropped");
            continue;
        }
        if (obj["type"].get(value) == simdjson::SUCCESS && !is_null(value)) {
            if (value.type() == dom::element_type::STRING) {
                video.type = clean_plain(string_of(value));
            } else {
                add_warning(warnings, where + ".type: expected a string; ignored");
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
                add_warning(warnings,
                            where + "." + key + ": expected a non-negative integer; ignored");
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
    add_warning(warnings, std::string("duration: expected a number of seconds, found ") +
                              type_name(e.type()) + "; ignored");
    return std::nullopt;
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
        add_warning(warnings,
                    "slug: '" + slug + "' is not usable in a talk id; the file name is used");
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
                add_warning(warnings,
                            "recorded: '" + sanitize_utf8(text) +
                                "' is not a valid YYYY-MM-DD[Thh:mm:ss[+hh:mm]]; ignored");
            }
        }
    }
    if (f.language) {
        if (const auto s = lenient_string(*f.language, "language", warnings)) {
            talk.language = normalize_language(*s);
            if (talk.language.empty() && !trim(*s).empty()) {
                const std::string code = sanitize_utf8(trim(*s));
                if (!names_no_language(code)) {
                    add_warning(warnings, "language: unknown code '" + code + "'; ignored");
                }
            }
        }
    }
    if (f.id && !is_null(*f.id)) {
        const std::optional<std::int64_t> n = integer_of(*f.id);
        if (n) {
            talk.pyvideo_id = n;
        } else {
            add_warning(warnings, "id: expected an integer; ignored");
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

}  // namespace

// Invalid UTF-8 is replaced (with a warning) rather than rejected, since the
// rest of the file is usually fine.
dom::element PyvideoParser::parse_document(std::string_view json, std::vector<Warning>* warnings) {
    json = strip_bom(json);
    if (json.empty()) fail("json: the file is empty");
    // Copied into a reused buffer with simdjson's padding, so a catalogue of
    // thousands of files costs no allocation per file.
    if (text_.size() < json.size()) text_ = simdjson::padded_string(json.size() * 2);
    std::memcpy(text_.data(), json.data(), json.size());
    dom::element root;
    simdjson::error_code error = parser_.parse(text_.data(), json.size(), false).get(root);
    if (error == simdjson::UTF8_ERROR) {
        repaired_ = simdjson::padded_string(sanitize_utf8(json));
        error = parser_.parse(repaired_).get(root);
        if (!error) add_warning(warnings, "json: invalid UTF-8 replaced with U+FFFD");
    }
    if (error == simdjson::EMPTY) fail("json: the file is empty");
    if (error) fail(std::string("json: ") + simdjson::error_message(error));
    return root;
}

ParsedTalk PyvideoParser::parse_talk(std::string_view json, std::string_view event,
                                     std::string_view file_slug, std::vector<Warning>* warnings) {
    const dom::element root = parse_document(json, warnings);
    ParsedTalk parsed;
    parsed.talk = parse_talk_element(root, event, file_slug, warnings, parsed.raw_duration);
    return parsed;
}

EventInfo PyvideoParser::parse_category(std::string_view json) {
    return parse_category_element(parse_document(json, nullptr));
}

EventInfo parse_category_json(std::string_view json) {
    thread_local PyvideoParser parser;
    return parser.parse_category(json);
}

Talk parse_talk_json(std::string_view json, std::string_view event, std::string_view file_slug,
                     std::vector<Warning>* warnings) {
    thread_local PyvideoParser parser;
    ParsedTalk parsed = parser.parse_talk(json, event, file_slug, warnings);
    parsed.talk.duration_s = repair_duration(parsed.raw_duration, warnings);
    return std::move(parsed.talk);
}

}  // namespace talksearch

#include "core/schema.h"

#include <algorithm>

#include "core/error.h"
#include "core/hash.h"
#include "core/json_writer.h"
#include "core/text.h"

namespace talksearch::schema {

namespace {

void put_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

void put_svarint(std::string& out, std::int64_t v) {
    put_varint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void put_string(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s);
}

class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= bytes_.size()) throw Error("time map: truncated value");
            const auto b = static_cast<unsigned char>(bytes_[pos_++]);
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw Error("time map: varint too long");
    }
    std::int64_t svarint() {
        const std::uint64_t u = varint();
        return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
    }
    std::uint32_t u32() {
        const std::uint64_t v = varint();
        if (v > 0xFFFFFFFFu) throw Error("time map: value out of range");
        return static_cast<std::uint32_t>(v);
    }
    std::string string() {
        const std::uint64_t n = varint();
        if (n > bytes_.size() - pos_) throw Error("time map: truncated string");
        std::string s(bytes_.substr(pos_, n));
        pos_ += n;
        return s;
    }
    bool at_end() const { return pos_ == bytes_.size(); }

  private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// Version 1 had no word times and no untimed tracks; version 2 adds them in
// bits that cost nothing for cues and tracks without them (docs/DESIGN.md).
constexpr unsigned char kTimeMapVersion = 2;
constexpr unsigned char kTimeMapVersion1 = 1;

// The track's kind byte: bit 0 machine, bit 1 untimed (version 2).
constexpr std::uint64_t kTrackMachine = 1;
constexpr std::uint64_t kTrackUntimed = 2;

// The word times that can be encoded: offsets increasing within the text.
std::size_t encodable_words(const TimedCue& cue) {
    std::size_t n = 0;
    std::uint32_t next = 0;
    for (const TimedWord& w : cue.words) {
        if (w.offset < next || w.offset >= cue.text_length) continue;
        next = w.offset + 1;
        ++n;
    }
    return n;
}

}  // namespace

std::string make_term(std::string_view prefix, std::string_view value) {
    std::string term;
    term.reserve(prefix.size() + value.size());
    term.append(prefix);
    term.append(value);
    if (term.size() <= kMaxTermBytes) return term;
    static constexpr char kHex[] = "0123456789abcdef";
    const std::uint64_t h = fnv1a64(value);
    std::string suffix = "#";
    for (int i = 60; i >= 0; i -= 4) suffix += kHex[(h >> i) & 0xF];
    std::size_t keep = kMaxTermBytes - suffix.size();
    // Cut at a UTF-8 boundary so the term stays valid UTF-8.
    while (keep > prefix.size() && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) --keep;
    term.resize(keep);
    term += suffix;
    return term;
}

std::string encode_time_map(const TimeMap& map) {
    std::string out;
    out += static_cast<char>(kTimeMapVersion);
    put_varint(out, map.tracks.size());
    for (const TimedTrack& track : map.tracks) {
        put_string(out, track.language);
        out += static_cast<char>((track.kind == CaptionKind::kHuman ? 0 : kTrackMachine) |
                                 (track.timed ? 0 : kTrackUntimed));
        put_varint(out, track.speakers.size());
        for (const std::string& s : track.speakers) put_string(out, s);
        put_varint(out, track.cues.size());
        std::int64_t prev_start = 0;
        std::uint32_t next_position = track.cues.empty() ? 0 : track.cues.front().first_position;
        put_varint(out, next_position);
        for (const TimedCue& cue : track.cues) {
            put_svarint(out, cue.start_ms - prev_start);
            put_svarint(out, cue.end_ms - cue.start_ms);
            // Positions and text offsets are nearly always contiguous; store the gap.
            put_varint(out, cue.first_position - next_position);
            put_varint(out, cue.word_count);
            put_varint(out, cue.text_length);
            // The speaker's low bit says whether word times follow: a cue
            // without them costs nothing more than in version 1.
            const std::size_t words = encodable_words(cue);
            put_varint(out, (static_cast<std::uint64_t>(cue.speaker) << 1) | (words > 0 ? 1 : 0));
            if (words > 0) {
                put_varint(out, words);
                std::uint32_t prev_offset = 0;
                std::uint32_t next = 0;
                std::int64_t prev_time = cue.start_ms;
                for (const TimedWord& w : cue.words) {
                    if (w.offset < next || w.offset >= cue.text_length) continue;
                    put_varint(out, w.offset - prev_offset);
                    put_svarint(out, w.start_ms - prev_time);
                    prev_offset = w.offset;
                    prev_time = w.start_ms;
                    next = w.offset + 1;
                }
            }
            prev_start = cue.start_ms;
            next_position = cue.first_position + cue.word_count;
        }
    }
    return out;
}

TimeMap decode_time_map(std::string_view bytes) {
    TimeMap map;
    if (bytes.empty()) return map;
    const auto version = static_cast<unsigned char>(bytes[0]);
    if (version != kTimeMapVersion && version != kTimeMapVersion1) {
        throw Error("time map: unknown version " + std::to_string(static_cast<int>(bytes[0])));
    }
    const bool v2 = version == kTimeMapVersion;
    Reader r(bytes.substr(1));
    const std::uint64_t ntracks = r.varint();
    if (ntracks > 1000) throw Error("time map: too many tracks");
    std::uint32_t text_offset = 0;
    for (std::uint64_t t = 0; t < ntracks; ++t) {
        TimedTrack track;
        track.language = r.string();
        const std::uint64_t kind = r.varint();
        track.kind = (kind & kTrackMachine) == 0 ? CaptionKind::kHuman : CaptionKind::kMachine;
        track.timed = !v2 || (kind & kTrackUntimed) == 0;
        const std::uint64_t nspeakers = r.varint();
        if (nspeakers > bytes.size()) throw Error("time map: bad speaker count");
        for (std::uint64_t i = 0; i < nspeakers; ++i) track.speakers.push_back(r.string());
        const std::uint64_t ncues = r.varint();
        if (ncues > bytes.size()) throw Error("time map: bad cue count");
        track.cues.reserve(ncues);
        std::uint32_t next_position = r.u32();
        std::int64_t prev_start = 0;
        for (std::uint64_t i = 0; i < ncues; ++i) {
            TimedCue cue;
            cue.start_ms = prev_start + r.svarint();
            cue.end_ms = cue.start_ms + r.svarint();
            cue.first_position = next_position + r.u32();
            cue.word_count = r.u32();
            cue.text_length = r.u32();
            const std::uint64_t speaker = r.varint();
            if (v2) {
                if ((speaker >> 1) > 0xFFFFFFFFu) throw Error("time map: value out of range");
                cue.speaker = static_cast<std::uint32_t>(speaker >> 1);
                if ((speaker & 1) != 0) {
                    const std::uint64_t nwords = r.varint();
                    if (nwords == 0 || nwords > cue.text_length) {
                        throw Error("time map: bad word count");
                    }
                    cue.words.reserve(nwords);
                    std::uint64_t offset = 0;
                    std::int64_t time = cue.start_ms;
                    for (std::uint64_t k = 0; k < nwords; ++k) {
                        const std::uint64_t delta = r.varint();
                        if (k > 0 && delta == 0) throw Error("time map: word offsets out of order");
                        if (delta >= cue.text_length) throw Error("time map: word out of its cue");
                        offset += delta;
                        if (offset >= cue.text_length) throw Error("time map: word out of its cue");
                        time += r.svarint();
                        cue.words.push_back({static_cast<std::uint32_t>(offset), time});
                    }
                }
            } else {
                if (speaker > 0xFFFFFFFFu) throw Error("time map: value out of range");
                cue.speaker = static_cast<std::uint32_t>(speaker);
            }
            cue.text_offset = text_offset;
            text_offset += cue.text_length;
            prev_start = cue.start_ms;
            next_position = cue.first_position + cue.word_count;
            track.cues.push_back(std::move(cue));
        }
        map.tracks.push_back(std::move(track));
    }
    if (!r.at_end()) throw Error("time map: trailing bytes");
    return map;
}

std::optional<CueRef> find_cue(const TimeMap& map, std::uint32_t position) {
    if (position >= kMetadataPositionBase) return std::nullopt;
    for (std::size_t t = 0; t < map.tracks.size(); ++t) {
        const auto& cues = map.tracks[t].cues;
        if (cues.empty()) continue;
        // The last cue whose first position is <= position.
        auto it = std::upper_bound(
            cues.begin(), cues.end(), position,
            [](std::uint32_t p, const TimedCue& c) { return p < c.first_position; });
        if (it == cues.begin()) continue;
        --it;
        if (position < it->first_position + it->word_count) {
            return CueRef{t, static_cast<std::size_t>(it - cues.begin())};
        }
    }
    return std::nullopt;
}

namespace {

// The talk as JSON: everything (document data), or only what a result shows
// (the display value), under the same keys so one decoder reads both.
std::string encode_talk(const Talk& talk, bool full) {
    JsonWriter w;
    w.begin_object();
    w.key("id").value(talk_id(talk));
    w.key("origin").value(origin_name(talk.origin));
    w.key("event").value(talk.event);
    w.key("event_title").value(talk.event_title);
    w.key("slug").value(talk.slug);
    w.key("title").value(talk.title);
    w.key("speakers").strings(talk.speakers);
    w.key("tags").strings(talk.tags);
    w.key("summary").value(talk.summary);
    if (full) w.key("description").value(talk.description);
    w.key("language").value(talk.language);
    w.key("recorded").value(talk.recorded);
    w.key("duration_s").value(talk.duration_s);
    w.key("videos").begin_array();
    for (const VideoSource& v : talk.videos) {
        if (!full && v.url.empty()) continue;
        w.begin_object().key("type").value(v.type).key("url").value(v.url).end_object();
        if (!full) break;  // a result links to the first video with a URL
    }
    w.end_array();
    if (full) {
        w.key("related_urls").begin_array();
        for (const RelatedUrl& r : talk.related_urls) {
            w.begin_object().key("label").value(r.label).key("url").value(r.url).end_object();
        }
        w.end_array();
    }
    w.key("thumbnail_url").value(talk.thumbnail_url);
    w.key("chapters").begin_array();
    for (const Chapter& c : talk.chapters) {
        w.begin_object();
        w.key("start_ms").value(static_cast<std::int64_t>(c.start_ms));
        w.key("end_ms").value(static_cast<std::int64_t>(c.end_ms));
        w.key("title").value(c.title);
        w.end_object();
    }
    w.end_array();
    if (!full) {
        // The kind of the first indexed track: all a result says of captions.
        w.key("tracks").begin_array();
        for (const Track& t : talk.tracks) {
            if (!t.indexed) continue;
            w.begin_object().key("kind").value(caption_kind_name(t.kind)).end_object();
            break;
        }
        w.end_array();
        w.end_object();
        return w.take();
    }
    w.key("copyright_text").value(talk.copyright_text);
    w.key("pyvideo_id").value(talk.pyvideo_id);
    w.key("source_path").value(talk.source_path);
    w.key("tracks").begin_array();
    for (const Track& t : talk.tracks) {
        w.begin_object();
        w.key("language").value(t.language);
        w.key("kind").value(caption_kind_name(t.kind));
        w.key("format").value(caption_format_name(t.format));
        w.key("path").value(t.path);
        w.key("cues").value(static_cast<std::uint64_t>(t.captions.cues.size()));
        w.key("indexed").value(t.indexed);
        w.key("suspect").begin_array();
        for (const SuspectStretch& st : t.captions.suspect) {
            w.begin_object();
            w.key("start_ms").value(static_cast<std::int64_t>(st.start_ms));
            w.key("end_ms").value(static_cast<std::int64_t>(st.end_ms));
            w.key("repeats").value(st.repeats);
            w.key("period").value(st.period);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

}  // namespace

std::string encode_document_data(const Talk& talk) { return encode_talk(talk, true); }

std::string encode_display_data(const Talk& talk) { return encode_talk(talk, false); }

}  // namespace talksearch::schema

namespace talksearch::schema {

std::string encode_facet_key(const FacetKey& key) {
    std::string out = key.dedup;
    for (const std::string* field : {&key.event, &key.year, &key.language}) {
        out += '\x1e';
        out += *field;
    }
    out += '\x1e';
    for (std::size_t i = 0; i < key.speakers.size(); ++i) {
        if (i > 0) out += '\x1f';
        out += key.speakers[i];
    }
    out += '\x1e';
    out += key.event_title;
    return out;
}

FacetKey decode_facet_key(std::string_view value) {
    std::vector<std::string_view> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = value.find('\x1e', start);
        fields.push_back(value.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    if ((fields.size() != 5 && fields.size() != 6) || fields[0].empty())
        throw Error("facet value: expected 6 fields, got " + std::to_string(fields.size()));
    FacetKey key;
    key.dedup = std::string(fields[0]);
    key.event = std::string(fields[1]);
    key.year = std::string(fields[2]);
    key.language = std::string(fields[3]);
    if (fields.size() == 6) key.event_title = std::string(fields[5]);
    const std::string_view speakers = fields[4];
    std::size_t at = 0;
    while (at < speakers.size()) {
        std::size_t end = speakers.find('\x1f', at);
        if (end == std::string_view::npos) end = speakers.size();
        if (end > at) key.speakers.emplace_back(speakers.substr(at, end - at));
        at = end + 1;
    }
    return key;
}

}  // namespace talksearch::schema

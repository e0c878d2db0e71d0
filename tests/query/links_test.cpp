// Tests for jump links: make_jump_link, start_offset_ms and format_clock.
// The URLs are shapes found in ../shared/corpus/pyvideo-data unless a test
// says otherwise.

#include "query/links.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/shared.h"

namespace fs = std::filesystem;
using talksearch::format_clock;
using talksearch::JumpLink;
using talksearch::make_jump_link;
using talksearch::start_offset_ms;

namespace {

constexpr std::int64_t kAt = 754'900;  // 12:34.9: links open at 754 s
constexpr std::int64_t kEnd = 760'400;

/// Every character of `out` is in `in` or in the characters links add.
bool adds_only_known_characters(const std::string& in, const std::string& out) {
    static const std::string kAdded =
        "https://www.youtube.com/watch?v=&t=s youtu.be/ embed?start=&end= youtube-nocookie "
        "vimeo.com#t= stop list index 0123456789 hms ,:";
    for (char c : out) {
        if (in.find(c) == std::string::npos && kAdded.find(c) == std::string::npos) return false;
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// format_clock

TEST_CASE("format_clock shows minutes and seconds under an hour, like YouTube", "[links]") {
    CHECK(format_clock(5'000) == "0:05");
    CHECK(format_clock(754'000) == "12:34");
    CHECK(format_clock(754'999) == "12:34");
    CHECK(format_clock(0) == "0:00");
    CHECK(format_clock(3'599'999) == "59:59");
}

TEST_CASE("format_clock shows hours with two-digit minutes from an hour on", "[links]") {
    CHECK(format_clock(3'600'000) == "1:00:00");
    CHECK(format_clock(3'723'000) == "1:02:03");
    CHECK(format_clock(36'000'000) == "10:00:00");
}

TEST_CASE("format_clock treats negative times as zero and survives the largest", "[links]") {
    CHECK(format_clock(-1) == "0:00");
    CHECK(format_clock(std::numeric_limits<std::int64_t>::min()) == "0:00");
    CHECK(format_clock(std::numeric_limits<std::int64_t>::max()) == "2562047788015:12:55");
}

// ---------------------------------------------------------------------------
// YouTube

TEST_CASE("make_jump_link opens a YouTube watch URL at the second", "[links]") {
    const JumpLink link = make_jump_link("https://www.youtube.com/watch?v=A-u8XHAUac4", kAt);
    CHECK(link.url == "https://www.youtube.com/watch?v=A-u8XHAUac4&t=754s");
    CHECK(link.host == "youtube");
    CHECK(link.clip_url.empty());
    CHECK(link.time_text.empty());
}

TEST_CASE("make_jump_link floors milliseconds and never goes below zero", "[links]") {
    const std::string url = "https://www.youtube.com/watch?v=A-u8XHAUac4";
    CHECK(make_jump_link(url, 999).url == url + "&t=0s");
    CHECK(make_jump_link(url, 1'000).url == url + "&t=1s");
    CHECK(make_jump_link(url, -5'000).url == url + "&t=0s");
    CHECK(make_jump_link(url, std::numeric_limits<std::int64_t>::min()).url == url + "&t=0s");
}

TEST_CASE("make_jump_link keeps a zero second as t=0s", "[links]") {
    CHECK(make_jump_link("https://www.youtube.com/watch?v=A-u8XHAUac4", 0).url ==
          "https://www.youtube.com/watch?v=A-u8XHAUac4&t=0s");
}

TEST_CASE("make_jump_link keeps a YouTube playlist but drops tracking and time parameters",
          "[links]") {
    CHECK(make_jump_link("https://www.youtube.com/watch?v=01z4hEaR4SE&ab_channel=DjangoConEurope",
                         kAt)
              .url == "https://www.youtube.com/watch?v=01z4hEaR4SE&t=754s");
    CHECK(make_jump_link("https://www.youtube.com/watch?feature=youtu.be&v=01z4hEaR4SE&si=x", kAt)
              .url == "https://www.youtube.com/watch?v=01z4hEaR4SE&t=754s");
    CHECK(
        make_jump_link("https://www.youtube.com/watch?v=01z4hEaR4SE&list=PLt4L3V8wVnF&index=3", kAt)
            .url == "https://www.youtube.com/watch?v=01z4hEaR4SE&list=PLt4L3V8wVnF&index=3&t=754s");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=01z4hEaR4SE&time_continue=5", kAt).url ==
          "https://www.youtube.com/watch?v=01z4hEaR4SE&t=754s");
    // A playlist value that is not an id is dropped rather than copied.
    CHECK(make_jump_link("https://www.youtube.com/watch?v=01z4hEaR4SE&list=<b>", kAt).url ==
          "https://www.youtube.com/watch?v=01z4hEaR4SE&t=754s");
}

TEST_CASE("make_jump_link turns YouTube embed, shorts, live and /v/ URLs into watch URLs",
          "[links]") {
    const std::string watch = "https://www.youtube.com/watch?v=A-u8XHAUac4&t=754s";
    CHECK(make_jump_link("https://www.youtube.com/embed/A-u8XHAUac4", kAt).url == watch);
    CHECK(make_jump_link("https://www.youtube.com/embed/A-u8XHAUac4?start=0&rel=0", kAt).url ==
          watch);
    CHECK(make_jump_link("https://www.youtube-nocookie.com/embed/A-u8XHAUac4", kAt).url == watch);
    CHECK(make_jump_link("https://www.youtube.com/shorts/A-u8XHAUac4", kAt).url == watch);
    CHECK(make_jump_link("https://www.youtube.com/live/A-u8XHAUac4?feature=share", kAt).url ==
          watch);
    CHECK(make_jump_link("http://www.youtube.com/v/A-u8XHAUac4", kAt).url == watch);
}

TEST_CASE("make_jump_link opens a youtu.be link with ?t= in plain seconds", "[links]") {
    CHECK(make_jump_link("https://youtu.be/9T91U4RjLnk", kAt).url ==
          "https://youtu.be/9T91U4RjLnk?t=754");
    CHECK(make_jump_link("http://youtu.be/dHP7qo2xyX0", kAt).url ==
          "https://youtu.be/dHP7qo2xyX0?t=754");
    CHECK(make_jump_link("https://youtu.be/PCIE6y_G2DQ?feature=shared", kAt).url ==
          "https://youtu.be/PCIE6y_G2DQ?t=754");
    CHECK(make_jump_link("https://youtu.be/PCIE6y_G2DQ", kAt).host == "youtube");
}

TEST_CASE("make_jump_link reads YouTube URLs in any spelling of the host and scheme", "[links]") {
    const std::string watch = "https://www.youtube.com/watch?v=A-u8XHAUac4&t=754s";
    for (const char* url : {
             "https://youtube.com/watch?v=A-u8XHAUac4",
             "http://www.youtube.com/watch?v=A-u8XHAUac4",
             "https://m.youtube.com/watch?v=A-u8XHAUac4",
             "HTTPS://WWW.YOUTUBE.COM/watch?v=A-u8XHAUac4",
             "www.youtube.com/watch?v=A-u8XHAUac4",
             "youtube.com/watch?v=A-u8XHAUac4",
             "//www.youtube.com/watch?v=A-u8XHAUac4",
             "https://www.youtube.com/watch/?v=A-u8XHAUac4",
             "https://www.youtube.com:443/watch?v=A-u8XHAUac4",
             "https://www.youtube.com./watch?v=A-u8XHAUac4",
             "  https://www.youtube.com/watch?v=A-u8XHAUac4\n",
             "https://www.youtube.com/watch?v=A-u8XHAUac4#comments",
             "https://www.youtube.com/watch?v=A-u8XHAUac4&amp;feature=related",
         }) {
        INFO(url);
        CHECK(make_jump_link(url, kAt).url == watch);
    }
    CHECK(make_jump_link("youtu.be/9T91U4RjLnk", kAt).url == "https://youtu.be/9T91U4RjLnk?t=754");
}

TEST_CASE("make_jump_link gives a YouTube clip as an embed with start and end", "[links]") {
    const JumpLink link = make_jump_link("https://www.youtube.com/watch?v=A-u8XHAUac4", kAt, kEnd);
    CHECK(link.url == "https://www.youtube.com/watch?v=A-u8XHAUac4&t=754s");
    CHECK(link.clip_url == "https://www.youtube.com/embed/A-u8XHAUac4?start=754&end=760");
    CHECK(make_jump_link("https://youtu.be/9T91U4RjLnk", kAt, kEnd).clip_url ==
          "https://www.youtube.com/embed/9T91U4RjLnk?start=754&end=760");
    // The privacy-enhanced host stays so for the clip.
    CHECK(
        make_jump_link("https://www.youtube-nocookie.com/embed/A-u8XHAUac4", kAt, kEnd).clip_url ==
        "https://www.youtube-nocookie.com/embed/A-u8XHAUac4?start=754&end=760");
}

TEST_CASE("make_jump_link ends a clip at least a second after its start", "[links]") {
    const std::string url = "https://www.youtube.com/watch?v=A-u8XHAUac4";
    CHECK(make_jump_link(url, kAt, kAt).clip_url ==
          "https://www.youtube.com/embed/A-u8XHAUac4?start=754&end=755");
    CHECK(make_jump_link(url, kAt, 1'000).clip_url ==
          "https://www.youtube.com/embed/A-u8XHAUac4?start=754&end=755");
    CHECK(make_jump_link(url, kAt, -1).clip_url ==
          "https://www.youtube.com/embed/A-u8XHAUac4?start=754&end=755");
}

TEST_CASE("make_jump_link treats YouTube pages that are not one video as other hosts", "[links]") {
    for (const char* url : {
             "https://www.youtube.com/channel/UCrJhliKNQ8g0qoE_zvL8eVg",
             "https://www.youtube.com/playlist?list=PLt4L3V8wVnF",
             "https://www.youtube.com/watch?v=short",
             "https://www.youtube.com/watch?v=A-u8XHAUac4)",
             "https://www.youtube.com/watch",
             "https://youtu.be/",
             "https://notyoutube.com/watch?v=A-u8XHAUac4",
         }) {
        INFO(url);
        const JumpLink link = make_jump_link(url, kAt);
        CHECK(link.host == "other");
        CHECK(link.url == url);
        CHECK(link.time_text == "at 12:34");
    }
}

// ---------------------------------------------------------------------------
// Vimeo

TEST_CASE("make_jump_link opens a Vimeo video with the #t= fragment in seconds", "[links]") {
    const JumpLink link = make_jump_link("https://vimeo.com/170384415", kAt, kEnd);
    CHECK(link.url == "https://vimeo.com/170384415#t=754s");
    CHECK(link.host == "vimeo");
    CHECK(link.clip_url.empty());  // Vimeo links have no end
    CHECK(make_jump_link("https://vimeo.com/170384415", 0).url ==
          "https://vimeo.com/170384415#t=0s");
}

TEST_CASE("make_jump_link turns Vimeo player, channel and unlisted URLs into vimeo.com links",
          "[links]") {
    CHECK(make_jump_link("https://player.vimeo.com/video/170384415", kAt).url ==
          "https://vimeo.com/170384415#t=754s");
    CHECK(
        make_jump_link("https://player.vimeo.com/video/170384415?h=1a2b3c4d5e&badge=0", kAt).url ==
        "https://vimeo.com/170384415/1a2b3c4d5e#t=754s");
    CHECK(make_jump_link("https://vimeo.com/170384415/1a2b3c4d5e", kAt).url ==
          "https://vimeo.com/170384415/1a2b3c4d5e#t=754s");
    CHECK(make_jump_link("http://www.vimeo.com/170384415/", kAt).url ==
          "https://vimeo.com/170384415#t=754s");
    CHECK(make_jump_link("https://vimeo.com/channels/staffpicks/170384415", kAt).url ==
          "https://vimeo.com/170384415#t=754s");
    CHECK(make_jump_link("https://vimeo.com/170384415#t=0", kAt).url ==
          "https://vimeo.com/170384415#t=754s");
}

TEST_CASE("make_jump_link treats Vimeo pages that are not one video as other hosts", "[links]") {
    for (const char* url : {"https://vimeo.com/pyconau", "https://vimeo.com/",
                            "https://vimeo.com/170384415/not-a-hash"}) {
        INFO(url);
        CHECK(make_jump_link(url, kAt).host == "other");
    }
}

// ---------------------------------------------------------------------------
// archive.org

TEST_CASE("make_jump_link opens an archive.org item with ?start=", "[links]") {
    const std::string url =
        "https://archive.org/details/"
        "pyvideo_481___pyconau-2010-hard-real-time-python-or-giant-robots-of-doom";
    const JumpLink link = make_jump_link(url, kAt, kEnd);
    CHECK(link.url == url + "?start=754");
    CHECK(link.clip_url == url + "?start=754&end=760");
    CHECK(link.host == "archive.org");
    CHECK(make_jump_link(url, 0).url == url + "?start=0");
}

TEST_CASE("make_jump_link opens an archive.org file page with ?start=", "[links]") {
    const std::string url =
        "https://archive.org/details/Apr_24-Intro_to_PropertyBased_Testing_with_Hypothesis/"
        "Intro_to_PropertyBased_Testing_with_Hypothesis.mp4";
    CHECK(make_jump_link(url, kAt).url == url + "?start=754");
    CHECK(make_jump_link(url, kAt).host == "archive.org");
}

TEST_CASE("make_jump_link adds archive.org's start with & after a query and replaces its own",
          "[links]") {
    CHECK(make_jump_link("https://archive.org/details/pyconza2013?autoplay=1", kAt, kEnd).url ==
          "https://archive.org/details/pyconza2013?autoplay=1&start=754");
    CHECK(
        make_jump_link("https://archive.org/details/pyconza2013?autoplay=1", kAt, kEnd).clip_url ==
        "https://archive.org/details/pyconza2013?autoplay=1&start=754&end=760");
    CHECK(make_jump_link("https://archive.org/details/pyconza2013?start=0&end=3000", kAt).url ==
          "https://archive.org/details/pyconza2013?start=754");
    CHECK(make_jump_link("https://www.archive.org/details/pyconza2013/", kAt).url ==
          "https://www.archive.org/details/pyconza2013/?start=754");
    CHECK(make_jump_link("http://ARCHIVE.ORG/details/pyconza2013", kAt).url ==
          "http://ARCHIVE.ORG/details/pyconza2013?start=754");
}

TEST_CASE("make_jump_link treats archive.org pages that are not an item as other hosts",
          "[links]") {
    for (const char* url : {"https://archive.org/", "https://archive.org/details",
                            "https://archive.org/search?query=pycon",
                            "https://archive.org/download/pyconza2013-pinch-of-salt"}) {
        INFO(url);
        CHECK(make_jump_link(url, kAt).host == "other");
    }
}

// ---------------------------------------------------------------------------
// Raw media files

TEST_CASE("make_jump_link opens a media file with the #t= media fragment", "[links]") {
    const std::string url = "http://mirror.linux.org.au/pub/pycon-au/pyconau2014/51-out.ogv";
    const JumpLink link = make_jump_link(url, kAt, kEnd);
    CHECK(link.url == url + "#t=754");
    CHECK(link.clip_url == url + "#t=754,760");
    CHECK(link.host == "media");
    CHECK(make_jump_link(url, 0).url == url + "#t=0");
}

TEST_CASE("make_jump_link knows media files by extension in any case", "[links]") {
    for (const char* url : {
             "https://dl.afpy.org/pycon-fr-16/Topic%20Modelling%20with%20Python%20and%20Gensim.mp4",
             "https://dl.afpy.org/pycon-fr-16/Des%20nouvelles%20du%20Front%20%21.mkv",
             "https://video.fosdem.org/2018/UD2.218A/python_extending.webm",
             "http://blip.tv/file/get/CarlFK-RESTfulWebAppsWithDjangoPiston287.ogg",
             "https://example.org/talks/Keynote.MP4",
             "https://example.org/talks/keynote.mp3",
             "https://example.org/talks/keynote.m4v",
             "https://example.org/talks/keynote.flv",
         }) {
        INFO(url);
        const JumpLink link = make_jump_link(url, kAt);
        CHECK(link.host == "media");
        CHECK(link.url == std::string(url) + "#t=754");
    }
    CHECK(make_jump_link("https://example.org/talks/keynote.html", kAt).host == "other");
    CHECK(make_jump_link("https://example.org/talks/.mp4", kAt).host == "other");
}

TEST_CASE("make_jump_link leaves a media file's query alone (signed S3 URLs)", "[links]") {
    const std::string url =
        "http://s3.us.archive.org/nextdayvideo/psf/pycon2013/Keynote-0.mp4"
        "?Signature=1BehI01RPWL4HryrzApj8Q1EOd0%3D&Expires=1363829412&AWSAccessKeyId="
        "FEWGReWX3QbNk0h3";
    const JumpLink link = make_jump_link(url, kAt, kEnd);
    CHECK(link.url == url + "#t=754");
    CHECK(link.clip_url == url + "#t=754,760");
    CHECK(link.host == "media");
}

TEST_CASE("make_jump_link treats archive.org downloads as media files", "[links]") {
    const std::string url =
        "https://archive.org/download/pyconza2013-pinch-of-salt/pyconza2013-pinch-of-salt.ogv";
    CHECK(make_jump_link(url, kAt).url == url + "#t=754");
    CHECK(make_jump_link(url, kAt).host == "media");
    CHECK(
        make_jump_link("http://s3.us.archive.org/ndvchipy/Who_saved_The_Onion_from_being.mp4", kAt)
            .host == "media");
}

TEST_CASE("make_jump_link replaces a media file's fragment", "[links]") {
    CHECK(make_jump_link("https://example.org/talk.webm#t=10,20", kAt).url ==
          "https://example.org/talk.webm#t=764");
    CHECK(make_jump_link("https://example.org/talk.webm#player", kAt).url ==
          "https://example.org/talk.webm#t=754");
    CHECK(make_jump_link("https://example.org/talk.webm#", kAt).url ==
          "https://example.org/talk.webm#t=754");
}

// ---------------------------------------------------------------------------
// PeerTube

TEST_CASE("make_jump_link opens a PeerTube video with ?start= as PeerTube writes it", "[links]") {
    const std::string url =
        "https://bittube.video/videos/watch/6a4b7aa9-575e-4355-8c5b-6cbb2847626a";
    const JumpLink link = make_jump_link(url, kAt, kEnd);
    CHECK(link.url == url + "?start=12m34s");
    CHECK(link.clip_url == url + "?start=12m34s&stop=12m40s");
    CHECK(link.host == "peertube");
    CHECK(make_jump_link(url, 34'000).url == url + "?start=34s");
    CHECK(make_jump_link(url, 3'723'000).url == url + "?start=1h2m3s");
    CHECK(make_jump_link(url, 3'605'000).url == url + "?start=1h5s");
    CHECK(make_jump_link(url, 3'600'000).url == url + "?start=1h");
    CHECK(make_jump_link(url, 60'000).url == url + "?start=1m");
    CHECK(make_jump_link(url, 0).url == url + "?start=0s");
}

TEST_CASE("make_jump_link reads PeerTube short links, embeds and existing parameters on any host",
          "[links]") {
    CHECK(make_jump_link("https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv", kAt).url ==
          "https://peertube.example/w/kkGMgK9ZtnKfYAgnEtQxbv?start=12m34s");
    CHECK(make_jump_link(
              "https://indymotion.fr/videos/embed/6a4b7aa9-575e-4355-8c5b-6cbb2847626a?autoplay=1",
              kAt)
              .url ==
          "https://indymotion.fr/videos/embed/6a4b7aa9-575e-4355-8c5b-6cbb2847626a"
          "?autoplay=1&start=12m34s");
    CHECK(make_jump_link("https://indymotion.fr/w/kkGMgK9ZtnKfYAgnEtQxbv?start=0s&stop=5m", kAt)
              .url == "https://indymotion.fr/w/kkGMgK9ZtnKfYAgnEtQxbv?start=12m34s");
    // A playlist or a too-short id is not a video.
    CHECK(make_jump_link("https://peertube.example/w/p/kkGMgK9ZtnKfYAgnEtQxbv", kAt).host ==
          "other");
    CHECK(make_jump_link("https://en.wikipedia.org/w/index.php", kAt).host == "other");
}

// ---------------------------------------------------------------------------
// Other hosts

TEST_CASE("make_jump_link gives other hosts the URL unchanged and the time in words", "[links]") {
    for (const char* url : {
             "https://replay.teltek.es/video/594a215ba7bc28441b8b45c2",
             "http://blip.tv/file/3840816",
             "http://video.google.com/videoplay?docid=-906354546937878632",
             "http://twitter.com/#!/NextDayVideo/status/938712196309164032",
             "https://python.nz/schedule/presentation/180/",
         }) {
        INFO(url);
        const JumpLink link = make_jump_link(url, kAt, kEnd);
        CHECK(link.url == url);
        CHECK(link.clip_url.empty());
        CHECK(link.host == "other");
        CHECK(link.time_text == "at 12:34");
    }
    CHECK(make_jump_link("https://replay.teltek.es/video/594a215ba7bc28441b8b45c2", 0).time_text ==
          "at 0:00");
    CHECK(make_jump_link("https://replay.teltek.es/video/594a215ba7bc28441b8b45c2", 3'723'000)
              .time_text == "at 1:02:03");
}

TEST_CASE("make_jump_link gives an empty link for an empty or unusable URL", "[links]") {
    for (const char* url : {"", "   ", "javascript:alert(1)", "mailto:talks@example.org",
                            "ftp://example.org/talk.mp4", "https://example.org/a\tb.mp4",
                            "https://example.org/\x01.mp4"}) {
        INFO(url);
        const JumpLink link = make_jump_link(url, kAt, kEnd);
        CHECK(link.url.empty());
        CHECK(link.clip_url.empty());
        CHECK(link.host == "other");
        CHECK(link.time_text == "at 12:34");
    }
}

TEST_CASE("make_jump_link treats relative and scheme-less odd URLs as other hosts", "[links]") {
    for (const char* url : {"watch?v=A-u8XHAUac4", "talk.mp4", "/videos/talk.mp4", "http:/x.mp4",
                            "https://[::1]/talk", "localhost:8080/talk"}) {
        INFO(url);
        const JumpLink link = make_jump_link(url, kAt);
        CHECK(link.host == "other");
        CHECK(link.url == url);
    }
}

TEST_CASE("make_jump_link adds a scheme to scheme-less URLs it changes", "[links]") {
    CHECK(make_jump_link("dl.afpy.org/pycon-fr-16/talk.webm", kAt).url ==
          "https://dl.afpy.org/pycon-fr-16/talk.webm#t=754");
    CHECK(make_jump_link("//archive.org/details/pyconza2013", kAt).url ==
          "https://archive.org/details/pyconza2013?start=754");
}

// ---------------------------------------------------------------------------
// Segments of a longer recording

TEST_CASE("start_offset_ms reads the start offsets URLs carry", "[links]") {
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1h2m3s") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=3723") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=3723s") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=62m3s") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=2m") == 120'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1H2M3S") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&start=3723") == 3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/embed/x6b7U9GpfQk?start=3723&end=4000") ==
          3'723'000);
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk#t=1m30s") == 90'000);
    CHECK(start_offset_ms("https://youtu.be/Wjev_fLNeOU?t=1126") == 1'126'000);
    CHECK(start_offset_ms("https://vimeo.com/170384415#t=3723s") == 3'723'000);
    CHECK(start_offset_ms("https://archive.org/details/pyconza2013?start=3723") == 3'723'000);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=3723") == 3'723'000);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=1:02:03") == 3'723'000);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=62:03") == 3'723'000);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=npt:3723.5,4000") == 3'723'500);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=3723.25") == 3'723'250);
    CHECK(start_offset_ms("https://example.org/talk.mp4#t=10&xywh=160,120,320,240") == 10'000);
    CHECK(start_offset_ms("https://bittube.video/videos/watch/6a4b7aa9-575e-4355-8c5b-6cbb2847626a"
                          "?start=1h2m3s") == 3'723'000);
}

TEST_CASE("start_offset_ms is zero without an offset or with a malformed one", "[links]") {
    for (const char* url : {
             "https://www.youtube.com/watch?v=x6b7U9GpfQk",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=abc",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=-30",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1s2m",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=3s4",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1:2:3:4",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1:75",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=12:",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=1.s",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&T=30",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=99999999999999999999999",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=999999999999h",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=100000001",
             "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=99999999:59:59",
             "https://example.org/talk.mp4?start=3723",  // the server's business
             "http://twitter.com/#!/NextDayVideo/status/938712196309164032",
             "",
             "not a url",
         }) {
        INFO(url);
        CHECK(start_offset_ms(url) == 0);
    }
    // The largest accepted offset: 100,000,000 s.
    CHECK(start_offset_ms("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=100000000") ==
          100'000'000'000);
}

TEST_CASE("make_jump_link adds the start offset of a talk cut from a longer recording", "[links]") {
    // The catalogue's segments.
    CHECK(make_jump_link("https://www.youtube.com/watch?v=bghG7zz8G2I&t=7047", kAt, kEnd).url ==
          "https://www.youtube.com/watch?v=bghG7zz8G2I&t=7801s");
    CHECK(
        make_jump_link("https://www.youtube.com/watch?v=bghG7zz8G2I&t=7047", kAt, kEnd).clip_url ==
        "https://www.youtube.com/embed/bghG7zz8G2I?start=7801&end=7807");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=3h33m23s", kAt).url ==
          "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=13557s");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=ftP5BQh1-YM&t=1239", 0).url ==
          "https://www.youtube.com/watch?v=ftP5BQh1-YM&t=1239s");
    CHECK(make_jump_link("https://youtu.be/Wjev_fLNeOU?t=1126", kAt).url ==
          "https://youtu.be/Wjev_fLNeOU?t=1880");
    // Other hosts.
    CHECK(make_jump_link("https://vimeo.com/170384415#t=1m", kAt).url ==
          "https://vimeo.com/170384415#t=814s");
    CHECK(make_jump_link("https://archive.org/details/pyconza2013?start=100", kAt, kEnd).clip_url ==
          "https://archive.org/details/pyconza2013?start=854&end=860");
    CHECK(make_jump_link("https://example.org/talk.mp4#t=1:00:00,2:00:00", kAt, kEnd).clip_url ==
          "https://example.org/talk.mp4#t=4354,4360");
    CHECK(make_jump_link("https://example.org/talk.mp4#t=0.6", 400).url ==
          "https://example.org/talk.mp4#t=1");
    CHECK(make_jump_link("https://bittube.video/videos/watch/6a4b7aa9-575e-4355-8c5b-6cbb2847626a"
                         "?start=1h",
                         kAt, kEnd)
              .clip_url ==
          "https://bittube.video/videos/watch/6a4b7aa9-575e-4355-8c5b-6cbb2847626a"
          "?start=1h12m34s&stop=1h12m40s");
    CHECK(make_jump_link("https://replay.teltek.es/video/594a215ba7bc28441b8b45c2?t=60", kAt)
              .time_text == "at 13:34");
}

TEST_CASE("make_jump_link ignores malformed offsets and never overflows", "[links]") {
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    CHECK(make_jump_link("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=99999999999999999999", kAt)
              .url == "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=754s");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=banana", kAt).url ==
          "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=754s");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=x6b7U9GpfQk&t=100000000", max, max).url ==
          "https://www.youtube.com/watch?v=x6b7U9GpfQk&t=9223372036854775s");
    CHECK(make_jump_link("https://www.youtube.com/watch?v=x6b7U9GpfQk", max, max).clip_url ==
          "https://www.youtube.com/embed/x6b7U9GpfQk?start=9223372036854775&end=9223372036854776");
    CHECK(
        make_jump_link("https://replay.teltek.es/video/594a215ba7bc28441b8b45c2", max).time_text ==
        "at 2562047788015:12:55");
}

// ---------------------------------------------------------------------------
// Robustness

TEST_CASE("make_jump_link never throws and adds no characters of its own beyond its syntax",
          "[links]") {
    const std::vector<std::string> pieces = {"https://",
                                             "http://",
                                             "//",
                                             "HTTP://",
                                             "www.youtube.com",
                                             "youtu.be",
                                             "vimeo.com",
                                             "player.vimeo.com",
                                             "archive.org",
                                             "example.org",
                                             "/watch",
                                             "/embed/",
                                             "/details/",
                                             "/videos/watch/",
                                             "/w/",
                                             "/video/",
                                             "A-u8XHAUac4",
                                             "6a4b7aa9-575e-4355-8c5b-6cbb2847626a",
                                             "170384415",
                                             "talk.mp4",
                                             ".WEBM",
                                             "?",
                                             "&",
                                             "#",
                                             "=",
                                             "v=",
                                             "t=",
                                             "start=",
                                             "t=1h2m3s",
                                             "t=99999999999999999999",
                                             "#t=1:02:03",
                                             ",",
                                             ":",
                                             "%20",
                                             "%",
                                             "\xc3\xa9",
                                             "\"",
                                             "<",
                                             " ",
                                             "@",
                                             "[",
                                             "]",
                                             "..",
                                             "/",
                                             ";",
                                             "amp;",
                                             "list=PL1",
                                             "h=abcdef1234"};
    std::mt19937 rng(20240607);
    std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
    std::uniform_int_distribution<int> length(1, 8);
    std::uniform_int_distribution<std::int64_t> when(-10'000, 100'000'000);
    for (int i = 0; i < 20'000; ++i) {
        std::string url;
        for (int n = length(rng); n > 0; --n) url += pieces[pick(rng)];
        const std::int64_t at = when(rng);
        JumpLink link;
        REQUIRE_NOTHROW(link = make_jump_link(url, at, at + 5'000));
        REQUIRE_NOTHROW(start_offset_ms(url));
        INFO(url);
        REQUIRE(adds_only_known_characters(url, link.url));
        REQUIRE(adds_only_known_characters(url, link.clip_url));
        const std::set<std::string> hosts = {"youtube", "vimeo",    "archive.org",
                                             "media",   "peertube", "other"};
        REQUIRE(hosts.count(link.host) == 1);
        REQUIRE(link.time_text.empty() == (link.host != "other"));
        // Every host but Vimeo and other ones has a clip (an end was given).
        REQUIRE(link.clip_url.empty() == (link.host == "other" || link.host == "vimeo"));
    }
}

// ---------------------------------------------------------------------------
// The real catalogue

TEST_CASE("make_jump_link links every video of the catalogue at the right second",
          "[links][shared]") {
    const fs::path root = talksearch::test::shared_path("corpus/pyvideo-data");
    TALKSEARCH_SKIP_WITHOUT(root);

    // The host each catalogue `type` must get (the survey: every URL of a type
    // has one shape).
    const std::map<std::string, std::string> host_for_type = {
        {"youtube", "youtube"},     {"vimeo", "vimeo"},      {"archive.org", "archive.org"},
        {"archive", "archive.org"}, {"flv", "archive.org"},  // archive.org/details pages
        {"mp4", "media"},           {"webm", "media"},       {"ogv", "media"},
        {"mkv", "media"},           {"peertube", "peertube"}};

    // The four talks cut from a longer recording, with their offsets.
    const std::map<std::string, std::int64_t> segments = {
        {"https://www.youtube.com/watch?v=bghG7zz8G2I&t=7047", 7047},
        {"https://www.youtube.com/watch?v=x6b7U9GpfQk&t=3h33m23s", 12803},
        {"https://www.youtube.com/watch?v=ftP5BQh1-YM&t=1239", 1239},
        {"https://youtu.be/Wjev_fLNeOU?t=1126", 1126}};

    const std::regex watch(R"(https://www\.youtube\.com/watch\?v=[A-Za-z0-9_-]{11}&t=(\d+)s)");
    const std::regex short_link(R"(https://youtu\.be/[A-Za-z0-9_-]{11}\?t=(\d+))");
    const std::regex youtube_clip(
        R"(https://www\.youtube\.com/embed/[A-Za-z0-9_-]{11}\?start=(\d+)&end=(\d+))");
    const std::regex vimeo(R"(https://vimeo\.com/\d+#t=(\d+)s)");

    simdjson::dom::parser parser;
    std::size_t urls = 0;
    std::size_t files = 0;
    std::map<std::string, std::size_t> by_host;
    std::vector<std::string> failures;
    auto fail = [&](const std::string& url, const std::string& why) {
        if (failures.size() < 20)
            failures.push_back(why + ": " + url);
        else
            failures.push_back("");
    };

    for (const auto& event : fs::directory_iterator(root)) {
        const fs::path videos = event.path() / "videos";
        if (!fs::is_directory(videos)) continue;
        for (const auto& file : fs::directory_iterator(videos)) {
            if (file.path().extension() != ".json") continue;
            ++files;
            simdjson::dom::element doc;
            simdjson::dom::array list;
            if (parser.load(file.path().string()).get(doc) != simdjson::SUCCESS) {
                fail(file.path().string(), "unreadable");
                continue;
            }
            if (doc["videos"].get(list) != simdjson::SUCCESS) continue;
            for (simdjson::dom::element video : list) {
                std::string_view url_view;
                std::string_view type_view;
                if (video["url"].get(url_view) != simdjson::SUCCESS) continue;
                if (video["type"].get(type_view) != simdjson::SUCCESS) type_view = "";
                const std::string url(url_view);
                const std::string type(type_view);
                ++urls;

                const JumpLink link = make_jump_link(url, kAt, kEnd);
                ++by_host[link.host];
                const auto expected_host = host_for_type.find(type);
                const std::string want =
                    expected_host == host_for_type.end() ? "other" : expected_host->second;
                if (link.host != want) {
                    fail(url, "host " + link.host + ", not " + want);
                    continue;
                }

                const auto segment = segments.find(url);
                const std::int64_t offset = segment == segments.end() ? 0 : segment->second;
                if (start_offset_ms(url) != offset * 1000) fail(url, "offset");
                const std::string start = std::to_string(754 + offset);
                const std::string end = std::to_string(760 + offset);

                std::smatch m;
                if (link.host == "youtube") {
                    const bool ok = (std::regex_match(link.url, m, watch) ||
                                     std::regex_match(link.url, m, short_link)) &&
                                    m[1] == start;
                    std::smatch c;
                    const bool clip_ok = std::regex_match(link.clip_url, c, youtube_clip) &&
                                         c[1] == start && c[2] == end;
                    if (!ok || !clip_ok)
                        fail(url, "youtube link " + link.url + " " + link.clip_url);
                } else if (link.host == "vimeo") {
                    if (!std::regex_match(link.url, m, vimeo) || m[1] != start ||
                        !link.clip_url.empty())
                        fail(url, "vimeo link " + link.url);
                } else if (link.host == "archive.org") {
                    if (link.url != url + "?start=" + start ||
                        link.clip_url != url + "?start=" + start + "&end=" + end)
                        fail(url, "archive.org link " + link.url);
                } else if (link.host == "media") {
                    if (link.url != url + "#t=" + start ||
                        link.clip_url != url + "#t=" + start + "," + end)
                        fail(url, "media link " + link.url);
                } else if (link.host == "peertube") {
                    if (link.url != url + "?start=12m34s" ||
                        link.clip_url != url + "?start=12m34s&stop=12m40s")
                        fail(url, "peertube link " + link.url);
                } else if (link.url != url || link.time_text != "at 12:34") {
                    fail(url, "other link " + link.url);
                }
            }
        }
    }

    INFO("failures: " << failures.size());
    for (const std::string& f : failures) {
        if (!f.empty()) UNSCOPED_INFO(f);
    }
    CHECK(failures.empty());
    // The survey's figures.
    CHECK(files == 21715);
    CHECK(urls == 23269);
    CHECK(by_host == std::map<std::string, std::size_t>{{"youtube", 20619},
                                                        {"archive.org", 1060},
                                                        {"media", 1264},
                                                        {"vimeo", 110},
                                                        {"peertube", 192},
                                                        {"other", 24}});
}

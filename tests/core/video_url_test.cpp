#include "core/video_url.h"

#include <catch2/catch.hpp>

using namespace talksearch;

namespace {

VideoTarget classify(std::string_view url) {
    const auto parts = split_url(url);
    REQUIRE(parts);
    return classify_video_url(*parts);
}

}  // namespace

TEST_CASE("youtube_id reads every YouTube URL shape", "[video_url][youtube]") {
    for (std::string_view url :
         {"https://www.youtube.com/watch?v=dCr8Gr0unD1", "http://youtube.com/watch?v=dCr8Gr0unD1",
          "https://m.youtube.com/watch?feature=share&v=dCr8Gr0unD1&t=5s",
          "www.youtube.com/watch?v=dCr8Gr0unD1", "https://youtu.be/dCr8Gr0unD1?t=1126",
          "https://www.youtube.com/embed/dCr8Gr0unD1?start=15&end=18",
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1", "https://youtube.com/v/dCr8Gr0unD1",
          "https://www.youtube.com/shorts/dCr8Gr0unD1", "https://www.youtube.com/live/dCr8Gr0unD1",
          "  https://www.youtube.com:443/watch?v=dCr8Gr0unD1  "}) {
        INFO(url);
        CHECK(youtube_id(url) == "dCr8Gr0unD1");
    }
}

TEST_CASE("youtube_id finds nothing in a URL of another host or without an 11-character id",
          "[video_url][youtube]") {
    for (std::string_view url :
         {"https://notyoutube.com/watch?v=dCr8Gr0unD1", "https://vimeo.com/700000123",
          "https://www.youtube.com/watch?v=short", "https://www.youtube.com/watch?v=dCr8Gr0unD1x",
          "https://www.youtube.com/channel/UCdCr8Gr0unD1", "https://youtu.be/", "",
          "javascript:alert(1)//youtu.be/dCr8Gr0unD1"}) {
        INFO(url);
        CHECK_FALSE(youtube_id(url).has_value());
    }
}

TEST_CASE("classify_video_url keeps the parts a YouTube link is rebuilt from",
          "[video_url][youtube]") {
    const VideoTarget t = classify("https://youtu.be/dCr8Gr0unD1?list=PLx-1&index=4");
    CHECK(t.host == VideoHost::kYouTube);
    CHECK(t.short_link);
    CHECK_FALSE(t.nocookie);
    CHECK(t.list == "PLx-1");
    CHECK(t.index == "4");
    CHECK(classify("https://www.youtube-nocookie.com/embed/dCr8Gr0unD1").nocookie);
}

TEST_CASE("classify_video_url reads a Vimeo number and unlisted hash from each Vimeo shape",
          "[video_url][vimeo]") {
    const VideoTarget plain = classify("https://vimeo.com/700000123");
    CHECK(plain.host == VideoHost::kVimeo);
    CHECK(plain.id == "700000123");
    const VideoTarget unlisted = classify("https://vimeo.com/700000123/abcdef1234");
    CHECK(unlisted.id == "700000123");
    CHECK(unlisted.hash == "abcdef1234");
    const VideoTarget player = classify("https://player.vimeo.com/video/700000123?h=abcdef1234");
    CHECK(player.id == "700000123");
    CHECK(player.hash == "abcdef1234");
    CHECK(classify("https://vimeo.com/channels/staffpicks/700000123").id == "700000123");
    CHECK(classify("https://vimeo.com/about").host == VideoHost::kOther);
}

TEST_CASE("classify_video_url tells archive.org, PeerTube, media files and other hosts apart",
          "[video_url]") {
    CHECK(classify("https://archive.org/details/talk").host == VideoHost::kArchive);
    CHECK(classify("https://tube.example/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d").host ==
          VideoHost::kPeerTube);
    CHECK(classify("https://media.example/talks/a.MP4?sig=1").host == VideoHost::kMedia);
    CHECK(classify("https://blip.tv/talk-123").host == VideoHost::kOther);
    CHECK(video_host_name(VideoHost::kArchive) == "archive.org");
    CHECK(video_host_name(VideoHost::kOther) == "other");
}

TEST_CASE("split_url splits a URL into host, path, query and fragment", "[video_url]") {
    const auto url = split_url("HTTPS://User@Example.COM.:8080/a//b?x=1&amp;y=2#t=5");
    REQUIRE(url);
    CHECK(url->host == "example.com");
    CHECK(url->path == "/a//b");
    CHECK(url->query == "x=1&amp;y=2");
    CHECK(url->fragment == "t=5");
    CHECK(url_path_segments(url->path) == std::vector<std::string_view>{"a", "b"});
    const auto params = url_params(url->query);
    CHECK(url_param(params, "y") == "2");
    CHECK_FALSE(url_param(params, "z").has_value());
    CHECK(split_url("example.org/talk.mp4")->add_scheme == "https://");
    CHECK_FALSE(split_url("ftp://example.org/a.mp4").has_value());
    CHECK_FALSE(split_url("https://example.org/\x01").has_value());
}

TEST_CASE("embed_url gives the player a page can embed, or nothing", "[video_url][embed]") {
    CHECK(embed_url("https://www.youtube.com/watch?v=dCr8Gr0unD1&t=754s") ==
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1");
    CHECK(embed_url("https://youtu.be/dCr8Gr0unD1") ==
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1");
    CHECK(embed_url("https://www.youtube-nocookie.com/embed/dCr8Gr0unD1") ==
          "https://www.youtube-nocookie.com/embed/dCr8Gr0unD1");
    CHECK(embed_url("https://vimeo.com/700000123/abcdef1234#t=5s") ==
          "https://player.vimeo.com/video/700000123");
    CHECK(embed_url("https://media.example/talks/a.mp4?sig=1") ==
          "https://media.example/talks/a.mp4?sig=1");
    CHECK(embed_url("media.example/a.webm") == "https://media.example/a.webm");
    CHECK_FALSE(embed_url("https://archive.org/details/talk").has_value());
    CHECK_FALSE(embed_url("https://blip.tv/talk-123").has_value());
    CHECK_FALSE(embed_url("").has_value());
}

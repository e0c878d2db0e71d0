#include "core/index_stub.h"

#include <catch2/catch.hpp>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "core/schema.h"

using namespace talksearch;
namespace fs = std::filesystem;

TEST_CASE(
    "a stub's local paths are resolved against its folder and remote lines give host and port",
    "[core][stub]") {
    const auto entries = parse_stub(
        "# three shards\n\nauto shard-0\nglass /srv/talks/shard-1\nremote 10.0.0.7:33333\n"
        "remote tcp talks-3.internal 4000\n",
        "/etc/talksearch/talks.stub");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].kind == StubEntry::Kind::kLocal);
    CHECK(entries[0].path == fs::path("/etc/talksearch/shard-0"));
    CHECK(entries[0].line == 3);
    CHECK(entries[1].path == fs::path("/srv/talks/shard-1"));
    CHECK(entries[2].kind == StubEntry::Kind::kRemote);
    CHECK(entries[2].host == "10.0.0.7");
    CHECK(entries[2].port == 33333);
    CHECK(entries[2].label() == "remote 10.0.0.7:33333");
    CHECK(entries[3].host == "talks-3.internal");
    CHECK(entries[3].port == 4000);
    CHECK(entries[3].line == 6);
}

TEST_CASE("a stub line Xapian would skip or cannot read is an error naming the file and line",
          "[core][stub]") {
    auto message = [](const std::string& text) {
        try {
            parse_stub(text, "/x/talks.stub");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message("auto a\nremote tcp host\n"), Catch::StartsWith("/x/talks.stub:2:"));
    CHECK_THAT(message("remote host-without-port\n"), Catch::Contains("remote HOST:PORT"));
    CHECK_THAT(message("remote :xapian-progsrv /db\n"), Catch::Contains("not supported"));
    CHECK_THAT(message("remote h:0\n"), Catch::Contains("not a port"));
    CHECK_THAT(message("remote h:70000\n"), Catch::Contains("not a port"));
    CHECK_THAT(message("remote h:12x\n"), Catch::Contains("not a port"));
    CHECK_THAT(message("chert /old\n"), Catch::Contains(":1: expected 'auto PATH'"));
    CHECK_THAT(message("auto\n"), Catch::Contains("needs a path"));
    CHECK_THAT(message("# nothing\n\n"), Catch::Contains("lists no database"));
}

TEST_CASE("a stub written by format_stub reads back as the same shards", "[core][stub]") {
    const auto entries = parse_stub("auto /srv/a\nremote tcp h 1\nremote [::1]:2\n", "/s");
    CHECK(format_stub(entries) == "auto /srv/a\nremote h:1\nremote [::1]:2\n");
    const auto again = parse_stub(format_stub(entries), "/s");
    REQUIRE(again.size() == 3);
    CHECK(again[2].host == "[::1]");
    CHECK(again[2].port == 2);
}

TEST_CASE("HOST:PORT from a command line is parsed, and anything else refused", "[core][stub]") {
    const StubEntry e = parse_remote("127.0.0.1:33333");
    CHECK(e.host == "127.0.0.1");
    CHECK(e.port == 33333);
    CHECK_THROWS_AS(parse_remote("127.0.0.1"), Error);
    CHECK_THROWS_AS(parse_remote(":33"), Error);
}

TEST_CASE("a talk's shard is stable across releases and spreads talks evenly", "[core][stub]") {
    // Indexed talks live where these values put them: they must never change.
    CHECK(shard_of("pycon-us-2019/talk-one", 3) == shard_of("pycon-us-2019/talk-one", 3));
    CHECK(shard_of("anything", 1) == 0);
    const std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>> pinned = {
        {"pycon-us-2019/practical-decorators", 3, 1},
        {"pycon-us-2019/practical-decorators", 4, 2},
        {"pytexas-2020/how-decorators-function", 3, 2},
        {"kiwi-pycon-2013/advanced-methods-for-creating-decorators", 4, 3},
    };
    for (const auto& [key, count, shard] : pinned) {
        INFO(key << " in " << count);
        CHECK(shard_of(key, count) == shard);
    }
    for (std::uint32_t n : {2u, 3u, 4u, 8u}) {
        std::vector<int> count(n);
        for (int i = 0; i < 30000; ++i) ++count[shard_of("event/talk-" + std::to_string(i), n)];
        for (int c : count) {
            INFO("shards " << n << ": " << c);
            CHECK(c > 30000 / static_cast<int>(n) * 9 / 10);
            CHECK(c < 30000 / static_cast<int>(n) * 11 / 10);
        }
    }
}

TEST_CASE("shard parts read back, and bad ones are refused", "[core][stub]") {
    const ShardPart p = parse_shard_part("1/3");
    CHECK(p.index == 1);
    CHECK(p.count == 3);
    CHECK(p.text() == "1/3");
    CHECK_FALSE(p.whole());
    for (const char* bad : {"3/3", "1/0", "1", "a/3", "1/3x", "-1/3", ""}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_shard_part(bad), Error);
    }
}

TEST_CASE("a set of shards is whole only when each part is held exactly once", "[core][stub]") {
    CHECK(check_parts({"a", "b", "c"}, {"0/3", "2/3", "1/3"}).empty());
    CHECK(check_parts({"one"}, {""}).empty());
    const auto twice = check_parts({"a", "b", "c"}, {"0/3", "0/3", "2/3"});
    REQUIRE(twice.size() == 2);
    CHECK(twice[0] == "b holds shard 0/3, as a does");
    CHECK(twice[1] == "no shard listed holds part 1/3");
    CHECK(check_parts({"a", "b"}, {"0/2", "1/3"}).front() ==
          "b is shard 1/3, of another split than 2 shards");
    CHECK(check_parts({"a", "b"}, {"0/2", ""}).front() == "b is a whole index, not a shard");
}

TEST_CASE("a facet key keeps its fields and speakers through encoding", "[core][schema]") {
    schema::FacetKey k;
    k.dedup = "g:pycon-us-2019/decorators";
    k.event = "pycon-us-2019";
    k.year = "2019";
    k.language = "en";
    k.speakers = {"Reuven M. Lerner", "Ana Example"};
    k.event_title = "PyCon US 2019";
    const schema::FacetKey back = schema::decode_facet_key(schema::encode_facet_key(k));
    CHECK(back.event_title == k.event_title);
    CHECK(back.dedup == k.dedup);
    CHECK(back.event == k.event);
    CHECK(back.year == k.year);
    CHECK(back.language == k.language);
    CHECK(back.speakers == k.speakers);
    schema::FacetKey empty;
    empty.dedup = "t:x/y";
    const schema::FacetKey none = schema::decode_facet_key(schema::encode_facet_key(empty));
    CHECK(none.event.empty());
    CHECK(none.speakers.empty());
    CHECK_THROWS_AS(schema::decode_facet_key("only\x1etwo"), Error);
    CHECK_THROWS_AS(schema::decode_facet_key("\x1e\x1e\x1e\x1e"), Error);
    // A value written before the event title (five fields) still reads.
    const schema::FacetKey old =
        schema::decode_facet_key(std::string("t:x/y\x1e") + "ev\x1e" + "2019\x1e" + "en\x1e" + "A");
    CHECK(old.event == "ev");
    CHECK(old.event_title.empty());
}

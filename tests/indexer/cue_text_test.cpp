#include "indexer/captions/cue_text.h"

#include <catch2/catch.hpp>

using talksearch::CueText;
using talksearch::parse_cue_text;

namespace {

std::string text_of(std::string_view payload) { return parse_cue_text(payload).text; }

}  // namespace

TEST_CASE("parse_cue_text returns text without markup unchanged", "[captions][cue_text]") {
    const CueText t = parse_cue_text("Never drink liquid nitrogen.\n- You could die.");
    CHECK(t.text == "Never drink liquid nitrogen.\n- You could die.");
    CHECK(t.speaker.empty());
    CHECK(parse_cue_text("").text.empty());
}

TEST_CASE("parse_cue_text removes WebVTT tags and keeps the text inside them",
          "[captions][cue_text]") {
    CHECK(text_of("<b>That's awesome!</b> Hee") == "That's awesome! Hee");
    CHECK(text_of("<i>Hee!</i>") == "Hee!");
    CHECK(text_of("<u>Hee!</u>") == "Hee!");
    CHECK(text_of("<c.first.loud>That's awesome!</c>") == "That's awesome!");
    CHECK(text_of("<c Mary>No way!</c>") == "No way!");
    CHECK(text_of("<lang en-US>Hee!</lang> Hee!") == "Hee! Hee!");
    CHECK(text_of("<b.first>Hee!</b>") == "Hee!");
    CHECK(text_of("<bad>That's awesome!</bad>") == "That's awesome!");
}

TEST_CASE("parse_cue_text keeps the text of ruby annotations", "[captions][cue_text]") {
    CHECK(text_of("<ruby>It's a <rt>blue apple tree!</rt></ruby>") == "It's a blue apple tree!");
    CHECK(text_of("<ruby>No <rt>way!</ruby>") == "No way!");
    CHECK(text_of("<rt>Hee!</rt>") == "Hee!");
}

TEST_CASE("parse_cue_text keeps the first voice annotation as the speaker",
          "[captions][cue_text]") {
    SECTION("a closed voice span") {
        const CueText t = parse_cue_text("<v Mary>No way!</v>");
        CHECK(t.text == "No way!");
        CHECK(t.speaker == "Mary");
    }
    SECTION("a voice span with classes") {
        const CueText t = parse_cue_text("<v.first.loud Joe>That's awesome!</v>");
        CHECK(t.text == "That's awesome!");
        CHECK(t.speaker == "Joe");
    }
    SECTION("the annotation is trimmed and its whitespace collapsed") {
        const CueText t = parse_cue_text("<v   Neil \t deGrasse  Tyson >Hi");
        CHECK(t.text == "Hi");
        CHECK(t.speaker == "Neil deGrasse Tyson");
    }
    SECTION("entities in the annotation are decoded") {
        CHECK(parse_cue_text("<v Tom &amp; Jerry>Hi").speaker == "Tom & Jerry");
    }
    SECTION("the first voice wins") {
        const CueText t = parse_cue_text(
            "<v Chris Pearce> Okay, we're good now.</v>\n<v Kyle Huey> Oh, now "
            "we're good?</v>\n<i>Laughter</i>");
        CHECK(t.text == " Okay, we're good now.\n Oh, now we're good?\nLaughter");
        CHECK(t.speaker == "Chris Pearce");
    }
    SECTION("a voice without an annotation gives no speaker") {
        const CueText t = parse_cue_text("<v>It's a blue apple tree!");
        CHECK(t.text == "It's a blue apple tree!");
        CHECK(t.speaker.empty());
    }
    SECTION("only <v> names a speaker") {
        CHECK(parse_cue_text("<c Mary>No way!</c>").speaker.empty());
        CHECK(parse_cue_text("<b Mary>No way!</b>").speaker.empty());
    }
}

TEST_CASE("parse_cue_text reads a voice span that is never closed", "[captions][cue_text]") {
    // As in the Python Bytes transcripts: one <v> per cue, no </v>.
    const CueText t = parse_cue_text("<v Michael Kennedy>Hello, everybody,\nand welcome.");
    CHECK(t.text == "Hello, everybody,\nand welcome.");
    CHECK(t.speaker == "Michael Kennedy");
}

TEST_CASE("parse_cue_text removes inline timestamps", "[captions][cue_text]") {
    CHECK(text_of("<00:01.000>Hee!<00:01.500> Hee!") == "Hee! Hee!");
    CHECK(
        text_of("this<00:05:04.199><c> will</c><c.colorE5E5E5><00:05:04.379><c> happen</c></c>") ==
        "this will happen");
}

TEST_CASE("parse_cue_text consumes malformed tags as the WebVTT tokenizer does",
          "[captions][cue_text]") {
    SECTION("a start tag without '>' swallows the rest of the cue") {
        CHECK(text_of("<c It's a blue apple tree!").empty());
        CHECK(text_of("<c.first That's awesome!</c>").empty());
        CHECK(text_of("<lang en-Us It's a blue apple tree!").empty());
    }
    SECTION("an end tag without '>' swallows the rest of the cue") {
        CHECK(text_of("<c>This is </c awesome!") == "This is ");
    }
    SECTION("an end tag that closes nothing is dropped") {
        CHECK(text_of("No </b> way!") == "No  way!");
        CHECK(text_of("<i>Hee!</b> Hee!") == "Hee! Hee!");
    }
    SECTION("a '<' at the very end is dropped") { CHECK(text_of("a <") == "a "); }
    SECTION("empty tags are dropped") { CHECK(text_of("a<>b</>c") == "abc"); }
}

TEST_CASE("parse_cue_text decodes character references", "[captions][cue_text]") {
    CHECK(text_of("Some text &amp; other stuff.") == "Some text & other stuff.");
    CHECK(text_of("&lt;b&gt; is bold") == "<b> is bold");
    CHECK(text_of("a&nbsp;z") == "a\xC2\xA0z");
    CHECK(text_of("&lrm;&rlm;") == "\xE2\x80\x8E\xE2\x80\x8F");
    CHECK(text_of("&quot;hi&quot; &apos;there&apos;") == "\"hi\" 'there'");
    CHECK(text_of("caf&#233; &#x1F600;") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
    SECTION("a legacy name needs no ';', and an unknown name stays as written") {
        // As HTML reads text: "&nbsp", "&lt" and "&gt" are legacy names, the
        // others are no name of the table.
        CHECK(text_of("&l &g; &nbsp &am; &lt &gt &nbs &nbs; &g; &lr;") ==
              "&l &g; \xC2\xA0 &am; < > &nbs &nbs; &g; &lr;");
        CHECK(text_of("Fish & Chips") == "Fish & Chips");
        CHECK(text_of("&am&amp;") == "&am&");
    }
}

TEST_CASE("parse_cue_text removes the tags that SRT files carry", "[captions][cue_text]") {
    CHECK(text_of("<font color=\"#ffff00\">Yellow</font> text") == "Yellow text");
    CHECK(text_of("<i>Italic</i> and <b>bold</b> and <u>under</u>") == "Italic and bold and under");
    CHECK(text_of("<font face=\"Arial\" size=\"12\"><i>nested</i></font>") == "nested");
}

TEST_CASE("parse_cue_text removes ASS override blocks", "[captions][cue_text]") {
    CHECK(text_of("{\\an8}Top of the screen") == "Top of the screen");
    CHECK(text_of("{\\i1}slanted{\\i0} text") == "slanted text");
    SECTION("braces that are not an override block are kept") {
        CHECK(text_of("a dict {x: 1}") == "a dict {x: 1}");
        CHECK(text_of("{\\an8 never closed\nnext}") == "{\\an8 never closed\nnext}");
    }
}

// Tests of grouping the recordings of one talk given at several events.
#include "indexer/index/talk_groups.h"

#include <catch2/catch.hpp>

using namespace talksearch;

namespace {

Talk talk(std::string event, std::string slug, std::string title, std::vector<std::string> speakers,
          std::string event_title = "") {
    Talk t;
    t.event = std::move(event);
    t.slug = std::move(slug);
    t.title = std::move(title);
    t.speakers = std::move(speakers);
    t.event_title = std::move(event_title);
    return t;
}

}  // namespace

TEST_CASE("the same title by the same speaker at two events is one talk", "[talk_groups]") {
    const std::vector<Talk> talks = {
        talk("kiwi-pycon-2013", "advanced-methods-for-creating-decorators",
             "Advanced methods for creating decorators", {"Graham Dumpleton"}),
        talk("pycon-us-2014", "advanced-methods-for-creat",
             "Advanced Methods for Creating Decorators", {"Graham Dumpleton"}),
        talk("pycon-us-2014", "other", "Advanced methods for creating decorators",
             {"Someone Else"}),
    };
    const auto groups = group_recordings(talks);
    CHECK(groups[0].key == "kiwi-pycon-2013/advanced-methods-for-creating-decorators");
    CHECK(groups[1].key == groups[0].key);
    CHECK(groups[0].recordings == 2);
    CHECK(groups[2].key.empty());  // another speaker's talk of the same name
    CHECK(groups[2].recordings == 1);
}

TEST_CASE("the event's name and the speaker's name around a title are ignored", "[talk_groups]") {
    const std::vector<Talk> talks = {
        talk("europython-2018", "a", "Python Decorators: Gift or Poison?",
             {"Anastasiia Tymoshchuk"}, "EuroPython 2018"),
        talk("pycon-de-2018", "b",
             "PyCon.DE 2018: Python Decorators: Gift or Poison? - Anastasiia Tymoshchuk",
             {"Anastasiia Tymoshchuk"}, "PyCon DE 2018"),
    };
    const auto groups = group_recordings(talks);
    CHECK_FALSE(groups[0].key.empty());
    CHECK(groups[0].key == groups[1].key);
}

TEST_CASE("a shared speaker chains recordings with different co-speakers", "[talk_groups]") {
    const std::vector<Talk> talks = {
        talk("pycon-us-2017", "a", "Network Analysis Made Simple", {"Eric Ma", "Mridul Seth"}),
        talk("scipy-2019", "b", "Network Analysis Made Simple", {"Mridul Seth"}),
        talk("pycon-us-2022", "c", "Network Analysis Made Simple", {"Eric Ma"}),
    };
    const auto groups = group_recordings(talks);
    CHECK(groups[0].recordings == 3);
    CHECK(groups[1].key == groups[0].key);
    CHECK(groups[2].key == groups[0].key);
}

TEST_CASE("recurring sessions and short titles are never grouped", "[talk_groups]") {
    const std::vector<Talk> talks = {
        talk("pycon-us-2012", "a", "Keynote - Guido van Rossum", {"Guido van Rossum"}),
        talk("pycon-us-2014", "b", "Keynote - Guido van Rossum", {"Guido van Rossum"}),
        talk("pyohio-2016", "c", "Sunday Lightning Talks", {"Brandon Rhodes"}),
        talk("pyohio-2018", "d", "Sunday Lightning Talks", {"Brandon Rhodes"}),
        talk("pycon-us-2023", "e", "Welcome", {"Mariatta Wijaya"}),
        talk("pycon-us-2024", "f", "Welcome", {"Mariatta Wijaya"}),
        talk("pycon-co-2018", "g", "Naomi Ceder", {"Naomi Ceder"}),
        talk("pycon-us-2022", "h", "Naomi Ceder", {"Naomi Ceder"}),
        talk("pycon-ar-2013", "i", "Lightning talks", {"Various speakers"}),
        talk("pycon-es-2015", "j", "Lightning talks", {"Various speakers"}),
        talk("x-2015", "k", "No speakers listed here", {}),
        talk("y-2016", "l", "No speakers listed here", {}),
    };
    for (const TalkGroup& g : group_recordings(talks)) {
        CHECK(g.key.empty());
        CHECK(g.recordings == 1);
    }
}

TEST_CASE("version numbers in titles keep talks apart", "[talk_groups]") {
    const std::vector<Talk> talks = {
        talk("djangocon-2012", "a", "What's new in Django 1.5", {"Jane Doe"}),
        talk("djangocon-2013", "b", "What's new in Django 1.6", {"Jane Doe"}),
    };
    const auto groups = group_recordings(talks);
    CHECK(groups[0].key.empty());
    CHECK(groups[1].key.empty());
}

TEST_CASE("talks made from caption files alone are not grouped", "[talk_groups]") {
    std::vector<Talk> talks = {talk("captions", "a", "Fixtures in Five Minutes", {"A Person"}),
                               talk("captions", "b", "Fixtures in Five Minutes", {"A Person"})};
    for (Talk& t : talks) t.origin = TalkOrigin::kCaptions;
    for (const TalkGroup& g : group_recordings(talks)) CHECK(g.key.empty());
}

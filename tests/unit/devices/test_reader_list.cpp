#include <catch2/catch.hpp>

#include "devices/reader_list.hpp"

using namespace eport::devices;

TEST_CASE("a PC/SC multi-string splits into reader names", "[devices][readers]") {
  const char list[] = "Virtual PCD 00 00\0Virtual PCD 00 01\0";  // + implicit final \0
  CHECK(parse_multistring(list, sizeof list) ==
        std::vector<std::string>{"Virtual PCD 00 00", "Virtual PCD 00 01"});
  const char empty[] = "";
  CHECK(parse_multistring(empty, 1).empty());
  CHECK(parse_multistring(nullptr, 0).empty());
}

TEST_CASE("reader-list diff names added and removed readers", "[devices][readers]") {
  const auto diff = diff_reader_lists({"A", "B", "C"}, {"C", "D", "A"});
  CHECK(diff.added == std::vector<std::string>{"D"});
  CHECK(diff.removed == std::vector<std::string>{"B"});
  CHECK_FALSE(diff.empty());
  CHECK(diff_reader_lists({"A", "B"}, {"B", "A"}).empty());
  CHECK(diff_reader_lists({}, {"A"}).added == std::vector<std::string>{"A"});
  CHECK(diff_reader_lists({"A"}, {}).removed == std::vector<std::string>{"A"});
}

TEST_CASE("ATR hex is lower case without separators", "[devices][readers]") {
  CHECK(atr_hex({0x3b, 0x8c, 0x80, 0x01, 0xAB}) == "3b8c8001ab");
  CHECK(atr_hex({}).empty());
}

TEST_CASE("card transitions: insert, remove, swap, nothing", "[devices][readers]") {
  auto t = card_transition(false, 0, true, 1);
  CHECK((t.inserted && !t.removed));
  t = card_transition(true, 1, false, 2);
  CHECK((t.removed && !t.inserted));
  t = card_transition(true, 1, true, 3);  // swapped between two looks
  CHECK((t.removed && t.inserted));
  t = card_transition(true, 3, true, 3);
  CHECK((!t.removed && !t.inserted));
  t = card_transition(false, 3, false, 5);
  CHECK((!t.removed && !t.inserted));
}

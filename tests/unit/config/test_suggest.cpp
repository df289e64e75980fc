#include <catch2/catch.hpp>

#include "config/suggest.hpp"

using eport::config::closest_match;
using eport::config::edit_distance;

TEST_CASE("edit distance counts a swap of neighbours as one edit", "[config]") {
  CHECK(edit_distance("socket", "socket") == 0);
  CHECK(edit_distance("sokcet", "socket") == 1);
  CHECK(edit_distance("max_clents", "max_clients") == 1);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("a close typo gets a suggestion and an unrelated word does not", "[config]") {
  const std::vector<std::string> keys{"socket", "socket_mode", "state_dir", "limits"};
  CHECK(closest_match("sockt", keys) == std::optional<std::string>("socket"));
  CHECK(closest_match("stat_dir", keys) == std::optional<std::string>("state_dir"));
  CHECK_FALSE(closest_match("banana", keys).has_value());
}

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "cardops/puk_memory.hpp"

using namespace eport::cardops;

namespace {
std::string temp_dir() {
  char pattern[] = "/tmp/eport-puk-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  return pattern;
}
}  // namespace

TEST_CASE("PUK answers survive a restart in a 0600 file without secrets", "[cardops][puk]") {
  const auto dir = temp_dir();
  const auto path = dir + "/puk-counters.json";
  {
    PukMemory memory(path);
    CHECK_FALSE(memory.last("piv:01"));
    memory.remember("piv:01", {2, false, 100});
    memory.remember("piv:02", {std::nullopt, false, 200});
    memory.remember("piv:01", {1, false, 300});
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  PukMemory again(path);
  REQUIRE(again.last("piv:01"));
  CHECK(again.last("piv:01")->tries_left == 1);
  CHECK(again.last("piv:01")->time == 300);
  REQUIRE(again.last("piv:02"));
  CHECK_FALSE(again.last("piv:02")->tries_left);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a broken PUK counter file is ignored, not fatal", "[cardops][puk]") {
  const auto dir = temp_dir();
  const auto path = dir + "/puk-counters.json";
  std::ofstream(path) << "{not json";
  PukMemory memory(path);
  CHECK_FALSE(memory.last("piv:01"));
  memory.remember("piv:01", {0, true, 5});  // and the next answer repairs the file
  CHECK(PukMemory(path).last("piv:01")->blocked);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a PUK known from the last answer says so, and when", "[cardops][puk]") {
  auto state = last_answer_pin_state({1, false, 0});
  CHECK(state["state"] == "final_try");
  CHECK(state["tries_left"] == 1);
  CHECK(state["source"] == "last_answer");
  CHECK(state["as_of"] == "1970-01-01T00:00:00Z");
  CHECK(last_answer_pin_state({2, false, 0})["state"] == "low");
  CHECK(last_answer_pin_state({std::nullopt, false, 0})["state"] == "ok");
  CHECK(last_answer_pin_state({std::nullopt, false, 0})["tries_left"].is_null());
  CHECK(last_answer_pin_state({0, true, 0})["state"] == "blocked");
  CHECK_THROWS(puk_memory_from_json(nlohmann::json{{"format", "other"}}));
}

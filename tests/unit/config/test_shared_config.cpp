// SharedConfig is the one reload model: set() swaps the snapshot and then calls the parts that
// follow it (see shared_config.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/shared_config.hpp"

using eport::config::Config;
using eport::config::SharedConfig;

namespace {
Config with_level(const std::string& level) {
  Config c;
  c.log_level = level;
  return c;
}
}  // namespace

TEST_CASE("set() swaps the snapshot, then calls every follower in order with the new config",
          "[config][reload]") {
  SharedConfig shared(with_level("info"));
  const auto before = shared.get();
  std::vector<std::string> calls;
  auto first = shared.subscribe([&](const Config& next) {
    calls.push_back("first " + next.log_level + " " + shared.get()->log_level);  // get() inside: no deadlock
  });
  auto second = shared.subscribe([&](const Config& next) { calls.push_back("second " + next.log_level); });
  CHECK(calls.empty());  // subscribing applies nothing
  shared.set(with_level("debug"));
  CHECK(calls == std::vector<std::string>{"first debug debug", "second debug"});
  CHECK(before->log_level == "info");  // an old snapshot stays as it was
  CHECK(shared.get()->log_level == "debug");
}

TEST_CASE("a follower stops following when its subscription goes", "[config][reload]") {
  SharedConfig shared(with_level("info"));
  int calls = 0;
  {
    auto subscription = shared.subscribe([&](const Config&) { ++calls; });
    shared.set(with_level("debug"));
    SharedConfig::Subscription moved = std::move(subscription);
    shared.set(with_level("warn"));
  }
  shared.set(with_level("error"));
  CHECK(calls == 2);
  auto again = shared.subscribe([&](const Config&) { ++calls; });
  again.reset();
  shared.set(with_level("info"));
  CHECK(calls == 2);
}

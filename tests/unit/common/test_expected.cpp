#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "eport/common/expected.hpp"

using eport::Expected;
using eport::unexpected;

namespace {
struct Failure {
  std::string reason;
};

Expected<int, Failure> parse_digit(char c) {
  if (c < '0' || c > '9') return unexpected(Failure{"not a digit"});
  return c - '0';
}
}  // namespace

TEST_CASE("an Expected holds either the value or the error", "[common][expected]") {
  auto good = parse_digit('7');
  REQUIRE(good);
  CHECK(good.has_value());
  CHECK(*good == 7);
  CHECK(good.value() == 7);
  CHECK(good.value_or(-1) == 7);

  auto bad = parse_digit('x');
  REQUIRE_FALSE(bad);
  CHECK(bad.error().reason == "not a digit");
  CHECK(bad.value_or(-1) == -1);
  CHECK_THROWS_AS(bad.value(), eport::BadExpectedAccess);
}

TEST_CASE("value and error may have the same type", "[common][expected]") {
  Expected<std::string, std::string> value = std::string("plan");
  Expected<std::string, std::string> error = unexpected(std::string("why"));
  CHECK(value.has_value());
  CHECK(*value == "plan");
  CHECK(value->size() == 4);
  CHECK_FALSE(error.has_value());
  CHECK(error.error() == "why");
}

TEST_CASE("move-only values and errors move in and out", "[common][expected]") {
  Expected<std::unique_ptr<int>, std::string> owned = std::make_unique<int>(5);
  REQUIRE(owned);
  std::unique_ptr<int> taken = std::move(owned).value();
  CHECK(*taken == 5);
  Expected<int, std::unique_ptr<std::string>> failed = unexpected(std::make_unique<std::string>("gone"));
  CHECK(*std::move(failed).error() == "gone");
}

TEST_CASE("and_then runs the next step only after a success and passes errors on", "[common][expected]") {
  auto twice = [](int v) -> Expected<int, Failure> { return v * 2; };
  CHECK(*parse_digit('4').and_then(twice) == 8);
  CHECK(parse_digit('z').and_then(twice).error().reason == "not a digit");
  int calls = 0;
  auto counted = [&](int) -> Expected<int, Failure> { return ++calls; };
  parse_digit('z').and_then(counted);
  CHECK(calls == 0);
}

TEST_CASE("Expected<void, E> is a success or an error", "[common][expected]") {
  Expected<void, Failure> ok;
  CHECK(ok.has_value());
  CHECK_NOTHROW(ok.value());
  Expected<void, Failure> refused = unexpected(Failure{"busy"});
  CHECK_FALSE(refused);
  CHECK(refused.error().reason == "busy");
  CHECK_THROWS_AS(refused.value(), eport::BadExpectedAccess);
  auto next = [] { return Expected<int, Failure>(3); };
  CHECK(*ok.and_then(next) == 3);
  CHECK(refused.and_then(next).error().reason == "busy");
}

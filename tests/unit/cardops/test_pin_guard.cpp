#include <catch2/catch.hpp>

#include "cardops/pin_guard.hpp"

using namespace eport::cardops;
using eport::drivers::PinInfo;
using eport::drivers::Status;

namespace {
PinInfo figures(std::optional<int> left, std::string source = "metadata") {
  PinInfo pin;
  pin.tries_left = left;
  if (left) pin.blocked = *left == 0;
  pin.source = std::move(source);
  return pin;
}
}  // namespace

TEST_CASE("the card's own figures win over its last answer", "[cardops][guard]") {
  const auto known = know_puk(figures(3), PukAnswer{1, false, 100});
  CHECK(known.tries_left == 3);
  CHECK(known.source == "metadata");
  CHECK_FALSE(puk_guard(known, false));
}

TEST_CASE("without metadata the last answer guards the PUK's final try", "[cardops][guard]") {
  const auto known = know_puk(figures(std::nullopt, "none"), PukAnswer{1, false, 1764181967});
  CHECK(known.source == "last_answer");
  const auto refused = puk_guard(known, false);
  REQUIRE(refused);
  CHECK(refused->reason == "puk_final_try");
  CHECK(refused->extra["puk_tries_left"] == 1);
  CHECK(refused->extra["puk_source"] == "last_answer");
  CHECK(refused->extra["as_of"] == "2025-11-26T18:32:47Z");
  CHECK_THAT(refused->message, Catch::Contains("Nothing was sent"));
  CHECK_FALSE(puk_guard(known, true));  // force: the caller is sure
}

TEST_CASE("a PUK that is blocked now is refused even with force", "[cardops][guard]") {
  const auto refused = puk_guard(know_puk(figures(0), std::nullopt), true);
  REQUIRE(refused);
  CHECK(refused->reason == "puk_blocked");
}

TEST_CASE("a PUK blocked in the last answer is refused unless forced", "[cardops][guard]") {
  const auto known = know_puk(std::nullopt, PukAnswer{0, true, 5});
  REQUIRE(puk_guard(known, false));
  CHECK(puk_guard(known, false)->reason == "puk_blocked");
  CHECK_FALSE(puk_guard(known, true));  // the card answers 6983 without spending anything
}

TEST_CASE("a wholly unknown PUK counter cannot be guarded", "[cardops][guard]") {
  const auto known = know_puk(figures(std::nullopt, "none"), std::nullopt);
  CHECK(known.source == "none");
  CHECK_FALSE(known.tries_left);
  CHECK_FALSE(puk_guard(known, false));
}

TEST_CASE("pin.change refuses the PIN's final try without force and a blocked PIN always",
          "[cardops][guard]") {
  auto refused = pin_guard(figures(1, "verify-status"), false);
  REQUIRE(refused);
  CHECK(refused->reason == "pin_final_try");
  CHECK(refused->extra["tries_left"] == 1);
  CHECK_FALSE(pin_guard(figures(1, "verify-status"), true));
  CHECK_FALSE(pin_guard(figures(2, "verify-status"), false));
  CHECK_FALSE(pin_guard(figures(std::nullopt, "verify-status"), false));  // verified: count untold
  REQUIRE(pin_guard(figures(0, "verify-status"), true));
  CHECK(pin_guard(figures(0, "verify-status"), true)->reason == "pin_blocked");
}

TEST_CASE("what a PUK attempt teaches about the counter", "[cardops][guard]") {
  const auto wrong = puk_answer(Status::WrongPin, figures(2, "verify-status"), 7);
  REQUIRE(wrong);
  CHECK(wrong->tries_left == 2);
  CHECK_FALSE(wrong->blocked);
  CHECK(wrong->time == 7);
  const auto right = puk_answer(Status::Ok, figures(3, "verify-status"), 8);
  REQUIRE(right);
  CHECK_FALSE(right->tries_left);  // back to its maximum, whatever that is
  CHECK(puk_answer(Status::PinBlocked, PinInfo{}, 9)->blocked);
  CHECK_FALSE(puk_answer(Status::CardRemoved, PinInfo{}, 9));
  CHECK_FALSE(puk_answer(Status::BadArgs, PinInfo{}, 9));   // never sent
  CHECK_FALSE(puk_answer(Status::WrongPin, PinInfo{}, 9));  // no count in the answer
}

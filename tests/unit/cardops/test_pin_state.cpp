#include <catch2/catch.hpp>

#include "cardops/pin_state.hpp"

using eport::cardops::pin_state_json;
using eport::cardops::pin_state_name;
using eport::drivers::PinInfo;

namespace {
PinInfo pin(std::optional<int> left, std::optional<int> max, std::optional<bool> blocked = std::nullopt) {
  PinInfo info;
  info.tries_left = left;
  info.max_tries = max;
  info.blocked = blocked;
  info.source = "metadata";
  return info;
}
}  // namespace

TEST_CASE("PIN state follows the tries left against the maximum", "[cardops][pin]") {
  CHECK(pin_state_name(pin(3, 3)) == "ok");
  CHECK(pin_state_name(pin(2, 3)) == "low");
  CHECK(pin_state_name(pin(1, 3)) == "final_try");
  CHECK(pin_state_name(pin(0, 3)) == "blocked");
}

TEST_CASE("a PIN the driver calls blocked is blocked with zero tries even without a count",
          "[cardops][pin]") {
  auto json = pin_state_json(pin(std::nullopt, 3, true));
  CHECK(json["state"] == "blocked");
  CHECK(json["tries_left"] == 0);
}

TEST_CASE("unknown figures stay unknown and are never guessed", "[cardops][pin]") {
  PinInfo none;
  auto json = pin_state_json(none);
  CHECK(json["state"] == "unknown");
  CHECK(json["tries_left"].is_null());
  CHECK(json["max_tries"].is_null());
  CHECK(json["is_default"].is_null());
  CHECK(json["source"] == "none");
  // Without a maximum, fewer tries cannot be called low.
  CHECK(pin_state_name(pin(2, std::nullopt)) == "ok");
}

TEST_CASE("a state the token states without a count is shown with no number", "[cardops][pin]") {
  eport::drivers::PinInfo flags;
  flags.source = "pkcs11-flags";
  flags.state = "final_try";
  auto json = pin_state_json(flags);
  CHECK(json["state"] == "final_try");
  CHECK(json["tries_left"].is_null());  // PKCS#11 gives no count: never guessed
  CHECK(json["source"] == "pkcs11-flags");
  flags.state = "low";
  CHECK(pin_state_name(flags) == "low");
  flags.state.clear();
  CHECK(pin_state_name(flags) == "unknown");
  flags.blocked = true;  // a blocked flag wins over anything stated
  flags.state = "ok";
  CHECK(pin_state_name(flags) == "blocked");
}

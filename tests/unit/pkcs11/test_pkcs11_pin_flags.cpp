// The PIN state from CK_TOKEN_INFO flags (plugins/pkcs11/pins.cpp): the flag table of
// docs/drivers/pkcs11.md, for the user PIN and the SO PIN, never with a count.
#include <catch2/catch.hpp>

#include "driver.hpp"

using namespace eport::pkcs11;

namespace {

// What the host pre-fills: every field "unknown".
eport_pin_info unknown() {
  eport_pin_info info{};
  info.struct_size = sizeof info;
  info.tries_left = info.max_tries = info.is_default = info.blocked = -1;
  info.min_length = info.max_length = info.state = -1;
  info.source = info.max_source = EPORT_SOURCE_NONE;
  return info;
}

eport_pin_info state_of(CK_FLAGS flags, uint32_t which, CK_ULONG min_len = 4, CK_ULONG max_len = 255) {
  CK_TOKEN_INFO token{};
  token.flags = flags | CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED;
  token.ulMinPinLen = min_len;
  token.ulMaxPinLen = max_len;
  eport_pin_info out = unknown();
  pin_state(token, which, &out);
  return out;
}

}  // namespace

TEST_CASE("user PIN flags give a state and no count", "[pkcs11][pins]") {
  struct Row {
    CK_FLAGS flags;
    int32_t state;
    int32_t blocked;
  };
  const Row rows[] = {
      {0, EPORT_PIN_STATE_OK, 0},
      {CKF_USER_PIN_COUNT_LOW, EPORT_PIN_STATE_LOW, 0},
      {CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY, EPORT_PIN_STATE_FINAL_TRY, 0},
      {CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY, EPORT_PIN_STATE_BLOCKED, 1},
  };
  for (const Row& row : rows) {
    CAPTURE(row.flags);
    const eport_pin_info out = state_of(row.flags, EPORT_PIN_USER);
    CHECK(out.state == row.state);
    CHECK(out.blocked == row.blocked);
    CHECK(out.source == EPORT_SOURCE_PKCS11_FLAGS);
    CHECK(out.tries_left == -1);  // never a guessed number
    CHECK(out.max_tries == -1);
    CHECK(out.is_default == -1);
  }
}

TEST_CASE("the SO PIN's flags are the PUK's state; no flag claims nothing", "[pkcs11][pins]") {
  CHECK(state_of(CKF_SO_PIN_FINAL_TRY, EPORT_PIN_PUK).state == EPORT_PIN_STATE_FINAL_TRY);
  CHECK(state_of(CKF_SO_PIN_COUNT_LOW, EPORT_PIN_PUK).state == EPORT_PIN_STATE_LOW);
  const eport_pin_info locked = state_of(CKF_SO_PIN_LOCKED, EPORT_PIN_PUK);
  CHECK(locked.state == EPORT_PIN_STATE_BLOCKED);
  CHECK(locked.blocked == 1);
  // The user PIN's flags say nothing about the SO PIN, and no SO flag is not "ok".
  const eport_pin_info silent = state_of(CKF_USER_PIN_LOCKED, EPORT_PIN_PUK);
  CHECK(silent.state == -1);
  CHECK(silent.blocked == -1);
  CHECK(silent.source == EPORT_SOURCE_NONE);
  // ... and the SO PIN's flags say nothing about the user PIN.
  CHECK(state_of(CKF_SO_PIN_LOCKED, EPORT_PIN_USER).state == EPORT_PIN_STATE_OK);
}

TEST_CASE("TO_BE_CHANGED marks the default PIN", "[pkcs11][pins]") {
  CHECK(state_of(CKF_USER_PIN_TO_BE_CHANGED, EPORT_PIN_USER).is_default == 1);
  const eport_pin_info so = state_of(CKF_SO_PIN_TO_BE_CHANGED, EPORT_PIN_PUK);
  CHECK(so.is_default == 1);
  CHECK(so.state == EPORT_PIN_STATE_OK);
  CHECK(state_of(CKF_SO_PIN_TO_BE_CHANGED, EPORT_PIN_USER).is_default == -1);
}

TEST_CASE("the length rule is the token's own, when it states a sane one", "[pkcs11][pins]") {
  const eport_pin_info softhsm = state_of(0, EPORT_PIN_USER, 4, 255);
  CHECK(softhsm.min_length == 4);
  CHECK(softhsm.max_length == 255);
  const eport_pin_info silent =
      state_of(0, EPORT_PIN_USER, CK_UNAVAILABLE_INFORMATION, CK_UNAVAILABLE_INFORMATION);
  CHECK(silent.min_length == -1);  // the host then lets the driver refuse
  CHECK(silent.max_length == -1);
}

TEST_CASE("a user PIN not yet initialised has no state", "[pkcs11][pins]") {
  CK_TOKEN_INFO token{};
  token.flags = CKF_TOKEN_INITIALIZED;
  eport_pin_info out = unknown();
  pin_state(token, EPORT_PIN_USER, &out);
  CHECK(out.state == -1);
}

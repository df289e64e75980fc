// PIN counters, the default-PIN flag, unblocking and the security state.
#include <catch2/catch.hpp>

#include "softskf_support.hpp"

using namespace softskf_test;

namespace {

struct PinInfo {
  ULONG max = 0, remaining = 0;
  BOOL is_default = -1;
};

PinInfo pin_info(HAPPLICATION app, ULONG type) {
  PinInfo info;
  REQUIRE(SKF_GetPINInfo(app, type, &info.max, &info.remaining, &info.is_default) == SAR_OK);
  return info;
}

ULONG verify(HAPPLICATION app, ULONG type, std::string pin, ULONG* retry = nullptr) {
  ULONG dummy = 0;
  return SKF_VerifyPIN(app, type, pin.data(), retry != nullptr ? retry : &dummy);
}

}  // namespace

TEST_CASE("softskf: SKF_GetPINInfo reads max, remaining and the default flag without spending a try") {
  DeviceDir dir;
  dir.add_sm2("SKP");
  Session s("SKP");
  REQUIRE(s.status == SAR_OK);
  for (int i = 0; i < 3; ++i) {
    const auto user = pin_info(s.app, USER_TYPE);
    CHECK(user.max == 6);
    CHECK(user.remaining == 6);
    CHECK(user.is_default == 1);
  }
  const auto admin = pin_info(s.app, ADMIN_TYPE);
  CHECK(admin.max == 10);
  CHECK(admin.remaining == 10);
  ULONG max = 0, remaining = 0;
  BOOL flag = 0;
  CHECK(SKF_GetPINInfo(s.app, 7, &max, &remaining, &flag) == SAR_USER_TYPE_INVALID);
}

TEST_CASE("softskf: wrong PINs count down to a lock; a right PIN restores the count") {
  DeviceDir dir;
  dir.add_sm2("SKW");
  Session s("SKW");
  REQUIRE(s.status == SAR_OK);
  ULONG retry = 99;
  CHECK(verify(s.app, USER_TYPE, "11111111", &retry) == SAR_PIN_INCORRECT);
  CHECK(retry == 5);
  CHECK(verify(s.app, USER_TYPE, "11111111", &retry) == SAR_PIN_INCORRECT);
  CHECK(retry == 4);
  CHECK(pin_info(s.app, USER_TYPE).remaining == 4);
  CHECK(verify(s.app, USER_TYPE, "88888888", &retry) == SAR_OK);
  CHECK(pin_info(s.app, USER_TYPE).remaining == 6);
  CHECK(dir.state("SKW").applications[0].logged_in == "user");
  REQUIRE(SKF_ClearSecureState(s.app) == SAR_OK);
  CHECK(dir.state("SKW").applications[0].logged_in.empty());
  for (int i = 0; i < 6; ++i) verify(s.app, USER_TYPE, "11111111", &retry);
  CHECK(retry == 0);
  CHECK(verify(s.app, USER_TYPE, "88888888", &retry) == SAR_PIN_LOCKED);
  CHECK(pin_info(s.app, USER_TYPE).remaining == 0);
}

TEST_CASE("softskf: a PIN of the wrong length is SAR_PIN_LEN_RANGE and costs no try") {
  DeviceDir dir;
  dir.add_sm2("SKN");
  Session s("SKN");
  REQUIRE(s.status == SAR_OK);
  CHECK(verify(s.app, USER_TYPE, "123") == SAR_PIN_LEN_RANGE);
  CHECK(verify(s.app, USER_TYPE, std::string(17, '1')) == SAR_PIN_LEN_RANGE);
  std::string old_pin = "88888888", short_pin = "12";
  ULONG retry = 0;
  CHECK(SKF_ChangePIN(s.app, USER_TYPE, old_pin.data(), short_pin.data(), &retry) == SAR_PIN_LEN_RANGE);
  CHECK(pin_info(s.app, USER_TYPE).remaining == 6);
}

TEST_CASE("softskf: SKF_UnblockPIN with the admin PIN resets a locked user PIN and counts admin tries") {
  DeviceDir dir;
  dir.add_sm2("SKU");
  Session s("SKU");
  REQUIRE(s.status == SAR_OK);
  for (int i = 0; i < 6; ++i) verify(s.app, USER_TYPE, "00000000");
  REQUIRE(pin_info(s.app, USER_TYPE).remaining == 0);
  std::string wrong_admin = "99999999", admin = "12345678", fresh = "88888888", other = "24682468";
  ULONG retry = 99;
  CHECK(SKF_UnblockPIN(s.app, wrong_admin.data(), fresh.data(), &retry) == SAR_PIN_INCORRECT);
  CHECK(retry == 9);
  CHECK(pin_info(s.app, ADMIN_TYPE).remaining == 9);
  CHECK(pin_info(s.app, USER_TYPE).remaining == 0);
  REQUIRE(SKF_UnblockPIN(s.app, admin.data(), fresh.data(), &retry) == SAR_OK);
  CHECK(pin_info(s.app, ADMIN_TYPE).remaining == 10);
  const auto user = pin_info(s.app, USER_TYPE);
  CHECK(user.remaining == 6);
  CHECK(user.is_default == 1);  // back to 88888888, the PIN init set
  CHECK(verify(s.app, USER_TYPE, "88888888") == SAR_OK);
  REQUIRE(SKF_UnblockPIN(s.app, admin.data(), other.data(), &retry) == SAR_OK);
  CHECK(pin_info(s.app, USER_TYPE).is_default == 0);
}

TEST_CASE("softskf: an admin PIN spent to zero is locked for good") {
  DeviceDir dir;
  eport::softskf::InitOptions options;
  options.serial = "SKZ";
  options.admin_tries = 2;
  dir.add(options);
  Session s("SKZ");
  REQUIRE(s.status == SAR_OK);
  std::string wrong = "99999999", admin = "12345678", fresh = "88888888";
  ULONG retry = 0;
  CHECK(SKF_UnblockPIN(s.app, wrong.data(), fresh.data(), &retry) == SAR_PIN_INCORRECT);
  CHECK(SKF_UnblockPIN(s.app, wrong.data(), fresh.data(), &retry) == SAR_PIN_INCORRECT);
  CHECK(retry == 0);
  CHECK(SKF_UnblockPIN(s.app, admin.data(), fresh.data(), &retry) == SAR_PIN_LOCKED);
}

TEST_CASE("softskf: SKF_ChangePIN needs the old PIN, clears the default flag and logs the user in") {
  DeviceDir dir;
  dir.add_sm2("SKG");
  Session s("SKG");
  REQUIRE(s.status == SAR_OK);
  std::string wrong = "00000000", old_pin = "88888888", new_pin = "13572468";
  ULONG retry = 0;
  CHECK(SKF_ChangePIN(s.app, USER_TYPE, wrong.data(), new_pin.data(), &retry) == SAR_PIN_INCORRECT);
  CHECK(retry == 5);
  REQUIRE(SKF_ChangePIN(s.app, USER_TYPE, old_pin.data(), new_pin.data(), &retry) == SAR_OK);
  const auto user = pin_info(s.app, USER_TYPE);
  CHECK(user.is_default == 0);
  CHECK(user.remaining == 6);
  CHECK(dir.state("SKG").applications[0].logged_in == "user");
  CHECK(verify(s.app, USER_TYPE, "13572468") == SAR_OK);
  CHECK(verify(s.app, USER_TYPE, "88888888") == SAR_PIN_INCORRECT);
}

// PIN state and PIN operations of eport-skf.so over the soft SKF token, through the host's
// Driver wrapper: exact counts from SKF_GetPINInfo, no try spent to learn them, the admin PIN
// unblocking the user PIN, SKF_ClearSecureState after every privileged job.
#include <catch2/catch.hpp>

#include <eport/softskf/state.hpp>

#include "skf_fixture.hpp"

using namespace skf_test;
using eport::drivers::PinKind;
using eport::drivers::Status;

TEST_CASE("skf plugin: PIN and admin PIN show exact tries, max and the default flag, source skf") {
  SkfFixture f;
  f.add_device("P1");
  auto token = f.open("P1");
  for (int i = 0; i < 2; ++i) {  // asking twice spends nothing
    const auto pin = f.driver().pin_status(token, no_channel(), PinKind::User);
    REQUIRE(pin.ok());
    CHECK(pin.value.tries_left == 6);
    CHECK(pin.value.max_tries == 6);
    CHECK(pin.value.is_default == true);
    CHECK(pin.value.blocked == false);
    CHECK(pin.value.source == "skf");
    CHECK(pin.value.max_source == "skf");
  }
  const auto puk = f.driver().pin_status(token, no_channel(), PinKind::Puk);
  REQUIRE(puk.ok());
  CHECK(puk.value.tries_left == 10);
  CHECK(puk.value.max_tries == 10);
  CHECK(f.state("P1").applications[0].user_pin.remaining == 6);
}

TEST_CASE("skf plugin: pin_change with a wrong old PIN reports the tries left; the right one changes it") {
  SkfFixture f;
  f.add_device("P2");
  auto token = f.open("P2");
  auto wrong = f.driver().pin_change(token, no_channel(), PinKind::User, "00000000", "24682468");
  CHECK(wrong.status == Status::WrongPin);
  CHECK(wrong.value.tries_left == 5);
  auto done = f.driver().pin_change(token, no_channel(), PinKind::User, "88888888", "24682468");
  REQUIRE(done.ok());
  CHECK(done.value.tries_left == 6);
  CHECK(done.value.is_default == false);
  const auto state = f.state("P2");
  CHECK(eport::softskf::same_hash(state.applications[0].user_pin.hash,
                                  eport::softskf::pin_hash(state.salt, "24682468")));
  CHECK(state.applications[0].logged_in.empty());  // SKF_ClearSecureState ran
}

TEST_CASE("skf plugin: a new PIN of the wrong length is refused before the key is asked") {
  SkfFixture f;
  f.add_device("P3");
  auto token = f.open("P3");
  CHECK(f.driver().pin_change(token, no_channel(), PinKind::User, "00000000", "123").status ==
        Status::InvalidPin);
  CHECK(f.driver().pin_reset(token, no_channel(), "00000000", "123").status == Status::InvalidPin);
  const auto state = f.state("P3");
  CHECK(state.applications[0].user_pin.remaining == 6);
  CHECK(state.applications[0].admin_pin.remaining == 10);
}

TEST_CASE("skf plugin: pin_reset with the admin PIN unblocks a locked PIN to 88888888") {
  SkfFixture f;
  f.add_device("P4");
  auto state = f.state("P4");
  state.applications[0].user_pin.remaining = 0;  // locked by wrong PINs
  state.applications[0].user_pin.hash = eport::softskf::pin_hash(state.salt, "13571357");
  f.save("P4", state);
  auto token = f.open("P4");
  const auto locked = f.driver().pin_status(token, no_channel(), PinKind::User);
  CHECK(locked.value.blocked == true);
  CHECK(locked.value.tries_left == 0);
  auto wrong = f.driver().pin_reset(token, no_channel(), "99999999", "88888888");
  CHECK(wrong.status == Status::WrongPin);
  CHECK(wrong.value.tries_left == 9);  // the admin PIN's count
  auto done = f.driver().pin_reset(token, no_channel(), "12345678", "88888888");
  REQUIRE(done.ok());
  CHECK(done.value.tries_left == 6);
  CHECK(done.value.is_default == true);
  const auto after = f.state("P4");
  CHECK(eport::softskf::same_hash(after.applications[0].user_pin.hash,
                                  eport::softskf::pin_hash(after.salt, "88888888")));
  CHECK(after.applications[0].admin_pin.remaining == 10);
  CHECK(after.applications[0].logged_in.empty());
}

TEST_CASE("skf plugin: a locked admin PIN is refused without an attempt") {
  SkfFixture f;
  f.add_device("P5");
  auto state = f.state("P5");
  state.applications[0].admin_pin.remaining = 0;
  f.save("P5", state);
  auto token = f.open("P5");
  const auto puk = f.driver().pin_status(token, no_channel(), PinKind::Puk);
  CHECK(puk.value.blocked == true);
  const auto refused = f.driver().pin_reset(token, no_channel(), "12345678", "88888888");
  CHECK(refused.status == Status::PinBlocked);
  CHECK(f.state("P5").applications[0].admin_pin.remaining == 0);
}

TEST_CASE("skf plugin: the 8-byte-BOOL library reports the default flag right") {
  auto options = SkfFixture::default_options();
  options["libraries"].push_back({{"library", EPORT_SOFTSKF_BOOL64_LIBRARY}, {"label", "wide"}});
  SkfFixture f(options);
  f.add_device("W1", true);
  auto token = f.open("W1");
  auto pin = f.driver().pin_status(token, no_channel(), PinKind::User);
  REQUIRE(pin.ok());
  CHECK(pin.value.is_default == true);
  REQUIRE(f.driver().pin_change(token, no_channel(), PinKind::User, "88888888", "24682468").ok());
  pin = f.driver().pin_status(token, no_channel(), PinKind::User);
  CHECK(pin.value.is_default == false);
}

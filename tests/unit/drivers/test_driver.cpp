// Driver operations through the good fixture driver and a fake card, the token provider
// fixture, and the guards around misbehaving plug-ins.
#include <catch2/catch.hpp>

#include <thread>

#include "drivers/loader.hpp"
#include "fake_card.hpp"
#include "test_support.hpp"

using namespace eport::drivers;
using eport::drivers::test::CapturedLog;
using eport::drivers::test::FakeCard;
using eport::drivers::test::fixture_dir;
using eport::drivers::test::fixture_path;
using eport::drivers::test::is_loaded;

namespace {

const std::vector<std::uint8_t> kAtr{0x3B, 0x88, 0x80, 0x01};

std::unique_ptr<Driver> load(const std::string& name, const CapturedLog& log,
                             nlohmann::json options = nullptr) {
  LoadResult result = load_drivers(fixture_dir(), {{name, std::move(options)}}, LoadMode::Full, log.logger());
  REQUIRE(result.failures.empty());
  REQUIRE(result.drivers.size() == 1);
  return std::move(result.drivers[0]);
}

TokenHandle open(Driver& driver, FakeCard& card) {
  REQUIRE(driver.match(card, kAtr).ok());
  Result<TokenHandle> token = driver.open_token(card);
  REQUIRE(token.ok());
  return std::move(token.value);
}

std::vector<std::uint8_t> bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i * 7);
  return out;
}

}  // namespace

TEST_CASE("match accepts the fixture card after a SELECT through the host's transmit", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  Result<bool> mine = driver->match(card, kAtr);
  CHECK(mine.ok());
  CHECK(mine.value);
  REQUIRE(card.log.size() == 1);
  CHECK(card.log[0][1] == 0xA4);
}

TEST_CASE("match says no_match for a card of another kind", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  Result<bool> other = driver->match(card, {0x3F, 0x00});
  CHECK(other.status == Status::NoMatch);
  CHECK_FALSE(other.value);
  CHECK(card.log.empty());
}

TEST_CASE("identify reports the card's serial and the configured label", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log, {{"label", "Desk 3"}});
  FakeCard card;
  TokenHandle token = open(*driver, card);
  Result<TokenIdentity> id = driver->identify(token, card);
  REQUIRE(id.ok());
  CHECK(id.value.serial == "0001e240");
  CHECK(id.value.label == "Desk 3");
  CHECK(id.value.model == "fixture card");
  CHECK(id.value.manufacturer.empty());
}

TEST_CASE("pin_status reports tries left and their source without spending a try", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  card.pin_tries = 2;
  TokenHandle token = open(*driver, card);
  Result<PinInfo> pin = driver->pin_status(token, card, PinKind::User);
  REQUIRE(pin.ok());
  CHECK(pin.value.tries_left == 2);
  CHECK(pin.value.max_tries == 3);
  CHECK(pin.value.blocked == false);
  CHECK_FALSE(pin.value.is_default.has_value());
  CHECK(pin.value.source == "verify-status");
  CHECK(pin.value.max_source == "config");
  CHECK(card.pin_tries == 2);
}

TEST_CASE("a wrong PUK reports the PUK tries left", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  Result<PinInfo> reset = driver->pin_reset(token, card, "00000000", "654321");
  CHECK(reset.status == Status::WrongPin);
  CHECK(reset.value.tries_left == 2);
  CHECK_THAT(reset.detail, Catch::Contains("wrong"));
  CHECK(card.pin == "123456");
}

TEST_CASE("a PIN reset with the right PUK sets the new PIN", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  card.pin_tries = 0;
  TokenHandle token = open(*driver, card);
  Result<PinInfo> reset = driver->pin_reset(token, card, "12345678", "654321");
  REQUIRE(reset.ok());
  CHECK(reset.value.tries_left == 3);
  CHECK(card.pin == "654321");
  CHECK(card.pin_tries == 3);
}

TEST_CASE("a new PIN that breaks the rules is refused without sending anything", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  const auto sent = card.log.size();
  Result<PinInfo> change = driver->pin_change(token, card, PinKind::User, "123456", "12ab");
  CHECK(change.status == Status::InvalidPin);
  CHECK(card.log.size() == sent);
}

TEST_CASE("pin_change with the old PIN changes it", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  CHECK(driver->pin_change(token, card, PinKind::User, "123456", "24681357").ok());
  CHECK(card.pin == "24681357");
}

TEST_CASE("cert_list shows which slots hold a certificate", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  card.objects[0x9A] = bytes(100);
  TokenHandle token = open(*driver, card);
  Result<std::vector<SlotInfo>> slots = driver->cert_list(token, card);
  REQUIRE(slots.ok());
  REQUIRE(slots.value.size() == 2);
  CHECK(slots.value[0].slot == "9a");
  CHECK(slots.value[0].label == "Authentication");
  CHECK(slots.value[0].has_certificate == true);
  CHECK_FALSE(slots.value[0].has_key.has_value());
  CHECK(slots.value[1].slot == "9c");
  CHECK(slots.value[1].has_certificate == false);
}

TEST_CASE("cert_read grows its buffer once for a large certificate", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  card.objects[0x9A] = bytes(5000);  // larger than the host's first 4 KiB buffer
  TokenHandle token = open(*driver, card);
  Result<std::vector<std::uint8_t>> der = driver->cert_read(token, card, "9a");
  REQUIRE(der.ok());
  CHECK(der.value == card.objects[0x9A]);
}

TEST_CASE("cert_read of an empty slot is not_found", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  CHECK(driver->cert_read(token, card, "9c").status == Status::NotFound);
  CHECK(driver->cert_read(token, card, "zz").status == Status::BadArgs);
}

TEST_CASE("cert_write needs the right management key", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  const auto der = bytes(200);
  CHECK(driver->cert_write(token, card, "9c", der, {}).status == Status::MgmtKeyRequired);
  CHECK(driver->cert_write(token, card, "9c", der, {9, 9, 9, 9}).status == Status::WrongMgmtKey);
  CHECK(driver->cert_write(token, card, "9c", der, {1, 2, 3, 4}).ok());
  CHECK(card.objects[0x9C] == der);
}

TEST_CASE("an operation without its capability is unsupported and never reaches the plug-in",
          "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  const auto sent = card.log.size();
  Result<std::vector<std::uint8_t>> key = driver->slot_public_key(token, card, "9a");
  CHECK(key.status == Status::Unsupported);
  CHECK_THAT(key.detail, Catch::Contains("does not support slot_public_key"));
  CHECK(card.log.size() == sent);
  CHECK(driver->enumerate().status == Status::Unsupported);
}

TEST_CASE("a removed card surfaces as card_removed", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  card.removed = true;
  Result<TokenIdentity> id = driver->identify(token, card);
  CHECK(id.status == Status::CardRemoved);
  CHECK_THAT(id.detail, Catch::Contains("removed"));
}

TEST_CASE("a token from another driver is refused", "[drivers][driver]") {
  CapturedLog log;
  auto good = load("good", log);
  auto other = load("unknown-status", log);
  FakeCard card;
  TokenHandle token = open(*good, card);
  CHECK(other->identify(token, card).status == Status::BadArgs);
  TokenHandle closed;
  CHECK(good->identify(closed, card).status == Status::BadArgs);
}

TEST_CASE("an open token keeps the plug-in loaded after its driver is gone", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  driver.reset();
  CHECK(is_loaded(fixture_path("good")));
  CHECK_FALSE(log.contains("shutdown"));
  token.close();
  CHECK(log.contains("[driver good] shutdown"));
  CHECK_FALSE(is_loaded(fixture_path("good")));
}

TEST_CASE("an unknown status from a plug-in becomes an internal error naming it", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("unknown-status", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  Result<TokenIdentity> id = driver->identify(token, card);
  CHECK(id.status == Status::Internal);
  CHECK_THAT(id.detail, Catch::Contains("unknown status 4242 from driver \"unknown-status\" in identify"));
  CHECK(log.contains("unknown status 4242"));
}

TEST_CASE("an exception escaping a plug-in becomes an internal error", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("throws", log);
  FakeCard card;
  TokenHandle token = open(*driver, card);
  Result<TokenIdentity> id = driver->identify(token, card);
  CHECK(id.status == Status::Internal);
  CHECK_THAT(id.detail, Catch::Contains("threw a C++ exception out of identify"));
}

TEST_CASE("a token provider lists more tokens than the first buffer holds", "[drivers][provider]") {
  CapturedLog log;
  auto driver = load("provider", log);
  CHECK(driver->info().kind == "token-provider");
  CHECK_FALSE(driver->is_card_driver());
  Result<std::vector<TokenIdentity>> tokens = driver->enumerate();
  REQUIRE(tokens.ok());
  REQUIRE(tokens.value.size() == 20);
  CHECK(tokens.value.front().serial == "P0001");
  CHECK(tokens.value.back().serial == "P0020");
  CHECK(tokens.value.back().model == "fixture token");
}

TEST_CASE("token provider operations get no channel", "[drivers][provider]") {
  CapturedLog log;
  auto driver = load("provider", log);
  NoChannel none;
  Result<TokenHandle> token = driver->open_provider_token("P0007");
  REQUIRE(token.ok());
  Result<PinInfo> pin = driver->pin_status(token.value, none, PinKind::User);
  REQUIRE(pin.ok());  // the fixture answers bad_args if it receives a channel
  CHECK(pin.value.tries_left == 7);
  CHECK(pin.value.source == "skf");
  CHECK(driver->open_provider_token("X1").status == Status::NotFound);
  CHECK(driver->wait_change(std::chrono::milliseconds(10)).status == Status::Timeout);
  FakeCard card;
  CHECK(driver->match(card, kAtr).status == Status::Unsupported);
}

TEST_CASE("two tokens of one driver work from two threads at once", "[drivers][driver]") {
  CapturedLog log;
  auto driver = load("good", log);
  FakeCard first;
  FakeCard second;
  second.serial = {0xAA, 0xBB, 0xCC, 0xDD};
  TokenHandle a = open(*driver, first);
  TokenHandle b = open(*driver, second);
  const auto work = [&driver](TokenHandle& token, FakeCard& card, std::string& serial) {
    for (int i = 0; i < 200; ++i) {
      Result<TokenIdentity> id = driver->identify(token, card);
      if (!id.ok()) return;
      serial = id.value.serial;
    }
  };
  std::string serial_a;
  std::string serial_b;
  std::thread thread_a(work, std::ref(a), std::ref(first), std::ref(serial_a));
  std::thread thread_b(work, std::ref(b), std::ref(second), std::ref(serial_b));
  thread_a.join();
  thread_b.join();
  CHECK(serial_a == "0001e240");
  CHECK(serial_b == "aabbccdd");
  CHECK(first.log.size() == 201);  // SELECT + 200 GET SERIAL: no APDU went to the other card
}

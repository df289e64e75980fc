// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER and their counters.
#include <catch2/catch.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using eport::vcard::Card;
using eport::vcard::pad_pin;

namespace {

Bytes change_apdu(uint8_t ref, const std::string& old_value, const std::string& new_value) {
  return apdu(0x24, 0x00, ref, cat(pad_pin(old_value), pad_pin(new_value)));
}

Bytes unblock_apdu(const std::string& puk, const std::string& new_pin) {
  return apdu(0x2C, 0x00, 0x80, cat(pad_pin(puk), pad_pin(new_pin)));
}

}  // namespace

TEST_CASE("an empty VERIFY reports tries left without spending one", "[vcard][pin]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(sw_of(card.transmit(h("00 20 00 80 00"))) == 0x63C3);
  CHECK(card.state().pin.remaining == 3);
  CHECK_FALSE(card.dirty());
}

TEST_CASE("a wrong PIN decrements the counter and the right one restores it", "[vcard][pin]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(verify_apdu("11111111"))) == 0x63C2);
  CHECK(card.dirty());
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C2);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK(card.state().pin.remaining == 3);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x9000);
}

TEST_CASE("a PIN blocked by wrong tries answers 6983 even to the right PIN", "[vcard][pin]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(verify_apdu("11111111"))) == 0x63C2);
  CHECK(sw_of(card.transmit(verify_apdu("11111111"))) == 0x63C1);
  CHECK(sw_of(card.transmit(verify_apdu("11111111"))) == 0x63C0);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x6983);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x6983);
}

TEST_CASE("RESET RETRY COUNTER with the PUK sets a new PIN and restores its counter", "[vcard][pin]") {
  Card card = fresh_card();
  for (int i = 0; i < 3; ++i) card.transmit(verify_apdu("11111111"));
  REQUIRE(sw_of(card.transmit(h("00 20 00 80"))) == 0x6983);
  CHECK(sw_of(card.transmit(unblock_apdu("00000000", "654321"))) == 0x63C2);
  CHECK(sw_of(card.transmit(unblock_apdu("12345678", "654321"))) == 0x9000);
  CHECK(card.state().puk.remaining == 3);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(sw_of(card.transmit(verify_apdu("654321"))) == 0x9000);
}

TEST_CASE("a blocked PUK cannot unblock the PIN", "[vcard][pin]") {
  Card card = fresh_card();
  for (int i = 0; i < 3; ++i) card.transmit(unblock_apdu("00000000", "654321"));
  CHECK(sw_of(card.transmit(unblock_apdu("12345678", "654321"))) == 0x6983);
}

TEST_CASE("CHANGE REFERENCE DATA changes the PIN and the PUK", "[vcard][pin]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(change_apdu(0x80, "00000000", "11223344"))) == 0x63C2);
  CHECK(sw_of(card.transmit(change_apdu(0x80, "88888888", "11223344"))) == 0x9000);
  CHECK(card.state().pin.remaining == 3);
  card.reset();
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x63C2);
  CHECK(sw_of(card.transmit(verify_apdu("11223344"))) == 0x9000);
  CHECK(sw_of(card.transmit(change_apdu(0x81, "12345678", "87654321"))) == 0x9000);
  CHECK(sw_of(card.transmit(unblock_apdu("12345678", "123456"))) == 0x63C2);
  CHECK(sw_of(card.transmit(unblock_apdu("87654321", "123456"))) == 0x9000);
}

TEST_CASE("a too short new PIN is refused without spending a try", "[vcard][pin]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(change_apdu(0x80, "88888888", "123"))) == 0x6A80);
  CHECK(card.state().pin.remaining == 3);
}

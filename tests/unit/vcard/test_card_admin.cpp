// YubiKey extensions: FD version, F8 serial, FF set management key, FA set retries, FB reset.
#include <catch2/catch.hpp>

#include <eport/vcard/piv.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using eport::vcard::Card;
namespace piv = eport::vcard::piv;

TEST_CASE("GET VERSION and GET SERIAL answer 5.4.3 and the serial", "[vcard][yubikey]") {
  Card card = fresh_card();
  CHECK(card.transmit(h("00 FD 00 00 00")) == h("05 04 03 90 00"));
  CHECK(card.transmit(h("00 F8 00 00 00")) == h("00 BC 61 4E 90 00"));
}

TEST_CASE("SET MANAGEMENT KEY switches to an AES-256 key that then authenticates", "[vcard][yubikey]") {
  Card card = fresh_card();
  Bytes key(32, 0x77);
  Bytes cmd = apdu(0xFF, 0xFF, 0xFF, cat(h("0C 9B 20"), key));
  CHECK(sw_of(card.transmit(cmd)) == 0x6982);
  admin(card);
  CHECK(sw_of(card.transmit(apdu(0xFF, 0xFF, 0xFF, cat(h("0C 9B 18"), key)))) == 0x6A80);
  REQUIRE(sw_of(card.transmit(cmd)) == 0x9000);
  card.reset();
  CHECK(mutual_auth(card, 0x0C, key) == 0x9000);
  CHECK(transmit_all(card, h("00 F7 00 9B 00")) == h("01 01 0C 02 02 00 01 05 01 00 90 00"));
}

TEST_CASE("SET PIN RETRIES needs management key and PIN, and resets PIN and PUK", "[vcard][yubikey]") {
  Card card = fresh_card();
  admin(card);
  CHECK(sw_of(card.transmit(h("00 FA 05 06"))) == 0x6982);
  Bytes change =
      apdu(0x24, 0x00, 0x80, cat(eport::vcard::pad_pin("88888888"), eport::vcard::pad_pin("13572468")));
  REQUIRE(sw_of(card.transmit(change)) == 0x9000);
  REQUIRE(sw_of(card.transmit(verify_apdu("13572468"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 FA 05 06"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C5);
  CHECK(card.state().puk.max_tries == 6);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
}

TEST_CASE("RESET works only when PIN and PUK are both blocked, and wipes keys", "[vcard][yubikey]") {
  Card card = fresh_card();
  admin(card);
  REQUIRE(sw_of(transmit_all(card, apdu(0x47, 0x00, 0x9E, h("AC 03 80 01 11")))) == 0x9000);
  REQUIRE(sw_of(card.transmit(h("00 DB 3F FF 09 5C 03 5F C1 01 53 02 01 02"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 FB 00 00"))) == 0x6985);
  for (int i = 0; i < 3; ++i) card.transmit(verify_apdu("00000000"));
  CHECK(sw_of(card.transmit(h("00 FB 00 00"))) == 0x6985);
  Bytes bad_unblock =
      apdu(0x2C, 0x00, 0x80, cat(eport::vcard::pad_pin("00000000"), eport::vcard::pad_pin("123456")));
  for (int i = 0; i < 3; ++i) card.transmit(bad_unblock);
  CHECK(sw_of(card.transmit(h("00 FB 00 00"))) == 0x9000);
  CHECK(card.state().keys.empty());
  CHECK(card.state().objects.count(0x5FC101) == 0);
  CHECK(card.state().objects.count(0x5FC102) == 1);
  CHECK(card.state().serial == 12345678);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK_FALSE(card.management_authenticated());
}

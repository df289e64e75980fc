// SELECT, command chaining, 61xx chunking, power handling.
#include <catch2/catch.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using eport::vcard::Card;

namespace {

// A 600-byte object, written with management-key authentication.
Bytes put_big_object(Card& card, uint8_t fill) {
  admin(card);
  Bytes content(596, fill);
  Bytes object = cat(h("53 82 02 54"), content);
  Bytes data = cat(h("5C 03 5F C1 05"), object);
  // OpenSC's layout: 255-byte pieces with CLA 10, the last one with CLA 00.
  for (std::size_t off = 0; off < data.size(); off += 255) {
    std::size_t n = std::min<std::size_t>(255, data.size() - off);
    bool last = off + n == data.size();
    Bytes cmd{static_cast<uint8_t>(last ? 0x00 : 0x10), 0xDB, 0x3F, 0xFF, static_cast<uint8_t>(n)};
    cmd.insert(cmd.end(), data.begin() + static_cast<std::ptrdiff_t>(off),
               data.begin() + static_cast<std::ptrdiff_t>(off + n));
    REQUIRE(sw_of(card.transmit(cmd)) == 0x9000);
  }
  return object;
}

const Bytes kGet9A = h("00 CB 3F FF 05 5C 03 5F C1 05");

}  // namespace

TEST_CASE("SELECT by a 5-byte AID prefix answers the application property template", "[vcard][select]") {
  Card card = fresh_card();
  Bytes r = card.transmit(h("00 A4 04 00 05 A0 00 00 03 08"));
  CHECK(sw_of(r) == 0x9000);
  CHECK(data_of(r) == h("61 11 4F 06 00 00 10 00 01 00 79 07 4F 05 A0 00 00 03 08"));
  CHECK(sw_of(card.transmit(h("00 A4 04 00 0B A0 00 00 03 08 00 00 10 00 01 00 00"))) == 0x9000);
}

TEST_CASE("an unknown AID is 6A82 and PIV stays selected", "[vcard][select]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(h("00 A4 04 00 06 A0 00 00 00 01 01"))) == 0x6A82);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(sw_of(card.transmit(h("00 A4 04 00 08 A0 00 00 05 27 47 11 17"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
}

TEST_CASE("unknown class and instruction bytes are refused", "[vcard][select]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(h("B0 76 01 FF 00"))) == 0x6E00);
  CHECK(sw_of(card.transmit(h("00 12 00 00 00"))) == 0x6D00);
}

TEST_CASE("a chained PUT DATA is stored whole and read back whole", "[vcard][chaining]") {
  Card card = fresh_card();
  Bytes object = put_big_object(card, 0xAB);
  CHECK(card.dirty());
  CHECK(transmit_all(card, kGet9A) == cat(object, h("90 00")));
}

TEST_CASE("GET DATA honours a small Le and continues with 61xx", "[vcard][chunking]") {
  Card card = fresh_card();
  Bytes object = put_big_object(card, 0x11);
  Bytes r = card.transmit(cat(kGet9A, h("08")));
  REQUIRE(r.size() == 10);
  CHECK(data_of(r) == Bytes(object.begin(), object.begin() + 8));
  CHECK(r[8] == 0x61);
  CHECK(r[9] == 0x00);  // more than 255 bytes left
  Bytes got = data_of(r);
  r = card.transmit(h("00 C0 00 00 10"));
  CHECK(r.size() == 16 + 2);
  got = cat(got, data_of(r));
  while (sw_of(r) != 0x9000) {
    r = card.transmit(h("00 C0 00 00 00"));
    CHECK(r.size() <= 258);
    got = cat(got, data_of(r));
  }
  CHECK(got == object);
}

TEST_CASE("without Le a response never carries more than 256 bytes", "[vcard][chunking]") {
  Card card = fresh_card();
  Bytes object = put_big_object(card, 0x22);
  Bytes r = card.transmit(kGet9A);
  CHECK(r.size() == 258);
  CHECK(r[256] == 0x61);
  r = card.transmit(h("00 C0 00 00 00"));
  CHECK(r.size() == 258);
  r = card.transmit(h("00 C0 00 00 00"));
  CHECK(r.size() == 600 - 512 + 2);
  CHECK(sw_of(r) == 0x9000);
  CHECK(r[r.size() - 3] == object.back());
}

TEST_CASE("reading the ATR between chunks keeps the pending response", "[vcard][chunking][power]") {
  Card card = fresh_card();
  Bytes object = put_big_object(card, 0x33);
  Bytes r = card.transmit(kGet9A);
  REQUIRE(sw_of(r) == 0x6100);
  Bytes atr = Card::atr();  // what vpcd's presence poll does
  CHECK(atr.front() == 0x3B);
  r = card.transmit(h("00 C0 00 00 00"));
  CHECK((sw_of(r) == 0x6158));
}

TEST_CASE("reading the ATR inside a command chain keeps the chain", "[vcard][chaining][power]") {
  Card card = fresh_card();
  admin(card);
  CHECK(sw_of(card.transmit(h("10 DB 3F FF 05 5C 03 5F C1 09"))) == 0x9000);
  (void)Card::atr();
  CHECK(sw_of(card.transmit(h("00 DB 3F FF 04 53 02 AA BB"))) == 0x9000);
  CHECK(card.state().objects.at(0x5FC109) == h("53 02 AA BB"));
}

TEST_CASE("a power cycle clears volatile state but keeps persistent state", "[vcard][power]") {
  Card card = fresh_card();
  put_big_object(card, 0x44);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK(sw_of(card.transmit(verify_apdu("00000000"))) == 0x63C2);
  CHECK(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  REQUIRE(sw_of(card.transmit(kGet9A)) == 0x6100);
  CHECK(sw_of(card.transmit(h("10 DB 3F FF 05 5C 03 5F C1 09"))) == 0x9000);

  card.power_off();
  card.power_on();

  CHECK_FALSE(card.pin_verified());
  CHECK_FALSE(card.management_authenticated());
  CHECK(sw_of(card.transmit(h("00 C0 00 00 00"))) == 0x6985);  // pending response gone
  // The chain is gone too: the last piece alone is not a valid PUT DATA (and needs auth).
  CHECK(sw_of(card.transmit(h("00 DB 3F FF 04 53 02 AA BB"))) == 0x6982);
  CHECK(sw_of(card.transmit(h("00 20 00 80"))) == 0x63C3);
  CHECK(transmit_all(card, kGet9A).size() == 602);
}

TEST_CASE("reset clears PIN verification like a power cycle", "[vcard][power]") {
  Card card = fresh_card();
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  card.reset();
  CHECK(sw_of(card.transmit(h("00 20 00 80 00"))) == 0x63C3);
}

TEST_CASE("the ATR offers T=1 and has a valid check byte", "[vcard][power]") {
  Bytes atr = Card::atr();
  REQUIRE(atr.size() > 4);
  CHECK(atr[0] == 0x3B);
  CHECK((atr[1] & 0x80) != 0);
  CHECK(atr[3] == 0x01);  // TD2: T=1
  uint8_t x = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  CHECK(x == 0);
  CHECK(atr != h("3B 80 80 01 01"));
}

TEST_CASE("Discovery, CHUID and CCC are readable without a PIN", "[vcard][objects]") {
  Card card = fresh_card();
  CHECK(transmit_all(card, h("00 CB 3F FF 03 5C 01 7E 00")) ==
        h("7E 12 4F 0B A0 00 00 03 08 00 00 10 00 01 00 5F 2F 02 40 00 90 00"));
  Bytes chuid = transmit_all(card, h("00 CB 3F FF 05 5C 03 5F C1 02 00"));
  CHECK(chuid[0] == 0x53);
  CHECK(chuid[1] + 2u + 2u == chuid.size());
  // GUID = "eport-vcard\0" + serial big-endian
  Bytes guid_tail = h("00 BC 61 4E");
  CHECK(std::search(chuid.begin(), chuid.end(), guid_tail.begin(), guid_tail.end()) != chuid.end());
  CHECK(sw_of(transmit_all(card, h("00 CB 3F FF 05 5C 03 5F C1 07 00"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 05 5C 03 5F C1 05 00"))) == 0x6A82);
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 02 5C 00 00"))) == 0x6A80);
}

TEST_CASE("PIN-protected objects answer 6982 until the PIN is verified", "[vcard][objects]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 05 5C 03 5F C1 09 00"))) == 0x6982);
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 05 5C 03 5F C1 03 00"))) == 0x6982);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 05 5C 03 5F C1 09 00"))) == 0x6A82);
}

TEST_CASE("PUT DATA is refused without management-key authentication", "[vcard][objects]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(h("00 DB 3F FF 09 5C 03 5F C1 05 53 02 01 02"))) == 0x6982);
  CHECK_FALSE(card.dirty());
  CHECK(card.state().objects.count(0x5FC105) == 0);
}

TEST_CASE("PUT DATA with an empty 53 deletes the object", "[vcard][objects]") {
  Card card = fresh_card();
  admin(card);
  REQUIRE(sw_of(card.transmit(h("00 DB 3F FF 09 5C 03 5F C1 05 53 02 01 02"))) == 0x9000);
  REQUIRE(sw_of(card.transmit(h("00 DB 3F FF 07 5C 03 5F C1 05 53 00"))) == 0x9000);
  CHECK(sw_of(card.transmit(h("00 CB 3F FF 05 5C 03 5F C1 05 00"))) == 0x6A82);
}

TEST_CASE("a card with corrupt writes stores one byte changed and still says 9000", "[vcard][data]") {
  eport::vcard::Card card = fresh_card();
  admin(card);
  card.corrupt_writes(1);
  // 53 { 70 03 AA BB CC  71 01 00  FE 00 } for slot 9A
  const Bytes put = h("00 DB 3F FF 11 5C 03 5F C1 05 53 0A 70 03 AA BB CC 71 01 00 FE 00");
  REQUIRE(sw_of(card.transmit(put)) == 0x9000);
  const Bytes get = h("00 CB 3F FF 05 5C 03 5F C1 05 00");
  CHECK(transmit_all(card, get) == h("53 0A 70 03 AA BB CD 71 01 00 FE 00 90 00"));
  // only the first write: the next one is stored as sent
  REQUIRE(sw_of(card.transmit(put)) == 0x9000);
  CHECK(transmit_all(card, get) == h("53 0A 70 03 AA BB CC 71 01 00 FE 00 90 00"));
}

#include <catch2/catch.hpp>

#include <eport/vcard/apdu.hpp>
#include <eport/vcard/tlv.hpp>

#include "vcard_test_support.hpp"

using namespace eport::vcard;
using vcard_test::h;

TEST_CASE("a command without Le expects up to 256 bytes", "[vcard][apdu]") {
  auto c = parse_command(h("00 20 00 80"));
  REQUIRE(c);
  CHECK(c->data.empty());
  CHECK(c->le == 256);
  auto d = parse_command(h("00 DB 3F FF 02 AA BB"));
  REQUIRE(d);
  CHECK(d->data == h("AA BB"));
  CHECK(d->le == 256);
}

TEST_CASE("Le 00 means 256 and a small Le is kept", "[vcard][apdu]") {
  CHECK(parse_command(h("00 C0 00 00 00"))->le == 256);
  auto c = parse_command(h("00 CB 3F FF 03 5C 01 7E 08"));
  REQUIRE(c);
  CHECK(c->data == h("5C 01 7E"));
  CHECK(c->le == 8);
}

TEST_CASE("an APDU whose Lc does not match its length is rejected", "[vcard][apdu]") {
  CHECK_FALSE(parse_command(h("00 DB 3F FF 05 01 02")));
  CHECK_FALSE(parse_command(h("00 DB 3F")));
}

TEST_CASE("TLV lengths use the short, 81 and 82 forms", "[vcard][tlv]") {
  CHECK(make_tlv(0x53, Bytes(0x7F)).size() == 2 + 0x7F);
  Bytes mid = make_tlv(0x53, Bytes(0x80));
  CHECK(Bytes(mid.begin(), mid.begin() + 3) == h("53 81 80"));
  Bytes big = make_tlv(0x7F49, Bytes(0x109));
  CHECK(Bytes(big.begin(), big.begin() + 5) == h("7F 49 82 01 09"));
  std::size_t pos = 0;
  auto back = parse_tlv(big, pos);
  REQUIRE(back);
  CHECK(back->tag == 0x7F49);
  CHECK(back->value.size() == 0x109);
}

TEST_CASE("a TLV that runs past the data is malformed", "[vcard][tlv]") {
  CHECK_FALSE(parse_tlvs(h("53 05 01 02")));
  CHECK(parse_tlvs(h("5C 03 5F C1 05"))->at(0).value == h("5F C1 05"));
}

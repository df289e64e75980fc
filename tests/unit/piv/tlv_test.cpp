#include <catch2/catch.hpp>

#include "tlv.hpp"

using eport::piv::Bytes;

TEST_CASE("BER lengths use one, two or three bytes by size", "[piv][tlv]") {
  Bytes out;
  eport::piv::append_length(out, 0x7F);
  CHECK(out == Bytes{0x7F});
  out.clear();
  eport::piv::append_length(out, 0x80);
  CHECK(out == Bytes{0x81, 0x80});
  out.clear();
  eport::piv::append_length(out, 0xFF);
  CHECK(out == Bytes{0x81, 0xFF});
  out.clear();
  eport::piv::append_length(out, 0x100);
  CHECK(out == Bytes{0x82, 0x01, 0x00});
  out.clear();
  eport::piv::append_length(out, 0x1234);
  CHECK(out == Bytes{0x82, 0x12, 0x34});
}

TEST_CASE("three-byte tags encode and decode back", "[piv][tlv]") {
  Bytes value(300, 0xAB);
  Bytes out;
  eport::piv::append_tlv(out, 0x5FC105, value);
  REQUIRE(out.size() == 3 + 3 + 300);
  CHECK(out[0] == 0x5F);
  CHECK(out[1] == 0xC1);
  CHECK(out[2] == 0x05);
  const auto tlv = eport::piv::decode_tlv(out.data(), out.size());
  REQUIRE(tlv);
  CHECK(tlv->tag == 0x5FC105);
  CHECK(tlv->length == 300);
  CHECK(tlv->total == out.size());
  CHECK(tlv->value_bytes() == value);
}

TEST_CASE("two-byte tags like 7F49 decode", "[piv][tlv]") {
  const Bytes data{0x7F, 0x49, 0x03, 0x86, 0x01, 0x04};
  const auto tlv = eport::piv::decode_tlv(data.data(), data.size());
  REQUIRE(tlv);
  CHECK(tlv->tag == 0x7F49);
  CHECK(tlv->length == 3);
}

TEST_CASE("a value running past the end is refused", "[piv][tlv]") {
  const Bytes short_value{0x53, 0x05, 0x01, 0x02};
  CHECK_FALSE(eport::piv::decode_tlv(short_value.data(), short_value.size()));
  const Bytes truncated_length{0x53, 0x82, 0x01};
  CHECK_FALSE(eport::piv::decode_tlv(truncated_length.data(), truncated_length.size()));
  const Bytes four_byte_length{0x53, 0x84, 0, 0, 0, 1, 0};
  CHECK_FALSE(eport::piv::decode_tlv(four_byte_length.data(), four_byte_length.size()));
  const Bytes indefinite{0x53, 0x80, 0x00, 0x00};
  CHECK_FALSE(eport::piv::decode_tlv(indefinite.data(), indefinite.size()));
  CHECK_FALSE(eport::piv::decode_tlv(nullptr, 0));
}

TEST_CASE("a TLV list must fill its buffer exactly", "[piv][tlv]") {
  const Bytes good{0x70, 0x01, 0xAA, 0x71, 0x01, 0x00, 0xFE, 0x00};
  const auto list = eport::piv::decode_tlv_list(good.data(), good.size());
  REQUIRE(list);
  REQUIRE(list->size() == 3);
  CHECK(eport::piv::find_tlv(*list, 0x71)->value[0] == 0x00);
  CHECK(eport::piv::find_tlv(*list, 0xFE)->length == 0);
  CHECK(eport::piv::find_tlv(*list, 0x72) == nullptr);

  const Bytes trailing_garbage{0x70, 0x01, 0xAA, 0x71};
  CHECK_FALSE(eport::piv::decode_tlv_list(trailing_garbage.data(), trailing_garbage.size()));
}

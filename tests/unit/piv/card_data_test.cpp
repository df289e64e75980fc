#include <catch2/catch.hpp>

#include <eport/driver.h>

#include "card_data.hpp"
#include "status_words.hpp"
#include "tlv.hpp"

using eport::piv::Bytes;

namespace {
Bytes chuid(const Bytes& fascn, const Bytes& guid) {
  Bytes content;
  eport::piv::append_tlv(content, 0x30, fascn);
  eport::piv::append_tlv(content, 0x34, guid);
  const Bytes expiry{'2', '0', '3', '0', '0', '1', '0', '1'};
  eport::piv::append_tlv(content, 0x35, expiry);
  eport::piv::append_tlv(content, 0x3E, nullptr, 0);
  eport::piv::append_tlv(content, 0xFE, nullptr, 0);
  Bytes object;
  eport::piv::append_tlv(object, 0x53, content);
  return object;
}
}  // namespace

TEST_CASE("the CHUID GUID is the serial, as hex", "[piv][chuid]") {
  Bytes guid;
  for (uint8_t i = 0; i < 16; ++i) guid.push_back(static_cast<uint8_t>(0xA0 + i));
  CHECK(eport::piv::serial_from_chuid(chuid(Bytes(25, 0xD4), guid)) == "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
}

TEST_CASE("an all-zero GUID falls back to the FASC-N; nothing usable gives empty", "[piv][chuid]") {
  CHECK(eport::piv::serial_from_chuid(chuid(Bytes(25, 0x11), Bytes(16, 0))) == std::string(50, '1'));
  CHECK(eport::piv::serial_from_chuid(chuid(Bytes(25, 0), Bytes(16, 0))).empty());
  CHECK(eport::piv::serial_from_chuid(Bytes{0x53, 0x05, 0x01}).empty());
}

TEST_CASE("GET SERIAL's four bytes become eight hex digits", "[piv][serial]") {
  CHECK(eport::piv::serial_from_f8(Bytes{0x00, 0x01, 0xE2, 0x40}) == "0001e240");
  CHECK(eport::piv::serial_from_f8(Bytes{0x01, 0x02}).empty());
}

TEST_CASE("Key History tells how many retired slots hold certificates", "[piv][keyhistory]") {
  const Bytes object{0x53, 0x0A, 0xC1, 0x01, 0x03, 0xC2, 0x01, 0x01, 0xF3, 0x00, 0xFE, 0x00};
  const auto history = eport::piv::parse_key_history(object);
  REQUIRE(history);
  CHECK(history->on_card_certs == 3);
  CHECK(history->off_card_certs == 1);
  const Bytes too_many{0x53, 0x03, 0xC1, 0x01, 0x40};
  CHECK(eport::piv::parse_key_history(too_many)->on_card_certs == 20);
  CHECK_FALSE(eport::piv::parse_key_history(Bytes{0x53, 0x09}));
}

TEST_CASE("PIN metadata gives tries, maximum and the default flag", "[piv][metadata]") {
  const Bytes data{0x01, 0x01, 0xFF, 0x05, 0x01, 0x01, 0x06, 0x02, 0x03, 0x02};
  const auto meta = eport::piv::parse_metadata(data);
  REQUIRE(meta);
  CHECK(meta->algorithm == 0xFF);
  CHECK(meta->is_default == 1);
  CHECK(meta->retries_total == 3);
  CHECK(meta->retries_left == 2);
  CHECK(meta->public_key.empty());
}

TEST_CASE("slot metadata carries algorithm, policy, origin and the public key", "[piv][metadata]") {
  const Bytes data{0x01, 0x01, 0x11, 0x02, 0x02, 0x01, 0x01, 0x03, 0x01, 0x01, 0x04, 0x03, 0x86, 0x01, 0x04};
  const auto meta = eport::piv::parse_metadata(data);
  REQUIRE(meta);
  CHECK(meta->algorithm == 0x11);
  CHECK(meta->pin_policy == 1);
  CHECK(meta->touch_policy == 1);
  CHECK(meta->origin == 1);
  CHECK(meta->public_key == Bytes{0x86, 0x01, 0x04});
  CHECK(meta->retries_left == -1);
  CHECK_FALSE(eport::piv::parse_metadata(Bytes{0x06, 0x05, 0x01}));
}

TEST_CASE("verification status words give tries left and the ABI status", "[piv][sw]") {
  CHECK(eport::piv::tries_from_sw(0x63C3) == 3);
  CHECK(eport::piv::tries_from_sw(0x63C0) == 0);
  CHECK(eport::piv::tries_from_sw(0x6983) == 0);
  CHECK(eport::piv::tries_from_sw(0x9000) == -1);
  CHECK(eport::piv::status_for_sw(0x9000) == EPORT_OK);
  CHECK(eport::piv::status_for_sw(0x6A82) == EPORT_ERR_NOT_FOUND);
  CHECK(eport::piv::status_for_sw(0x63C1) == EPORT_ERR_WRONG_PIN);
  CHECK(eport::piv::status_for_sw(0x6983) == EPORT_ERR_PIN_BLOCKED);
  CHECK(eport::piv::status_for_sw(0x6D00) == EPORT_ERR_UNSUPPORTED);
  CHECK(eport::piv::status_for_sw(0x6A80) == EPORT_ERR_CARD_ERROR);
  CHECK(eport::piv::describe_sw(0x6A82) == "6a82 (not found)");
}

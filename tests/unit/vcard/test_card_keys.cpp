// GENERATE layouts, IMPORT KEY (FE) and GET METADATA (F7).
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <catch2/catch.hpp>

#include <eport/vcard/piv.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using eport::vcard::Card;
namespace piv = eport::vcard::piv;

namespace {

Bytes generate_apdu(uint8_t slot, uint8_t algorithm) {
  return apdu(0x47, 0x00, slot, Bytes{0xAC, 0x03, 0x80, 0x01, algorithm});
}

}  // namespace

TEST_CASE("GENERATE needs management-key authentication", "[vcard][generate]") {
  Card card = fresh_card();
  CHECK(sw_of(card.transmit(generate_apdu(0x9A, 0x11))) == 0x6982);
  CHECK(card.state().keys.empty());
}

TEST_CASE("GENERATE RSA-2048 answers 7F49 82 0109 with 81 modulus and 82 exponent", "[vcard][generate]") {
  Card card = fresh_card();
  admin(card);
  Bytes first = card.transmit(generate_apdu(0x9A, 0x07));
  CHECK(first.size() == 258);
  CHECK(sw_of(first) == 0x610E);  // 270 bytes in all
  Bytes rest = card.transmit(h("00 C0 00 00 00"));
  Bytes r = cat(data_of(first), data_of(rest));
  REQUIRE(r.size() == 270);
  CHECK(Bytes(r.begin(), r.begin() + 9) == h("7F 49 82 01 09 81 82 01 00"));
  CHECK((r[9] & 0x80) != 0);  // a full 2048-bit modulus
  CHECK(Bytes(r.end() - 5, r.end()) == h("82 03 01 00 01"));
  CHECK(card.state().keys.at(0x9A).algorithm == 0x07);
  CHECK(card.state().keys.at(0x9A).origin == piv::origin_generated);
}

TEST_CASE("GENERATE P-256 and P-384 answer 7F49 with an 86 uncompressed point", "[vcard][generate]") {
  Card card = fresh_card();
  admin(card);
  Bytes r = transmit_all(card, generate_apdu(0x9C, 0x11));
  REQUIRE(r.size() == 3 + 0x43 + 2);
  CHECK(Bytes(r.begin(), r.begin() + 6) == h("7F 49 43 86 41 04"));
  r = transmit_all(card, generate_apdu(0x9D, 0x14));
  REQUIRE(r.size() == 3 + 0x63 + 2);
  CHECK(Bytes(r.begin(), r.begin() + 6) == h("7F 49 63 86 61 04"));
}

TEST_CASE("GENERATE refuses a bad algorithm and a bad slot", "[vcard][generate]") {
  Card card = fresh_card();
  admin(card);
  CHECK(sw_of(card.transmit(generate_apdu(0x9A, 0x42))) == 0x6A80);
  CHECK(sw_of(card.transmit(generate_apdu(0x9B, 0x11))) == 0x6B00);
}

TEST_CASE("GENERATE keeps the PIN policy given with AA", "[vcard][generate]") {
  Card card = fresh_card();
  admin(card);
  REQUIRE(sw_of(transmit_all(card, apdu(0x47, 0x00, 0x9A, h("AC 06 80 01 11 AA 01 01")))) == 0x9000);
  Bytes m = transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x9A, 0x00});
  CHECK(Bytes(m.begin(), m.begin() + 10) == h("01 01 11 02 02 01 01 03 01 01"));
}

TEST_CASE("IMPORT KEY of an EC scalar yields the matching public point", "[vcard][import]") {
  Card card = fresh_card();
  Bytes scalar(32, 0);
  scalar[31] = 7;
  Bytes cmd = apdu(0xFE, 0x11, 0x9D, cat(h("06 20"), scalar));
  CHECK(sw_of(card.transmit(cmd)) == 0x6982);
  admin(card);
  REQUIRE(sw_of(card.transmit(cmd)) == 0x9000);
  // 7 * G computed here with OpenSSL's EC arithmetic.
  EC_GROUP* group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  EC_POINT* p = EC_POINT_new(group);
  BIGNUM* k = BN_new();
  BN_set_word(k, 7);
  EC_POINT_mul(group, p, k, nullptr, nullptr, nullptr);
  Bytes expected(65);
  EC_POINT_point2oct(group, p, POINT_CONVERSION_UNCOMPRESSED, expected.data(), expected.size(), nullptr);
  BN_free(k);
  EC_POINT_free(p);
  EC_GROUP_free(group);
  Bytes m = transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x9D, 0x00});
  REQUIRE(sw_of(m) == 0x9000);
  CHECK(std::search(m.begin(), m.end(), expected.begin(), expected.end()) != m.end());
  CHECK(Bytes(m.begin(), m.begin() + 3) == h("01 01 11"));
  Bytes origin = h("03 01 02");
  CHECK(std::search(m.begin(), m.end(), origin.begin(), origin.end()) != m.end());
}

TEST_CASE("IMPORT KEY of RSA CRT components stores a key with the same modulus", "[vcard][import]") {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  REQUIRE(key != nullptr);
  auto part = [key](const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
    Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    BN_free(bn);
    return out;
  };
  Bytes n = part("n");
  Bytes data;
  const char* names[] = {"rsa-factor1", "rsa-factor2", "rsa-exponent1", "rsa-exponent2", "rsa-coefficient1"};
  for (uint8_t tag = 1; tag <= 5; ++tag) {
    Bytes v = part(names[tag - 1]);
    data.push_back(tag);
    if (v.size() > 0x7F) data.push_back(0x81);
    data.push_back(static_cast<uint8_t>(v.size()));
    data = cat(data, v);
  }
  EVP_PKEY_free(key);
  Card card = fresh_card();
  admin(card);
  // Chained in 255-byte pieces as yubico-piv-tool sends it.
  for (std::size_t off = 0; off < data.size(); off += 255) {
    std::size_t len = std::min<std::size_t>(255, data.size() - off);
    bool last = off + len == data.size();
    Bytes cmd{static_cast<uint8_t>(last ? 0x00 : 0x10), 0xFE, 0x07, 0x9A, static_cast<uint8_t>(len)};
    cmd.insert(cmd.end(), data.begin() + static_cast<std::ptrdiff_t>(off),
               data.begin() + static_cast<std::ptrdiff_t>(off + len));
    REQUIRE(sw_of(card.transmit(cmd)) == 0x9000);
  }
  Bytes m = transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x9A, 0x00});
  REQUIRE(sw_of(m) == 0x9000);
  CHECK(std::search(m.begin(), m.end(), n.begin(), n.end()) != m.end());
  CHECK(card.state().keys.at(0x9A).origin == piv::origin_imported);
}

TEST_CASE("IMPORT KEY refuses RSA components of the wrong size", "[vcard][import]") {
  Card card = fresh_card();
  admin(card);
  Bytes small = h("01 01 3D 02 01 35 03 01 35 04 01 31 05 01 26");
  CHECK(sw_of(card.transmit(apdu(0xFE, 0x07, 0x9A, small))) == 0x6A80);
  CHECK(card.state().keys.count(0x9A) == 0);
}

TEST_CASE("metadata of PIN, PUK and management key shows defaults and retries", "[vcard][metadata]") {
  Card card = fresh_card();
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x80, 0x00}) == h("01 01 FF 05 01 01 06 02 03 03 90 00"));
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x81, 0x00}) == h("01 01 FF 05 01 01 06 02 03 03 90 00"));
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x9B, 0x00}) == h("01 01 03 02 02 00 01 05 01 01 90 00"));
  CHECK(sw_of(card.transmit(Bytes{0x00, 0xF7, 0x00, 0x9A, 0x00})) == 0x6A88);
}

TEST_CASE("the PIN default flag flips after a PIN change and retries follow wrong tries",
          "[vcard][metadata]") {
  Card card = fresh_card();
  card.transmit(verify_apdu("00000000"));
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x80, 0x00}) == h("01 01 FF 05 01 01 06 02 03 02 90 00"));
  Bytes change =
      apdu(0x24, 0x00, 0x80, cat(eport::vcard::pad_pin("88888888"), eport::vcard::pad_pin("24682468")));
  REQUIRE(sw_of(card.transmit(change)) == 0x9000);
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x80, 0x00}) == h("01 01 FF 05 01 00 06 02 03 03 90 00"));
  CHECK(transmit_all(card, Bytes{0x00, 0xF7, 0x00, 0x81, 0x00}) == h("01 01 FF 05 01 01 06 02 03 03 90 00"));
}

#include <catch2/catch.hpp>

#include <memory>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "bytes.hpp"
#include "mgmt_auth.hpp"
#include "spki.hpp"
#include "tlv.hpp"

using eport::piv::Bytes;
using eport::piv::MgmtAlgorithm;
using eport::piv::SecureBytes;

namespace {
SecureBytes hex_key(const std::string& hex) {
  SecureBytes key;
  REQUIRE(eport::piv::from_hex(hex, key));
  return key;
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Bytes spki_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes bn_bytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
  Bytes out(static_cast<size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  BN_free(bn);
  return out;
}
}  // namespace

TEST_CASE("AES-128 block encryption matches the FIPS-197 example", "[piv][mgmt]") {
  const SecureBytes key = hex_key("000102030405060708090a0b0c0d0e0f");
  const SecureBytes plain = hex_key("00112233445566778899aabbccddeeff");
  const SecureBytes cipher = eport::piv::mgmt_crypt_block(MgmtAlgorithm::kAes128, key, plain.data(), true);
  CHECK(eport::piv::to_hex(cipher.bytes()) == "69c4e0d86a7b0430d8cdb78070b4c55a");
  const SecureBytes back = eport::piv::mgmt_crypt_block(MgmtAlgorithm::kAes128, key, cipher.data(), false);
  CHECK(back.bytes() == plain.bytes());
}

TEST_CASE("3DES with the default PIV key encrypts and decrypts one 8-byte block", "[piv][mgmt]") {
  const SecureBytes key = hex_key("010203040506070801020304050607080102030405060708");
  const Bytes block{1, 2, 3, 4, 5, 6, 7, 8};
  const SecureBytes cipher = eport::piv::mgmt_crypt_block(MgmtAlgorithm::kTripleDes, key, block.data(), true);
  CHECK(cipher.size() == 8);
  CHECK(cipher.bytes() != block);
  CHECK(eport::piv::mgmt_crypt_block(MgmtAlgorithm::kTripleDes, key, cipher.data(), false).bytes() == block);
}

TEST_CASE("the algorithm follows the card's id, else the key length", "[piv][mgmt]") {
  CHECK(eport::piv::mgmt_algorithm_from_id(0x03) == MgmtAlgorithm::kTripleDes);
  CHECK(eport::piv::mgmt_algorithm_from_id(0x0A) == MgmtAlgorithm::kAes192);
  CHECK_FALSE(eport::piv::mgmt_algorithm_from_id(0x07));
  CHECK(eport::piv::mgmt_algorithm_from_key_length(24) == MgmtAlgorithm::kTripleDes);
  CHECK(eport::piv::mgmt_algorithm_from_key_length(16) == MgmtAlgorithm::kAes128);
  CHECK(eport::piv::mgmt_algorithm_from_key_length(32) == MgmtAlgorithm::kAes256);
  CHECK_FALSE(eport::piv::mgmt_algorithm_from_key_length(20));
  CHECK(eport::piv::mgmt_block_size(MgmtAlgorithm::kAes256) == 16);
}

TEST_CASE("mutual authentication messages have the PIV layout", "[piv][mgmt]") {
  const auto request = eport::piv::witness_request(MgmtAlgorithm::kTripleDes);
  CHECK(eport::piv::encode_command(request) ==
        Bytes{0x00, 0x87, 0x03, 0x9B, 0x04, 0x7C, 0x02, 0x80, 0x00, 0x00});
  const Bytes witness_answer{0x7C, 0x0A, 0x80, 0x08, 1, 2, 3, 4, 5, 6, 7, 8};
  const auto witness = eport::piv::parse_witness(witness_answer, 8);
  REQUIRE(witness);
  CHECK(witness->bytes() == Bytes{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK_FALSE(eport::piv::parse_witness(witness_answer, 16));

  const Bytes challenge{9, 9, 9, 9, 9, 9, 9, 9};
  const auto command = eport::piv::challenge_command(MgmtAlgorithm::kTripleDes, *witness, challenge);
  CHECK(command.secret);
  CHECK(command.data ==
        Bytes{0x7C, 0x14, 0x80, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x81, 0x08, 9, 9, 9, 9, 9, 9, 9, 9});
  const Bytes reply{0x7C, 0x0A, 0x82, 0x08, 7, 7, 7, 7, 7, 7, 7, 7};
  CHECK(eport::piv::parse_challenge_response(reply, 8) == Bytes(8, 7));
}

TEST_CASE("an RSA public key from metadata becomes the same SPKI OpenSSL makes", "[piv][spki]") {
  Pkey key(EVP_RSA_gen(2048));
  REQUIRE(key);
  Bytes items;
  eport::piv::append_tlv(items, 0x81, bn_bytes(key.get(), "n"));
  eport::piv::append_tlv(items, 0x82, bn_bytes(key.get(), "e"));
  CHECK(eport::piv::spki_from_metadata(0x07, items) == spki_of(key.get()));
  Bytes wrapped;
  eport::piv::append_tlv(wrapped, 0x7F49, items);
  CHECK(eport::piv::spki_from_metadata(0x07, wrapped) == spki_of(key.get()));
}

TEST_CASE("an EC P-256 point from metadata becomes the same SPKI OpenSSL makes", "[piv][spki]") {
  Pkey key(EVP_EC_gen("P-256"));
  REQUIRE(key);
  size_t len = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(key.get(), "encoded-pub-key", nullptr, 0, &len) == 1);
  Bytes point(len);
  REQUIRE(EVP_PKEY_get_octet_string_param(key.get(), "encoded-pub-key", point.data(), len, &len) == 1);
  Bytes items;
  eport::piv::append_tlv(items, 0x86, point);
  CHECK(eport::piv::spki_from_metadata(0x11, items) == spki_of(key.get()));
}

TEST_CASE("unknown algorithms give no SPKI; malformed keys are card errors", "[piv][spki]") {
  CHECK(eport::piv::spki_from_metadata(0xE0, Bytes{0x86, 0x01, 0x00}).empty());
  CHECK_THROWS(eport::piv::spki_from_metadata(0x11, Bytes{0x86, 0x02, 0x04, 0x01}));
  CHECK_THROWS(eport::piv::spki_from_metadata(0x07, Bytes{0x81, 0x01, 0x01}));
  CHECK_THROWS(eport::piv::spki_from_certificate(Bytes{0x30, 0x00}));
}

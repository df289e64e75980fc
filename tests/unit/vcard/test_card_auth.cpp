// GENERAL AUTHENTICATE: management key (3DES, AES) and private-key operations.
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include <eport/vcard/card_state.hpp>
#include <eport/vcard/piv.hpp>

#include "vcard_test_support.hpp"

using namespace vcard_test;
using eport::vcard::Card;
using eport::vcard::CardState;
namespace piv = eport::vcard::piv;

namespace {

Card card_with_key(uint8_t algorithm, const Bytes& key) {
  auto state = eport::vcard::make_default_state(1, "88888888", "12345678", Bytes(16, 1), 0);
  state.management_algorithm = algorithm;
  state.management_key = key;
  return Card(state, counter_random());
}

// EVP_PKEY from a 7F49 GENERATE response (RSA 81/82 or EC 86), built independently of the card.
EVP_PKEY* public_key_from(const Bytes& r, uint8_t algorithm) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, piv::is_rsa(algorithm) ? "RSA" : "EC", nullptr);
  EVP_PKEY* key = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx) == 1);
  OSSL_PARAM params[4];
  BIGNUM* n = nullptr;
  BIGNUM* e = nullptr;
  Bytes nb, eb;
  if (piv::is_rsa(algorithm)) {
    nb.assign(r.begin() + 9, r.begin() + 9 + 256);
    eb.assign(r.begin() + 9 + 256 + 2, r.begin() + 9 + 256 + 5);
    // OSSL_PARAM integers are native-endian; go through BIGNUM.
    n = BN_bin2bn(nb.data(), 256, nullptr);
    e = BN_bin2bn(eb.data(), 3, nullptr);
    Bytes nle(256), ele(3);
    BN_bn2nativepad(n, nle.data(), 256);
    BN_bn2nativepad(e, ele.data(), 3);
    params[0] = OSSL_PARAM_construct_BN("n", nle.data(), nle.size());
    params[1] = OSSL_PARAM_construct_BN("e", ele.data(), ele.size());
    params[2] = OSSL_PARAM_construct_end();
    REQUIRE(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
  } else {
    static char p256[] = "P-256";
    Bytes point(r.begin() + 5, r.end());
    params[0] = OSSL_PARAM_construct_utf8_string("group", p256, 0);
    params[1] = OSSL_PARAM_construct_octet_string("pub", point.data(), point.size());
    params[2] = OSSL_PARAM_construct_end();
    REQUIRE(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
  }
  BN_free(n);
  BN_free(e);
  EVP_PKEY_CTX_free(ctx);
  return key;
}

Bytes generate(Card& card, uint8_t slot, uint8_t algorithm) {
  admin(card);
  Bytes r = transmit_all(card, apdu(0x47, 0x00, slot, Bytes{0xAC, 0x03, 0x80, 0x01, algorithm}));
  REQUIRE(sw_of(r) == 0x9000);
  return data_of(r);
}

Bytes sign_template(const Bytes& data) {
  Bytes inner = h("82 00");
  inner.push_back(0x81);
  if (data.size() > 0x7F) {
    inner.push_back(0x82);
    inner.push_back(static_cast<uint8_t>(data.size() >> 8));
    inner.push_back(static_cast<uint8_t>(data.size()));
  } else {
    inner.push_back(static_cast<uint8_t>(data.size()));
  }
  inner = cat(inner, data);
  Bytes body{0x7C};
  if (inner.size() > 0xFF) {
    body.push_back(0x82);
    body.push_back(static_cast<uint8_t>(inner.size() >> 8));
    body.push_back(static_cast<uint8_t>(inner.size()));
  } else if (inner.size() > 0x7F) {
    body.push_back(0x81);
    body.push_back(static_cast<uint8_t>(inner.size()));
  } else {
    body.push_back(static_cast<uint8_t>(inner.size()));
  }
  return cat(body, inner);
}

// Sends a GENERAL AUTHENTICATE that may exceed 255 bytes as a command chain.
Bytes chained(Card& card, uint8_t p1, uint8_t p2, const Bytes& data) {
  Bytes last;
  for (std::size_t off = 0; off < data.size(); off += 255) {
    std::size_t n = std::min<std::size_t>(255, data.size() - off);
    bool end = off + n == data.size();
    Bytes cmd{static_cast<uint8_t>(end ? 0x00 : 0x10), 0x87, p1, p2, static_cast<uint8_t>(n)};
    cmd.insert(cmd.end(), data.begin() + static_cast<std::ptrdiff_t>(off),
               data.begin() + static_cast<std::ptrdiff_t>(off + n));
    if (!end) {
      REQUIRE(sw_of(card.transmit(cmd)) == 0x9000);
    } else {
      last = transmit_all(card, cmd);
    }
  }
  return last;
}

}  // namespace

TEST_CASE("3DES mutual authentication matches independently computed crypto", "[vcard][mgmt]") {
  Card card = fresh_card();
  CHECK(mutual_auth(card, 0x03, piv::default_management_key()) == 0x9000);
  CHECK(card.management_authenticated());
}

TEST_CASE("the witness reply keeps the layout yubico-piv-tool reads at offset 4", "[vcard][mgmt]") {
  Card card = fresh_card();
  Bytes r = card.transmit(h("00 87 03 9B 04 7C 02 80 00"));
  REQUIRE(r.size() == 14);
  CHECK(Bytes(r.begin(), r.begin() + 4) == h("7C 0A 80 08"));
}

TEST_CASE("AES-128, AES-192 and AES-256 management keys authenticate", "[vcard][mgmt]") {
  auto [alg, len] = GENERATE(table<uint8_t, std::size_t>({{0x08, 16}, {0x0A, 24}, {0x0C, 32}}));
  Bytes key(len);
  for (std::size_t i = 0; i < len; ++i) key[i] = static_cast<uint8_t>(0x40 + i);
  Card card = card_with_key(alg, key);
  CHECK(mutual_auth(card, alg, key) == 0x9000);
  CHECK(card.management_authenticated());
}

TEST_CASE("a wrong management key is refused with 6982", "[vcard][mgmt]") {
  Card card = fresh_card();
  CHECK(mutual_auth(card, 0x03, Bytes(24, 0x11)) == 0x6982);
  CHECK_FALSE(card.management_authenticated());
  CHECK(sw_of(card.transmit(h("00 87 08 9B 04 7C 02 80 00"))) == 0x6A80);  // wrong algorithm
}

TEST_CASE("single authentication: the host encrypts the card's challenge", "[vcard][mgmt]") {
  Card card = fresh_card();
  Bytes r = card.transmit(h("00 87 03 9B 04 7C 02 81 00"));
  REQUIRE(sw_of(r) == 0x9000);
  REQUIRE(r.size() == 14);
  CHECK(Bytes(r.begin(), r.begin() + 4) == h("7C 0A 81 08"));
  Bytes challenge(r.begin() + 4, r.begin() + 12);
  Bytes response = ecb(0x03, piv::default_management_key(), challenge, true);
  CHECK(sw_of(card.transmit(apdu(0x87, 0x03, 0x9B, cat(h("7C 0A 82 08"), response)))) == 0x9000);
  CHECK(card.management_authenticated());
}

TEST_CASE("ECDSA signing with 9A needs the PIN and verifies with the generated public key", "[vcard][sign]") {
  Card card = fresh_card();
  Bytes pub = generate(card, 0x9A, piv::alg::p256);
  Bytes digest(32, 0x5C);
  Bytes cmd = apdu(0x87, 0x11, 0x9A, sign_template(digest));
  CHECK(sw_of(card.transmit(cmd)) == 0x6982);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  Bytes r = transmit_all(card, cmd);
  REQUIRE(sw_of(r) == 0x9000);
  CHECK(r[0] == 0x7C);
  CHECK(r[2] == 0x82);
  Bytes sig(r.begin() + 4, r.end() - 2);
  CHECK(sig[0] == 0x30);  // DER ECDSA-Sig-Value
  EVP_PKEY* key = public_key_from(pub, 0x11);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  REQUIRE(EVP_PKEY_verify_init(ctx) == 1);
  CHECK(EVP_PKEY_verify(ctx, sig.data(), sig.size(), digest.data(), digest.size()) == 1);
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
}

TEST_CASE("raw RSA with 9A inverts under the public key", "[vcard][sign]") {
  Card card = fresh_card();
  Bytes pub = generate(card, 0x9A, piv::alg::rsa2048);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  Bytes block(256, 0xFF);
  block[0] = 0x00;
  block[1] = 0x01;
  block[255 - 32] = 0x00;  // PKCS#1 v1.5-shaped block, as the host pads it
  Bytes r = chained(card, 0x07, 0x9A, sign_template(block));
  REQUIRE(sw_of(r) == 0x9000);
  CHECK(Bytes(r.begin(), r.begin() + 4) == h("7C 82 01 04"));
  Bytes sig(r.begin() + 8, r.end() - 2);
  REQUIRE(sig.size() == 256);
  EVP_PKEY* key = public_key_from(pub, 0x07);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  REQUIRE(EVP_PKEY_encrypt_init(ctx) == 1);
  EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING);
  Bytes back(256);
  std::size_t len = back.size();
  REQUIRE(EVP_PKEY_encrypt(ctx, back.data(), &len, sig.data(), sig.size()) == 1);
  CHECK(back == block);
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
}

TEST_CASE("the 9C key needs a VERIFY right before each use; 9E needs none", "[vcard][sign]") {
  Card card = fresh_card();
  generate(card, 0x9C, piv::alg::p256);
  generate(card, 0x9E, piv::alg::p256);
  Bytes digest(32, 0x01);
  Bytes sign9c = apdu(0x87, 0x11, 0x9C, sign_template(digest));
  Bytes sign9e = apdu(0x87, 0x11, 0x9E, sign_template(digest));
  CHECK(sw_of(transmit_all(card, sign9e)) == 0x9000);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK(sw_of(transmit_all(card, sign9c)) == 0x9000);
  CHECK(sw_of(transmit_all(card, sign9c)) == 0x6982);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  CHECK(sw_of(transmit_all(card, sign9c)) == 0x9000);
}

TEST_CASE("signing with an empty slot or the wrong algorithm fails", "[vcard][sign]") {
  Card card = fresh_card();
  Bytes digest(32, 0x01);
  CHECK(sw_of(card.transmit(apdu(0x87, 0x11, 0x9D, sign_template(digest)))) == 0x6A88);
  generate(card, 0x9E, piv::alg::p256);
  CHECK(sw_of(card.transmit(apdu(0x87, 0x14, 0x9E, sign_template(digest)))) == 0x6A80);
}

TEST_CASE("ECDH with the 9D key agrees with the peer's own derivation", "[vcard][sign]") {
  Card card = fresh_card();
  Bytes pub = generate(card, 0x9D, piv::alg::p256);
  EVP_PKEY* card_key = public_key_from(pub, 0x11);
  EVP_PKEY* peer = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  REQUIRE(peer != nullptr);
  Bytes peer_point(65);
  std::size_t len = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(peer, "pub", peer_point.data(), peer_point.size(), &len) == 1);
  REQUIRE(sw_of(card.transmit(verify_apdu("88888888"))) == 0x9000);
  Bytes body = cat(h("7C 45 82 00 85 41"), peer_point);
  Bytes r = transmit_all(card, apdu(0x87, 0x11, 0x9D, body));
  REQUIRE(sw_of(r) == 0x9000);
  REQUIRE(Bytes(r.begin(), r.begin() + 4) == h("7C 22 82 20"));
  Bytes secret(r.begin() + 4, r.end() - 2);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(peer, nullptr);
  REQUIRE(EVP_PKEY_derive_init(ctx) == 1);
  REQUIRE(EVP_PKEY_derive_set_peer(ctx, card_key) == 1);
  Bytes expected(32);
  len = expected.size();
  REQUIRE(EVP_PKEY_derive(ctx, expected.data(), &len) == 1);
  CHECK(secret == expected);
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(peer);
  EVP_PKEY_free(card_key);
}

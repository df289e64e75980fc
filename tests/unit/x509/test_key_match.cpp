#include <catch2/catch.hpp>

#include "test_certs.hpp"
#include "x509/key_match.hpp"

using namespace eport::x509;
using namespace eport::x509::testing;

namespace {
Certificate cert_of(EVP_PKEY* key) {
  CertSpec spec;
  spec.not_before = 1767225600;
  spec.not_after = 1798761600;
  auto parsed = Certificate::from_der(der_of(make_cert(key, spec).get()));
  REQUIRE(parsed);
  return *parsed;
}
}  // namespace

TEST_CASE("a certificate matches the key it was made for", "[x509][keymatch]") {
  for (KeyKind kind : {KeyKind::rsa2048, KeyKind::p256, KeyKind::p384, KeyKind::sm2}) {
    auto key = make_key(kind);
    CHECK(match_public_key(cert_of(key.get()), spki_of(key.get())) == KeyMatch::same_key);
  }
}

TEST_CASE("a certificate does not match another key", "[x509][keymatch]") {
  auto key = make_key(KeyKind::p256);
  auto other = make_key(KeyKind::p256);
  auto rsa = make_key(KeyKind::rsa2048);
  const auto cert = cert_of(key.get());
  CHECK(match_public_key(cert, spki_of(other.get())) == KeyMatch::different_key);
  CHECK(match_public_key(cert, spki_of(rsa.get())) == KeyMatch::different_key);
}

TEST_CASE("an unreadable public key is reported as such", "[x509][keymatch]") {
  auto key = make_key(KeyKind::p256);
  const auto cert = cert_of(key.get());
  CHECK(match_public_key(cert, {}) == KeyMatch::unreadable_key);
  CHECK(match_public_key(cert, {0x30, 0x03, 0x01, 0x02, 0x03}) == KeyMatch::unreadable_key);
  auto spki = spki_of(key.get());
  spki.push_back(0);
  CHECK(match_public_key(cert, spki) == KeyMatch::unreadable_key);
}

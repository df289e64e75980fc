#include <catch2/catch.hpp>

#include "test_certs.hpp"
#include "x509/key_match.hpp"

#include <openssl/core_names.h>
#include <openssl/params.h>

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

namespace {
// The SubjectPublicKeyInfo a reader of an SKF ECCPUBLICKEYBLOB builds: only the point X||Y on the
// SM2 curve is known (no OID from a certificate, no private key).
std::vector<std::uint8_t> spki_from_point(EVP_PKEY* key) {
  unsigned char point[65];
  std::size_t len = 0;
  REQUIRE(EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", point, sizeof point, &len) == 1);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("group", const_cast<char*>("SM2"), 0),
                         OSSL_PARAM_construct_octet_string("pub", point, len), OSSL_PARAM_construct_end()};
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* rebuilt = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_fromdata(ctx.get(), &rebuilt, EVP_PKEY_PUBLIC_KEY, params) == 1);
  EvpPkeyPtr owned(rebuilt);
  return spki_of(owned.get());
}
}  // namespace

TEST_CASE("an SM2 certificate matches the key rebuilt from an SKF blob's bare point", "[x509][keymatch]") {
  auto key = make_key(KeyKind::sm2);
  auto other = make_key(KeyKind::sm2);
  const auto cert = cert_of(key.get());
  CHECK(match_public_key(cert, spki_from_point(key.get())) == KeyMatch::same_key);
  CHECK(match_public_key(cert, spki_from_point(other.get())) == KeyMatch::different_key);
  // A P-256 certificate is never the key of an SM2 container, whatever the numbers.
  auto p256 = make_key(KeyKind::p256);
  CHECK(match_public_key(cert_of(p256.get()), spki_from_point(key.get())) == KeyMatch::different_key);
}

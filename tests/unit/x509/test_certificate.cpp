#include <catch2/catch.hpp>
#include <optional>

#include "test_certs.hpp"

#include "x509/certificate.hpp"

using namespace eport::x509;
using namespace eport::x509::testing;

namespace {
constexpr std::int64_t kNow = 1780000000;
constexpr std::int64_t kDay = 86400;

X509Ptr sample_cert(EVP_PKEY* key) {
  CertSpec spec;
  spec.not_before = kNow - kDay;
  spec.not_after = kNow + 365 * kDay;
  return make_cert(key, spec);
}

std::string as_text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}
}  // namespace

TEST_CASE("PEM, DER and base64 DER parse to the same certificate", "[x509][parse]") {
  auto key = make_key(KeyKind::p256);
  auto cert = sample_cert(key.get());
  const auto der = der_of(cert.get());

  auto from_pem = Certificate::parse(pem_of(cert.get()));
  REQUIRE(from_pem);
  CHECK(from_pem->der() == der);

  auto from_der = Certificate::parse(as_text(der));
  REQUIRE(from_der);
  CHECK(from_der->der() == der);

  const std::string b64 = from_der->der_base64();
  CHECK(b64.find('\n') == std::string::npos);
  auto from_b64 = Certificate::parse(b64);
  REQUIRE(from_b64);
  CHECK(from_b64->der() == der);

  // base64 wrapped over lines with surrounding blanks, as people paste it
  std::string wrapped = "\n  ";
  for (std::size_t i = 0; i < b64.size(); i += 64) wrapped += b64.substr(i, 64) + "\r\n";
  auto from_wrapped = Certificate::parse(wrapped);
  REQUIRE(from_wrapped);
  CHECK(from_wrapped->der() == der);
}

TEST_CASE("pem() round-trips through parse", "[x509][parse]") {
  auto key = make_key(KeyKind::rsa2048);
  auto cert = sample_cert(key.get());
  auto parsed = Certificate::parse(pem_of(cert.get()));
  REQUIRE(parsed);
  const std::string pem = parsed->pem();
  CHECK(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
  auto again = Certificate::parse(pem);
  REQUIRE(again);
  CHECK(again->der() == parsed->der());
}

TEST_CASE("a PEM private key is refused as cert_invalid without echoing it", "[x509][parse]") {
  auto key = make_key(KeyKind::p256);
  const std::string key_pem = private_key_pem(key.get());
  auto out = Certificate::parse(key_pem);
  CHECK_FALSE(out);
  CHECK(out.error().reason == "cert_invalid");
  CHECK(out.error().message.find("private key") != std::string::npos);
  CHECK(out.error().message.find(key_pem.substr(30, 20)) == std::string::npos);

  // a key pasted together with the certificate is refused too
  auto cert = sample_cert(key.get());
  CHECK_FALSE(Certificate::parse(pem_of(cert.get()) + key_pem));
}

TEST_CASE("a DER private key is named as a key, not as garbage", "[x509][parse]") {
  auto key = make_key(KeyKind::rsa2048);
  auto out = Certificate::parse(as_text(private_key_der(key.get())));
  CHECK_FALSE(out);
  CHECK(out.error().reason == "cert_invalid");
  CHECK(out.error().message.find("private key") != std::string::npos);
}

TEST_CASE("garbage, empty input and truncated DER are cert_invalid", "[x509][parse]") {
  for (const std::string& input :
       {std::string(""), std::string("   \n"), std::string("hello, world!"),
        std::string("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
        std::string("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"),
        std::string("\x30\x82\x01\x00\x01\x02", 6)}) {
    auto out = Certificate::parse(input);
    CHECK_FALSE(out);
    CHECK(out.error().reason == "cert_invalid");
    CHECK_FALSE(out.error().message.empty());
  }
}

TEST_CASE("DER with trailing bytes is refused", "[x509][parse]") {
  auto key = make_key(KeyKind::p256);
  auto der = der_of(sample_cert(key.get()).get());
  der.push_back(0x00);
  auto out = Certificate::parse(as_text(der));
  CHECK_FALSE(out);
  CHECK(out.error().message.find("1 unexpected bytes") != std::string::npos);
  CHECK_FALSE(Certificate::from_der(der));
}

TEST_CASE("the first certificate of a PEM bundle is taken", "[x509][parse]") {
  auto key1 = make_key(KeyKind::p256);
  auto key2 = make_key(KeyKind::p256);
  auto c1 = sample_cert(key1.get());
  auto c2 = sample_cert(key2.get());
  auto out = Certificate::parse(pem_of(c1.get()) + pem_of(c2.get()));
  REQUIRE(out);
  CHECK(out->der() == der_of(c1.get()));
}

TEST_CASE("copies of a certificate stay usable after the original is gone", "[x509][parse]") {
  auto key = make_key(KeyKind::p256);
  auto cert = sample_cert(key.get());
  std::vector<std::uint8_t> der = der_of(cert.get());
  std::optional<Certificate> copy;
  {
    auto parsed = Certificate::from_der(der);
    REQUIRE(parsed);
    copy = *parsed;
  }
  CHECK(copy->der() == der);
  CHECK(copy->public_key_der() == spki_of(key.get()));
}

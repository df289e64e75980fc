#include <catch2/catch.hpp>

#include "test_certs.hpp"
#include "x509/certificate_summary.hpp"

using namespace eport::x509;
using namespace eport::x509::testing;

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1780000000;  // fixed clock: 2026-05-28T20:26:40Z
const std::vector<int> kWarn{30, 7, 1};

std::chrono::system_clock::time_point at(std::int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

Certificate cert_for(EVP_PKEY* key, std::int64_t not_before, std::int64_t not_after,
                     const std::string& cn = "eport test", const std::string& org = "") {
  CertSpec spec;
  spec.common_name = cn;
  spec.organisation = org;
  spec.not_before = not_before;
  spec.not_after = not_after;
  auto x = make_cert(key, spec);
  auto parsed = Certificate::from_der(der_of(x.get()));
  REQUIRE(parsed);
  return *parsed;
}

CertificateSummary summary_valid_for(KeyKind kind) {
  auto key = make_key(kind);
  return summarise(cert_for(key.get(), kNow - kDay, kNow + 400 * kDay), at(kNow), kWarn);
}
}  // namespace

TEST_CASE("the key type is named with its size or curve", "[x509][summary]") {
  CHECK(summary_valid_for(KeyKind::rsa2048).key == "RSA-2048");
  CHECK(summary_valid_for(KeyKind::p256).key == "EC-P256");
  CHECK(summary_valid_for(KeyKind::p384).key == "EC-P384");
  CHECK(summary_valid_for(KeyKind::sm2).key == "SM2");
  CHECK(summary_valid_for(KeyKind::ed25519).key == "Ed25519");
}

TEST_CASE("subject, issuer, serial, dates and sha256 are as in the certificate", "[x509][summary]") {
  auto key = make_key(KeyKind::sm2);
  const auto cert = cert_for(key.get(), 1767225600, 1798761600, "张三", "中国电子口岸");
  const auto s = summarise(cert, at(kNow), kWarn);
  CHECK(s.subject == "CN=张三,O=中国电子口岸,C=CN");
  CHECK(s.issuer == s.subject);
  CHECK(s.serial == "1234");
  CHECK(s.not_before == "2026-01-01T00:00:00Z");
  CHECK(s.not_after == "2027-01-01T00:00:00Z");
  CHECK(s.sha256.size() == 64);
  CHECK(s.sha256.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(s.state == ExpiryState::valid);
}

TEST_CASE("state and days_left follow the injected clock", "[x509][summary]") {
  auto key = make_key(KeyKind::p256);
  const auto expiring = cert_for(key.get(), kNow - 100 * kDay, kNow + 20 * kDay);
  const auto expired = cert_for(key.get(), kNow - 100 * kDay, kNow - 3 * kDay);
  const auto future = cert_for(key.get(), kNow + kDay, kNow + 100 * kDay);

  auto s = summarise(expiring, at(kNow), kWarn);
  CHECK(s.days_left == 20);
  CHECK(s.state == ExpiryState::expiring);
  CHECK(summarise(expiring, at(kNow - 30 * kDay), kWarn).state == ExpiryState::valid);

  s = summarise(expired, at(kNow), kWarn);
  CHECK(s.days_left == -3);
  CHECK(s.state == ExpiryState::expired);

  s = summarise(future, at(kNow), kWarn);
  CHECK(s.state == ExpiryState::not_yet_valid);
  CHECK(s.days_left == 100);
}

TEST_CASE("to_json has every field of PROTOCOL.md's Certificate", "[x509][summary]") {
  auto s = summary_valid_for(KeyKind::p256);
  s.slot = "9a";
  s.label = "PIV Authentication";
  const auto j = s.to_json();
  for (const char* field : {"slot", "label", "subject", "issuer", "serial", "not_before", "not_after",
                            "days_left", "state", "key", "sha256"})
    CHECK(j.contains(field));
  CHECK(j["state"] == "valid");
  CHECK(j["days_left"].is_number_integer());
  CHECK(j["slot"] == "9a");
  CHECK(j.size() == 11);
}

TEST_CASE("summarise reads the time from the injected clock", "[x509][summary]") {
  auto key = make_key(KeyKind::p256);
  const auto cert = cert_for(key.get(), kNow - kDay, kNow + 10 * kDay);
  const Clock fixed = [] { return at(kNow); };
  const Clock later = [] { return at(kNow + 11 * kDay); };
  CHECK(summarise(cert, fixed, kWarn).days_left == 10);
  CHECK(summarise(cert, later, kWarn).state == ExpiryState::expired);
}

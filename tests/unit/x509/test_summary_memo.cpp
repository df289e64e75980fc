#include <catch2/catch.hpp>

#include "test_certs.hpp"
#include "x509/summary_memo.hpp"

using namespace eport::x509;
using namespace eport::x509::testing;

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1780000000;
const std::vector<int> kWarn{30, 7};

std::vector<std::uint8_t> der_valid_until(std::int64_t not_after, long serial = 0x1234) {
  auto key = make_key(KeyKind::p256);
  CertSpec spec;
  spec.not_before = kNow - kDay;
  spec.not_after = not_after;
  spec.serial = serial;
  return der_of(make_cert(key.get(), spec).get());
}

CertificateSummary direct(const std::vector<std::uint8_t>& der, std::int64_t now) {
  auto parsed = Certificate::from_der(der);
  REQUIRE(parsed);
  return summarise(*parsed, std::chrono::system_clock::time_point(std::chrono::seconds(now)), kWarn);
}
}  // namespace

TEST_CASE("the memo answers what summarise answers, parsing each certificate once", "[x509][memo]") {
  SummaryMemo memo;
  const auto der = der_valid_until(kNow + 40 * kDay);
  for (std::int64_t now : {kNow, kNow + 15 * kDay, kNow + 35 * kDay, kNow + 41 * kDay}) {
    auto got = memo.summarise(der, now, kWarn);
    REQUIRE(got);
    CHECK(got->to_json() == direct(der, now).to_json());
  }
  // the time-dependent fields moved with the clock: valid, expiring, expiring, expired
  CHECK(memo.summarise(der, kNow, kWarn)->state == ExpiryState::valid);
  CHECK(memo.summarise(der, kNow + 35 * kDay, kWarn)->state == ExpiryState::expiring);
  CHECK(memo.summarise(der, kNow + 41 * kDay, kWarn)->days_left == -1);
  CHECK(memo.summarise(der, kNow + 35 * kDay, {})->state == ExpiryState::valid);
  CHECK(memo.parses() == 1);
}

TEST_CASE("bytes that are not a certificate give the parser's error every time", "[x509][memo]") {
  SummaryMemo memo;
  const std::vector<std::uint8_t> torn{0x30, 0x82, 0x01, 0x00, 0x30};
  auto first = memo.summarise(torn, kNow, kWarn);
  auto second = memo.summarise(torn, kNow, kWarn);
  REQUIRE_FALSE(first);
  REQUIRE_FALSE(second);
  CHECK(first.error().reason == "cert_invalid");
  CHECK(second.error().message == first.error().message);
  CHECK(memo.parses() == 1);
}

TEST_CASE("the memo keeps at most its capacity, dropping the least recently used", "[x509][memo]") {
  SummaryMemo memo(2);
  const auto a = der_valid_until(kNow + 100 * kDay, 1);
  const auto b = der_valid_until(kNow + 100 * kDay, 2);
  const auto c = der_valid_until(kNow + 100 * kDay, 3);
  REQUIRE(memo.summarise(a, kNow, kWarn));
  REQUIRE(memo.summarise(b, kNow, kWarn));
  REQUIRE(memo.summarise(a, kNow, kWarn));  // a is now the most recent
  REQUIRE(memo.summarise(c, kNow, kWarn));  // b goes
  CHECK(memo.parses() == 3);
  CHECK(memo.summarise(a, kNow, kWarn)->serial == "01");
  CHECK(memo.parses() == 3);
  CHECK(memo.summarise(b, kNow, kWarn)->serial == "02");
  CHECK(memo.parses() == 4);
}

#include <catch2/catch.hpp>

#include "x509/expiry.hpp"

using namespace eport::x509;

namespace {
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kNow = 1780000000;  // 2026-05-28
const std::vector<int> kWarn{30, 7, 1};
}  // namespace

TEST_CASE("days_left rounds down, and is negative once expired", "[x509][expiry]") {
  CHECK(days_left(kNow + 20 * kDay, kNow) == 20);
  CHECK(days_left(kNow + 20 * kDay - 1, kNow) == 19);
  CHECK(days_left(kNow, kNow) == 0);
  CHECK(days_left(kNow - 1, kNow) == -1);
  CHECK(days_left(kNow - kDay, kNow) == -1);
  CHECK(days_left(kNow - kDay - 1, kNow) == -2);
}

TEST_CASE("classify tells valid, expiring, expired and not yet valid apart", "[x509][expiry]") {
  CHECK(classify(kNow - kDay, kNow + 31 * kDay, kNow, kWarn) == ExpiryState::valid);
  CHECK(classify(kNow - kDay, kNow + 30 * kDay, kNow, kWarn) == ExpiryState::expiring);
  CHECK(classify(kNow - kDay, kNow + 20 * kDay, kNow, kWarn) == ExpiryState::expiring);
  CHECK(classify(kNow - kDay, kNow, kNow, kWarn) == ExpiryState::expiring);
  CHECK(classify(kNow - kDay, kNow - 1, kNow, kWarn) == ExpiryState::expired);
  CHECK(classify(kNow + 1, kNow + 400 * kDay, kNow, kWarn) == ExpiryState::not_yet_valid);
}

TEST_CASE("without thresholds a certificate near its end is still valid", "[x509][expiry]") {
  CHECK(classify(kNow - kDay, kNow + kDay, kNow, {}) == ExpiryState::valid);
  CHECK(classify(kNow - kDay, kNow - kDay, kNow, {}) == ExpiryState::expired);
}

TEST_CASE("threshold_bucket names the tightest threshold crossed", "[x509][expiry]") {
  CHECK_FALSE(threshold_bucket(31, kWarn).has_value());
  CHECK(threshold_bucket(30, kWarn) == 30);
  CHECK(threshold_bucket(8, kWarn) == 30);
  CHECK(threshold_bucket(7, kWarn) == 7);
  CHECK(threshold_bucket(1, kWarn) == 1);
  CHECK(threshold_bucket(-5, kWarn) == 1);
  CHECK(threshold_bucket(3, std::vector<int>{1, 30, 7}) == 7);  // order of config does not matter
  CHECK_FALSE(threshold_bucket(0, {}).has_value());
}

TEST_CASE("format_utc writes ISO 8601 with a Z", "[x509][expiry]") {
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
  CHECK(format_utc(1767225600) == "2026-01-01T00:00:00Z");
  CHECK(to_string(ExpiryState::not_yet_valid) == "not_yet_valid");
}

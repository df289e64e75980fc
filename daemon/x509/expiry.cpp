#include "x509/expiry.hpp"

#include <algorithm>
#include <ctime>

namespace eport::x509 {

namespace {
constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
}  // namespace

Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

std::int64_t to_unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string to_string(ExpiryState state) {
  switch (state) {
    case ExpiryState::valid: return "valid";
    case ExpiryState::expiring: return "expiring";
    case ExpiryState::expired: return "expired";
    case ExpiryState::not_yet_valid: return "not_yet_valid";
  }
  return "valid";
}

std::int64_t days_left(std::int64_t not_after, std::int64_t now) {
  return floor_div(not_after - now, kSecondsPerDay);
}

ExpiryState classify(std::int64_t not_before, std::int64_t not_after, std::int64_t now,
                     const std::vector<int>& warn_days) {
  if (now < not_before) return ExpiryState::not_yet_valid;
  if (now > not_after) return ExpiryState::expired;
  if (!warn_days.empty()) {
    const int largest = *std::max_element(warn_days.begin(), warn_days.end());
    if (days_left(not_after, now) <= largest) return ExpiryState::expiring;
  }
  return ExpiryState::valid;
}

std::optional<int> threshold_bucket(std::int64_t days_left, const std::vector<int>& warn_days) {
  std::optional<int> bucket;
  for (int t : warn_days) {
    if (days_left <= t && (!bucket || t < *bucket)) bucket = t;
  }
  return bucket;
}

std::string format_utc(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace eport::x509

#pragma once
// Expiry arithmetic, kept free of OpenSSL and of the wall clock so it is testable with plain
// numbers. Times are seconds since the Unix epoch (UTC).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eport::x509 {

/// Where a certificate stands in time, as PROTOCOL.md's Certificate.state.
enum class ExpiryState { valid, expiring, expired, not_yet_valid };

/// The clock the daemon injects (tests pass a fixed one).
using Clock = std::function<std::chrono::system_clock::time_point()>;

/// The real wall clock.
Clock system_clock();

/// expiry.warn_days when the configuration does not set them (largest first). eportctl judges a
/// certificate file with them before it reaches eportd; config::Config's default equals it
/// (tests/unit/config checks).
inline const std::vector<int>& default_warn_days() {
  static const std::vector<int> days{90, 30, 7};
  return days;
}

/// Seconds since the epoch of a time point (truncated toward negative infinity).
std::int64_t to_unix_seconds(std::chrono::system_clock::time_point t);

/// Protocol spelling: "valid", "expiring", "expired", "not_yet_valid".
std::string to_string(ExpiryState state);

/// floor((not_after - now) / 86400): whole days left, negative once expired.
std::int64_t days_left(std::int64_t not_after, std::int64_t now);

/// Classifies a validity period at `now`. notAfter is inclusive (RFC 5280), so a certificate is
/// expired only after it; `expiring` = days_left at or below the largest warn_days threshold
/// (no thresholds: never expiring).
ExpiryState classify(std::int64_t not_before, std::int64_t not_after, std::int64_t now,
                     const std::vector<int>& warn_days);

/// The tightest threshold the certificate has crossed: the smallest t in warn_days with
/// days_left <= t, or nullopt when it is above every threshold. Events fire once per
/// (token, certificate, bucket): when the bucket changes, a new event is due.
std::optional<int> threshold_bucket(std::int64_t days_left, const std::vector<int>& warn_days);

/// "YYYY-MM-DDTHH:MM:SSZ" for a Unix time (UTC).
std::string format_utc(std::int64_t unix_seconds);

}  // namespace eport::x509

#pragma once
// Keeps a repeated warning (a refused connection, say) from flooding the log: the first one of
// a period is logged with the number left out since the last logged one. Pure: the caller
// passes the time.

#include <chrono>
#include <cstddef>
#include <optional>

namespace eport::ipc {

/// At most one log line per period.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  /// `period`: the shortest time between two logged lines.
  explicit LogThrottle(Clock::duration period = std::chrono::seconds(10)) : period_(period) {}

  /// When this occurrence should be logged: the number of occurrences left out before it.
  /// std::nullopt: leave it out (it is counted).
  std::optional<std::size_t> occurred(Clock::time_point now) {
    if (logged_once_ && now - last_ < period_) {
      ++suppressed_;
      return std::nullopt;
    }
    logged_once_ = true;
    last_ = now;
    const std::size_t left_out = suppressed_;
    suppressed_ = 0;
    return left_out;
  }

 private:
  Clock::duration period_;
  Clock::time_point last_{};
  bool logged_once_ = false;
  std::size_t suppressed_ = 0;
};

}  // namespace eport::ipc

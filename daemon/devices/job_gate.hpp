#pragma once
// The deadline of one card job, decided exactly once: either the token's worker starts the job
// (then it runs to its end, whatever the clock says) or the deadline drops it before it started
// (then nothing of it is ever sent to the card). Pure and thread-safe; the clock is passed in.

#include <atomic>
#include <chrono>

namespace eport::devices {

/// Start-or-drop decision for one job with a deadline.
class JobGate {
 public:
  using Clock = std::chrono::steady_clock;

  /// A job that must start before `deadline`.
  explicit JobGate(Clock::time_point deadline) : deadline_(deadline) {}
  JobGate(const JobGate&) = delete;
  JobGate& operator=(const JobGate&) = delete;

  /// The worker, right before the job's first APDU (inside the card transaction): true = the job
  /// runs now and can no longer be dropped; false = it was dropped, or `now` is past the deadline
  /// (then it is dropped here).
  bool try_start(Clock::time_point now);
  /// The deadline timer: true = dropped before it started (the caller answers "nothing was
  /// sent"); false = the job is already running (it will finish and report its own outcome).
  bool try_drop();
  /// True once try_start() succeeded.
  bool started() const { return state_.load() == kRunning; }
  /// True once the job was dropped.
  bool dropped() const { return state_.load() == kDropped; }
  /// When the job stops being allowed to start.
  Clock::time_point deadline() const { return deadline_; }

 private:
  static constexpr int kWaiting = 0;
  static constexpr int kRunning = 1;
  static constexpr int kDropped = 2;

  std::atomic<int> state_{kWaiting};
  const Clock::time_point deadline_;
};

}  // namespace eport::devices

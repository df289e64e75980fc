#pragma once
// One thread that runs callbacks at their deadlines: how a request on a hung card still gets an
// answer (`timeout`) while the card's worker stays blocked in the reader driver. It sleeps until
// the earliest deadline; with nothing scheduled it sleeps until woken.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace eport::cardops {

/// Runs each scheduled callback once at its deadline. Thread-safe.
class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;

  DeadlineTimer();
  /// Stops without running what is still scheduled.
  ~DeadlineTimer();
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  /// Runs `callback` on the timer thread after `delay`. The callback must be cheap and must
  /// tolerate that the work it guards finished meanwhile (use a once-flag).
  void schedule(Clock::duration delay, std::function<void()> callback);
  /// Stops the thread; pending callbacks are dropped.
  void stop();

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, std::function<void()>> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace eport::cardops

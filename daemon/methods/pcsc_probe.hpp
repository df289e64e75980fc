#pragma once
// Is pcscd reachable? Answered by establishing (and releasing) a PC/SC context. The probe
// blocks, so it runs at start and on BackgroundTasks, never on the I/O thread.

#include <chrono>
#include <mutex>
#include <string>

namespace eport::methods {

/// The last known reachability of pcscd.
class PcscProbe {
 public:
  /// `enabled`: pcsc.enabled from the config; a disabled probe always reports "down".
  explicit PcscProbe(bool enabled) : enabled_(enabled) {}

  /// Probes pcscd now unless the last probe is younger than `max_age`. Blocking.
  void refresh(std::chrono::milliseconds max_age = std::chrono::milliseconds(1000));
  /// "up" or "down" (from the last probe).
  std::string state() const;
  /// Why it is down and what to do ("" when up).
  std::string detail() const;
  /// pcsc.enabled.
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  mutable std::mutex mutex_;
  bool probed_ = false;
  bool up_ = false;
  std::string detail_ = "not probed yet";
  std::chrono::steady_clock::time_point last_;
};

}  // namespace eport::methods

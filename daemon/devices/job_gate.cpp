#include "devices/job_gate.hpp"

namespace eport::devices {

bool JobGate::try_start(Clock::time_point now) {
  if (now >= deadline_) {
    try_drop();
    return started();
  }
  int expected = kWaiting;
  return state_.compare_exchange_strong(expected, kRunning) || expected == kRunning;
}

bool JobGate::try_drop() {
  int expected = kWaiting;
  return state_.compare_exchange_strong(expected, kDropped) || expected == kDropped;
}

}  // namespace eport::devices

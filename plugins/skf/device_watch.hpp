#pragma once
// The thread that sits in SKF_WaitForDevEvent for one library (the call has no timeout), and
// the signal wait_change() waits on.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "skf_library.hpp"

namespace eport::skf {

/// Log sink: level (EPORT_LOG_*) and one line.
using LogFn = std::function<void(int, const std::string&)>;

/// "The set of devices may have changed", from any watch thread to wait_change().
class ChangeSignal {
 public:
  /// Records a change and wakes a waiter.
  void notify();
  /// Waits up to `timeout` for a change since the last call; true when there was one.
  bool wait(std::chrono::milliseconds timeout);

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t changes_ = 0, seen_ = 0;
};

/// Runs SKF_WaitForDevEvent in a loop on its own thread and notifies `signal` per event. After
/// five failures in a row it gives up (running() turns false; the provider then polls).
/// The thread keeps only shared state (the function pointers, the signal), so that it can be
/// left behind safely when a library never returns from the wait.
class DeviceWatch {
 public:
  DeviceWatch(SkfLibrary& lib, std::shared_ptr<ChangeSignal> signal, LogFn log, std::string label);
  /// stop().
  ~DeviceWatch();
  DeviceWatch(const DeviceWatch&) = delete;
  DeviceWatch& operator=(const DeviceWatch&) = delete;

  /// True while the thread waits for events.
  bool running() const { return !state_->done; }
  /// True once, when the thread has given up (logs why); the provider then polls this library.
  bool gave_up();
  /// Ends the thread: SKF_CancelWaitForDevEvent, repeated until the wait returns (a cancel may
  /// come before the thread entered the wait), for at most 5 s. A thread that does not return
  /// is left behind and the library and this plug-in stay loaded for the rest of the process.
  void stop();

 private:
  struct State {
    abi::WaitForDevEvent wait = nullptr;
    std::shared_ptr<ChangeSignal> signal;
    std::atomic<bool> stop{false}, done{false}, gave_up{false};
    std::atomic<abi::ULONG> last_error{0};
    std::mutex mutex;
    std::condition_variable cv;
    bool pause(std::chrono::milliseconds delay);
  };
  static void run(std::shared_ptr<State> state);

  SkfLibrary& lib_;
  LogFn log_;
  std::string label_;
  std::shared_ptr<State> state_;
  bool reported_ = false;
  std::thread thread_;
};

}  // namespace eport::skf

#pragma once
// Inside the provider helper process: runs the daemon's calls on the plug-in, one lane (thread)
// per token and one for enumerate/wait_change, and sends the answers. Internal.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "drivers/driver.hpp"
#include "providers/lane.hpp"
#include "providers/wire.hpp"

namespace eport::providers {

/// The longest wait_change the helper asks of the plug-in at once (driver.h promises <= 2000 ms).
inline constexpr std::chrono::milliseconds kPluginWait{2000};

/// The helper's end of the socket: sends whole messages from any thread.
class Outbox {
 public:
  /// Sends on `fd` (not owned).
  explicit Outbox(int fd) : fd_(fd) {}
  /// Sends one message; false when the daemon is gone.
  bool send(const wire::Writer& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    return wire::send_message(fd_, message.data());
  }

 private:
  std::mutex mutex_;
  int fd_;
};

/// The calls of one helper. dispatch() runs on the receiving thread and never blocks on the
/// plug-in: each call is posted to its lane, which answers when the plug-in returns.
class HostCalls {
 public:
  /// Calls into `driver`, answers through `outbox`; both must outlive this object.
  HostCalls(drivers::Driver& driver, Outbox& outbox) : driver_(driver), outbox_(outbox) {}
  /// Finishes the lanes (see Lane): call all_done() first unless the process is exiting.
  ~HostCalls() = default;

  /// Runs one call message (the reader is past the type byte).
  void dispatch(wire::Reader& r);
  /// Posts close_token() for every open token and finishes every lane.
  void close_all();
  /// True when every lane has run its last task.
  bool all_done();
  /// Sends the plug-in's report_status object when it changed since the last one sent.
  void send_status_if_changed();

 private:
  struct TokenLane {
    drivers::TokenHandle handle;  // used on the lane's thread only
    Lane lane;                    // declared last: joined first
  };

  void open(std::uint32_t call, std::string key);
  void on_token(std::uint32_t call, wire::Op op, std::uint64_t ref, wire::Reader& r);
  void answer(wire::Writer& w);
  void reap_closed();
  void refuse(std::uint32_t call, std::int32_t status);
  drivers::Status wait_change(std::chrono::milliseconds total, std::uint64_t generation);

  /// Ends waits: each wait remembers the generation it began in and stops when it moves.
  class Wake {
   public:
    std::uint64_t generation() {
      std::lock_guard<std::mutex> lock(mutex_);
      return generation_;
    }
    void wake() {
      std::lock_guard<std::mutex> lock(mutex_);
      ++generation_;
      cv_.notify_all();
    }
    void sleep_until(std::chrono::steady_clock::time_point until, std::uint64_t generation) {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_until(lock, until, [&] { return generation_ != generation; });
    }

   private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::uint64_t generation_ = 0;
  };

  drivers::Driver& driver_;
  Outbox& outbox_;
  Wake wake_;
  Lane watcher_;
  std::mutex mutex_;  // guards tokens_, next_ref_, last_status_
  std::map<std::uint64_t, std::shared_ptr<TokenLane>> tokens_;
  std::vector<std::shared_ptr<TokenLane>> closed_;  // finishing; destroyed once done
  std::uint64_t next_ref_ = 1;
  nlohmann::json last_status_;
};

}  // namespace eport::providers

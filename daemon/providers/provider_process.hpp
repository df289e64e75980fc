#pragma once
// The daemon's side of one provider helper process: starts `eportd --provider-host 3` for one
// token-provider plug-in, sends it calls and waits (bounded) for the answers, notices when it
// dies, and starts it again when asked.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "drivers/loader.hpp"
#include "providers/wire.hpp"

namespace eport::providers {

/// How to start a helper.
struct ProviderLaunch {
  std::string executable = "/proc/self/exe";      ///< the eportd binary (tests: its build path)
  std::filesystem::path plugin_dir;               ///< where eport-<name>.so is
  drivers::DriverSpec spec;                       ///< name and options
  std::string log_level = "info";                 ///< the helper's log level
  std::shared_ptr<spdlog::logger> logger;         ///< where its log lines go
  std::chrono::milliseconds init_timeout{30000};  ///< longest wait for the plug-in's init()
  std::chrono::milliseconds stop_timeout{6000};   ///< longest wait for a clean exit
  /// A listing (enumerate) not answered by then means the plug-in or its library is stuck (a
  /// vendor library deadlocked: every later call would queue behind it). The helper is killed
  /// and started again, so its tokens go and come back instead of staying listed for ever.
  std::chrono::milliseconds list_timeout{30000};
};

/// The answer to one call: the ABI status and the rest of the result message.
struct Answer {
  std::int32_t status = EPORT_ERR_INTERNAL;  ///< EPORT_OK or an EPORT_ERR_* code
  std::vector<std::uint8_t> payload;         ///< the op's values after the status
  std::uint64_t epoch = 0;                   ///< the helper run that answered
};

/// One helper process at a time (restarted after a crash). Thread-safe.
class ProviderProcess {
 public:
  /// Nothing starts before start().
  explicit ProviderProcess(ProviderLaunch launch);
  /// stop().
  ~ProviderProcess();
  ProviderProcess(const ProviderProcess&) = delete;
  ProviderProcess& operator=(const ProviderProcess&) = delete;

  /// Starts the helper and waits until its plug-in is loaded and initialised. "" on success
  /// (`info` then holds the plug-in's facts), else why not (the library path in `library`).
  std::string start(drivers::DriverInfo& info, std::string& library);
  /// When the helper died: starts it again, at most once per back-off period (1 s, doubled
  /// after each failed restart up to 30 s). True while a helper runs.
  bool ensure_running();
  /// Number of the helper now running (1, 2, ... after restarts); 0 while none runs.
  std::uint64_t live_epoch() const;

  /// Sends one call for token `ref` of helper `epoch` (0 = not a token call) with `args`
  /// written by the caller, and waits at most `timeout`. EPORT_ERR_CARD_REMOVED when that
  /// helper is gone (its tokens with it); EPORT_ERR_TIMEOUT when no answer came in time.
  Answer call(wire::Op op, std::uint64_t epoch, std::uint64_t ref,
              const std::function<void(wire::Writer&)>& args, std::chrono::milliseconds timeout);
  /// Ends the wait_change calls in flight at once (they answer EPORT_ERR_TIMEOUT) and tells the
  /// helper to stop waiting (no wait in flight: the next one answers at once); with `for_good` (the watcher
  /// is stopping) every later wait_change answers EPORT_ERR_TIMEOUT at once too. Any thread.
  void interrupt_waits(bool for_good = false);
  /// How long a listing may take (ProviderLaunch::list_timeout).
  std::chrono::milliseconds list_timeout() const { return launch_.list_timeout; }
  /// Tells helper `epoch` to close token `ref`; does not wait.
  void close_token(std::uint64_t epoch, std::uint64_t ref);

  /// Asks the helper to close its tokens and shut the plug-in down; kills it when it does not
  /// exit within stop_timeout. No restart afterwards.
  void stop();

  /// Receives the plug-in's report_status objects (JSON text), the latest one at once.
  void on_status(std::function<void(const std::string&)> sink);
  /// Called when a call answered EPORT_ERR_CARD_REMOVED or a running helper died (the watcher
  /// then re-enumerates at once). Any thread.
  void on_change_hint(std::function<void()> hint);
  /// The driver name, for messages.
  const std::string& name() const { return launch_.spec.name; }

 private:
  struct Pending;
  struct Incarnation;

  std::shared_ptr<Incarnation> spawn(drivers::DriverInfo& info, std::string& error, std::string& library);
  void read_loop(Incarnation& self);
  void handle_side_message(wire::Type type, wire::Reader& r);
  void retire(std::shared_ptr<Incarnation> old);
  void change_hint();

  const ProviderLaunch launch_;
  std::mutex hooks_mutex_;  // guards the three below
  std::function<void(const std::string&)> status_sink_;
  std::string last_status_;
  std::function<void()> change_hint_;

  mutable std::mutex mutex_;  // guards everything below
  std::shared_ptr<Incarnation> current_;
  std::uint64_t next_epoch_ = 1;
  std::uint32_t next_call_ = 1;
  bool stopping_ = false;
  bool waits_stopped_ = false;
  bool wake_next_ = false;  // interrupt_waits() found no wait: the next one answers at once
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::seconds backoff_{1};
};

}  // namespace eport::providers

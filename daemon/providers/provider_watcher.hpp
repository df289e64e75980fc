#pragma once
// One thread per token-provider driver: enumerate(), then wait_change() (or a short poll) and
// enumerate again; new tokens get a ProviderWorker and are listed in the token registry, tokens
// no longer listed are unlisted. Never touches a PIN.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "devices/token_registry.hpp"
#include "drivers/driver.hpp"
#include "providers/provider_process.hpp"
#include "providers/provider_worker.hpp"

namespace eport::providers {

/// Tuning of a watcher.
struct WatcherTuning {
  std::chrono::milliseconds wait{2000};  ///< timeout passed to an in-process wait_change()
  /// Timeout of a wait_change() through a helper process: the helper waits in 2 s slices of
  /// its own, so eportd wakes only when something changed (stop() and rescan_soon() end it).
  std::chrono::milliseconds remote_wait{60000};
  std::chrono::milliseconds poll{2000};  ///< enumerate() interval without wait_change()
  std::size_t queue_limit = 16;          ///< jobs that may wait per token
};

/// Watches one token-provider driver.
class ProviderWatcher {
 public:
  /// `driver` (a token provider), `registry` and `process` (the helper serving the driver, or
  /// nullptr for a driver in this process) must outlive the watcher.
  ProviderWatcher(drivers::Driver& driver, devices::TokenRegistry& registry, ProviderProcess* process,
                  WatcherTuning tuning = {});
  /// stop().
  ~ProviderWatcher();
  ProviderWatcher(const ProviderWatcher&) = delete;
  ProviderWatcher& operator=(const ProviderWatcher&) = delete;

  /// Starts the thread.
  void start();
  /// Ends the thread (an in-process driver's wait_change returns within its 2 s; a helper's is
  /// ended at once), stops every token's worker (close_token()
  /// on its thread) and joins them. The tokens stay listed: the registry goes next.
  void stop();
  /// Enumerate again as soon as possible (an operation saw its token gone). Any thread.
  void rescan_soon();

 private:
  struct Entry {
    std::shared_ptr<ProviderWorker> worker;
    std::string id;        // once listed in the registry
    bool retired = false;  // no longer listed by the driver
    bool gone = false;     // open said NOT_FOUND: forget it, retry on a later scan
  };

  void run();
  void scan();
  void wait_for_change(bool& need_scan, bool& use_wait);
  bool pause(std::chrono::milliseconds how_long);
  bool stopping();
  void start_token(const drivers::TokenIdentity& identity);
  std::optional<devices::Token> on_opened(const std::shared_ptr<Entry>& entry,
                                          const drivers::TokenIdentity& identity,
                                          const drivers::Result<drivers::TokenHandle>& opened,
                                          std::shared_ptr<devices::JobRunner> self);
  void retire(std::shared_ptr<Entry> entry);
  void drop_all();
  void reap(bool all);

  drivers::Driver& driver_;
  devices::TokenRegistry& registry_;
  ProviderProcess* process_;
  const WatcherTuning tuning_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool rescan_ = false;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // by key
  std::vector<std::shared_ptr<ProviderWorker>> retired_;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace eport::providers

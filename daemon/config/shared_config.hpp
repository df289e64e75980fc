#pragma once
// The running configuration, shared between threads and replaceable by a reload (SIGHUP):
// readers take a snapshot and keep using it while a new one is swapped in.

#include <memory>
#include <mutex>

#include "config/config.hpp"

namespace eport::config {

/// Thread-safe holder of the current Config.
class SharedConfig {
 public:
  /// Starts with `initial`.
  explicit SharedConfig(Config initial) : current_(std::make_shared<const Config>(std::move(initial))) {}

  /// The configuration in force now; stays valid for the holder of the pointer.
  std::shared_ptr<const Config> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }
  /// Replaces the configuration (reload).
  void set(Config next) {
    auto replacement = std::make_shared<const Config>(std::move(next));
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = std::move(replacement);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Config> current_;
};

}  // namespace eport::config

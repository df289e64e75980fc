#pragma once
// The running configuration, shared between threads and replaceable by a reload (SIGHUP).
//
// The one reload model: SharedConfig is the only thing a reload changes (set()). Every part
// takes its configuration from it, in one of two ways:
// - per request: handlers take a snapshot with get() and keep using it while a newer one is
//   swapped in (cardops' warn_days and pin.default, guidance.get), so one request sees one
//   consistent configuration;
// - derived state: a part that keeps something computed from the configuration (the log level,
//   the access policy with its resolved group ids, the server's limits, the event and background
//   queue sizes, the audit policy) subscribes, and set() calls it with the new configuration.
// Why not pull only: the log level is process-wide state, and resolving admin groups (NSS) on
// every request would be slow; ipc and events must not depend on config either. Why not push
// only (apply(const Config&) on each part): request handlers would each keep their own copy of
// the values they read, and one request could mix two configurations.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "config/config.hpp"

namespace eport::config {

/// Thread-safe holder of the current Config, and the list of parts that follow it.
class SharedConfig {
 public:
  /// Called with the new configuration after set() swapped it in.
  using Listener = std::function<void(const Config&)>;

  /// Keeps a listener subscribed; unsubscribes when destroyed (declare it after the part it
  /// calls, so it goes first). Move-only.
  class Subscription {
   public:
    /// Subscribed to nothing.
    Subscription() = default;
    /// Unsubscribes.
    ~Subscription() { reset(); }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    /// Takes over `other`'s subscription.
    Subscription(Subscription&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}
    /// Ends its own subscription and takes over `other`'s.
    Subscription& operator=(Subscription&& other) noexcept {
      if (this != &other) {
        reset();
        owner_ = std::exchange(other.owner_, nullptr);
        id_ = other.id_;
      }
      return *this;
    }
    /// Unsubscribes now.
    void reset() {
      if (owner_ != nullptr) std::exchange(owner_, nullptr)->unsubscribe(id_);
    }

   private:
    friend class SharedConfig;
    Subscription(SharedConfig* owner, std::uint64_t id) : owner_(owner), id_(id) {}
    SharedConfig* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  /// Starts with `initial`.
  explicit SharedConfig(Config initial) : current_(std::make_shared<const Config>(std::move(initial))) {}

  /// The configuration in force now; stays valid for the holder of the pointer.
  std::shared_ptr<const Config> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }

  /// Replaces the configuration (reload), then calls every listener in the order they
  /// subscribed, on this thread, with no lock held (a listener may call get()).
  void set(Config next) {
    auto replacement = std::make_shared<const Config>(std::move(next));
    std::vector<std::shared_ptr<const Listener>> listeners;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = replacement;
      for (const auto& entry : listeners_) listeners.push_back(entry.second);
    }
    for (const auto& listener : listeners) (*listener)(*replacement);
  }

  /// Makes `listener` follow every later set(); it is not called for the current configuration.
  [[nodiscard]] Subscription subscribe(Listener listener) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t id = ++last_id_;
    listeners_.emplace_back(id, std::make_shared<const Listener>(std::move(listener)));
    return Subscription(this, id);
  }

 private:
  void unsubscribe(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = listeners_.begin(); it != listeners_.end(); ++it) {
      if (it->first == id) {
        listeners_.erase(it);
        return;
      }
    }
  }

  mutable std::mutex mutex_;
  std::shared_ptr<const Config> current_;
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const Listener>>> listeners_;
  std::uint64_t last_id_ = 0;
};

}  // namespace eport::config

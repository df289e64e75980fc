#pragma once
// The events bus: anything in the daemon publishes a topic with parameters; every subscriber has
// its own bounded queue so that a slow client never blocks the daemon or other clients. When a
// queue is full new events for that subscriber are counted instead of kept, and the subscriber
// later receives one `events.dropped` notification with that count.

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eport::events {

/// Topics the daemon publishes (PROTOCOL.md "Events").
const std::vector<std::string>& known_topics();

/// Wall clock used for the `time` field; injectable for tests.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// Formats a time as RFC 3339 UTC with seconds, e.g. "2026-11-26T18:00:00Z".
std::string format_utc(std::chrono::system_clock::time_point time);

class EventBus;

/// One subscriber's queue. Owned by the subscriber (a connection); the bus keeps a weak
/// reference, so dropping the last shared_ptr unsubscribes.
class Subscription {
 public:
  /// Called (from the publishing thread) after an event was queued or dropped; it must be cheap
  /// and thread-safe, typically posting a drain to the subscriber's I/O thread.
  using Wake = std::function<void()>;

  /// Use EventBus::subscribe().
  Subscription(std::set<std::string> topics, std::size_t capacity, Wake wake);

  /// Takes up to `max` queued notifications (JSON-RPC `event` / `events.dropped` objects).
  /// An `events.dropped` notification follows the kept events when some were dropped.
  std::vector<nlohmann::json> drain(std::size_t max);
  /// Replaces the topic filter (empty = every topic).
  void set_topics(std::set<std::string> topics);
  /// The topic filter.
  std::set<std::string> topics() const;
  /// Events waiting (not counting the dropped ones).
  std::size_t queued() const;
  /// Events dropped since the last drain.
  std::uint64_t dropped() const;

 private:
  friend class EventBus;
  void offer(const std::string& topic, const nlohmann::json& notification);

  mutable std::mutex mutex_;
  std::set<std::string> topics_;
  std::size_t capacity_;
  Wake wake_;
  std::deque<nlohmann::json> queue_;
  std::uint64_t dropped_ = 0;
};

/// Thread-safe publish/subscribe.
class EventBus {
 public:
  /// `queue_capacity`: events kept per subscriber before dropping.
  explicit EventBus(std::size_t queue_capacity, WallClock clock = nullptr);

  /// Queues `event` with `params` (plus `topic` and `time`) for every interested subscriber.
  void publish(const std::string& topic, nlohmann::json params = nlohmann::json::object());

  /// A new subscription for `topics` (empty = all).
  std::shared_ptr<Subscription> subscribe(std::set<std::string> topics, Subscription::Wake wake);

  /// Live subscribers.
  std::size_t subscribers() const;
  /// Queue capacity for subscriptions made from now on (config reload).
  void set_queue_capacity(std::size_t capacity);

 private:
  std::size_t capacity_;
  WallClock clock_;
  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<Subscription>> subscribers_;
};

}  // namespace eport::events

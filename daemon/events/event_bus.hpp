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

/// Internal facts published with EventBus::publish_internal(): seen by observers (metrics),
/// never sent to clients. "token.read" {token (id or Token), pin?, puk?, certificates} after a
/// card's certificates (and, for token.status, PIN and PUK) were read; "cert.read" and
/// "cert.written" {token, certificate} for one slot; "pcsc.state" {up} when pcscd comes or goes.
const std::vector<std::string>& internal_topics();

/// Wall clock used for the `time` field; injectable for tests.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// Formats a time as RFC 3339 UTC with seconds, e.g. "2026-11-26T18:00:00Z".
std::string format_utc(std::chrono::system_clock::time_point time);

class EventBus;

/// An in-process listener (metrics): sees every event and internal fact as it is published,
/// on the publishing thread, and the events dropped for slow subscribers. Must be cheap and
/// thread-safe; it must not publish from inside these calls.
class EventObserver {
 public:
  virtual ~EventObserver() = default;
  /// A published event or internal fact; `params` as published (plus `topic` and `time`).
  virtual void on_event(const std::string& topic, const nlohmann::json& params) = 0;
  /// `count` events of one publish were dropped for subscribers whose queues were full.
  virtual void on_dropped(std::uint64_t count) = 0;
};

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
  /// Queues (or counts as dropped) one event; true when it was dropped.
  bool offer(const std::string& topic, const nlohmann::json& notification);

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

  /// Tells observers only (never subscribers) an internal fact; see internal_topics().
  void publish_internal(const std::string& topic, nlohmann::json params);

  /// Adds an observer; the bus keeps a weak reference, so dropping the last shared_ptr removes it.
  void observe(std::shared_ptr<EventObserver> observer);

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
  std::vector<std::weak_ptr<EventObserver>> observers_;

  nlohmann::json stamp(const std::string& topic, nlohmann::json params) const;
  std::vector<std::shared_ptr<EventObserver>> live_observers();
};

}  // namespace eport::events

#include "events/event_bus.hpp"

#include <ctime>

namespace eport::events {

const std::vector<std::string>& known_topics() {
  static const std::vector<std::string> topics{
      "reader.added",  "reader.removed", "token.added",  "token.removed", "pin.changed",
      "cert.expiring", "cert.expired",   "usb.attached", "usb.detached",  "job.finished"};
  return topics;
}

const std::vector<std::string>& internal_topics() {
  static const std::vector<std::string> topics{"token.read", "cert.read", "cert.written", "pcsc.state"};
  return topics;
}

std::string format_utc(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

Subscription::Subscription(std::set<std::string> topics, std::size_t capacity, Wake wake)
    : topics_(std::move(topics)), capacity_(capacity), wake_(std::move(wake)) {}

bool Subscription::offer(const std::string& topic, const nlohmann::json& notification) {
  bool dropped = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!topics_.empty() && !topics_.count(topic)) return false;
    dropped = queue_.size() >= capacity_;
    if (dropped) ++dropped_;
    else queue_.push_back(notification);
  }
  if (wake_) wake_();
  return dropped;
}

std::vector<nlohmann::json> Subscription::drain(std::size_t max) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<nlohmann::json> out;
  while (!queue_.empty() && out.size() < max) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  // Report drops only once the events kept before them are out, so the count comes last.
  if (queue_.empty() && dropped_ > 0 && out.size() < max) {
    out.push_back({{"jsonrpc", "2.0"}, {"method", "events.dropped"}, {"params", {{"count", dropped_}}}});
    dropped_ = 0;
  }
  return out;
}

void Subscription::set_topics(std::set<std::string> topics) {
  std::lock_guard<std::mutex> lock(mutex_);
  topics_ = std::move(topics);
}

std::set<std::string> Subscription::topics() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return topics_;
}

std::size_t Subscription::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

std::uint64_t Subscription::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

EventBus::EventBus(std::size_t queue_capacity, WallClock clock)
    : capacity_(queue_capacity ? queue_capacity : 1), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

nlohmann::json EventBus::stamp(const std::string& topic, nlohmann::json params) const {
  if (!params.is_object()) params = nlohmann::json::object();
  params["topic"] = topic;
  params["time"] = format_utc(clock_());
  return params;
}

std::vector<std::shared_ptr<EventObserver>> EventBus::live_observers() {
  std::vector<std::shared_ptr<EventObserver>> live;
  std::lock_guard<std::mutex> lock(mutex_);
  auto keep = observers_.begin();
  for (auto& weak : observers_) {
    if (auto observer = weak.lock()) {
      live.push_back(std::move(observer));
      *keep++ = weak;
    }
  }
  observers_.erase(keep, observers_.end());
  return live;
}

void EventBus::publish_internal(const std::string& topic, nlohmann::json params) {
  const auto stamped = stamp(topic, std::move(params));
  for (auto& observer : live_observers()) observer->on_event(topic, stamped);
}

void EventBus::observe(std::shared_ptr<EventObserver> observer) {
  std::lock_guard<std::mutex> lock(mutex_);
  observers_.push_back(observer);
}

void EventBus::publish(const std::string& topic, nlohmann::json params) {
  const nlohmann::json notification{
      {"jsonrpc", "2.0"}, {"method", "event"}, {"params", stamp(topic, std::move(params))}};
  std::vector<std::shared_ptr<Subscription>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto keep = subscribers_.begin();
    for (auto& weak : subscribers_) {
      if (auto sub = weak.lock()) {
        live.push_back(std::move(sub));
        *keep++ = weak;
      }
    }
    subscribers_.erase(keep, subscribers_.end());
  }
  // Offer outside the bus lock: a subscriber's wake may take its own locks.
  std::uint64_t dropped = 0;
  for (auto& sub : live) dropped += sub->offer(topic, notification) ? 1 : 0;
  for (auto& observer : live_observers()) {
    observer->on_event(topic, notification["params"]);
    if (dropped > 0) observer->on_dropped(dropped);
  }
}

std::shared_ptr<Subscription> EventBus::subscribe(std::set<std::string> topics, Subscription::Wake wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto sub = std::make_shared<Subscription>(std::move(topics), capacity_, std::move(wake));
  subscribers_.push_back(sub);
  return sub;
}

void EventBus::set_queue_capacity(std::size_t capacity) {
  std::lock_guard<std::mutex> lock(mutex_);
  capacity_ = capacity ? capacity : 1;
}

std::size_t EventBus::subscribers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::size_t count = 0;
  for (const auto& weak : subscribers_) count += weak.expired() ? 0 : 1;
  return count;
}

}  // namespace eport::events

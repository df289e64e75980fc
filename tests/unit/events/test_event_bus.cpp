#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "events/event_bus.hpp"

using namespace eport::events;

namespace {
std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1798761600));  // 2027-01-01
}
}  // namespace

TEST_CASE("a published event reaches a subscriber as an event notification", "[events]") {
  EventBus bus(10, fixed_time);
  int wakes = 0;
  auto sub = bus.subscribe({}, [&] { ++wakes; });
  bus.publish("token.added", {{"token", {{"id", "piv:1"}}}});
  CHECK(wakes == 1);
  const auto out = sub->drain(100);
  REQUIRE(out.size() == 1);
  CHECK(out[0]["jsonrpc"] == "2.0");
  CHECK(out[0]["method"] == "event");
  CHECK_FALSE(out[0].contains("id"));
  CHECK(out[0]["params"]["topic"] == "token.added");
  CHECK(out[0]["params"]["time"] == "2027-01-01T00:00:00Z");
  CHECK(out[0]["params"]["token"]["id"] == "piv:1");
}

TEST_CASE("a topic filter keeps other topics away", "[events]") {
  EventBus bus(10);
  auto sub = bus.subscribe({"reader.added"}, nullptr);
  bus.publish("token.added");
  bus.publish("reader.added");
  const auto out = sub->drain(100);
  REQUIRE(out.size() == 1);
  CHECK(out[0]["params"]["topic"] == "reader.added");
}

TEST_CASE("a full queue drops new events and reports the count once", "[events]") {
  EventBus bus(3);
  auto sub = bus.subscribe({}, nullptr);
  for (int i = 0; i < 10; ++i) bus.publish("usb.attached", {{"n", i}});
  CHECK(sub->queued() == 3);
  CHECK(sub->dropped() == 7);
  const auto out = sub->drain(100);
  REQUIRE(out.size() == 4);
  CHECK(out[0]["params"]["n"] == 0);
  CHECK(out[2]["params"]["n"] == 2);
  CHECK(out[3]["method"] == "events.dropped");
  CHECK(out[3]["params"]["count"] == 7);
  CHECK(sub->drain(100).empty());  // reported once
}

TEST_CASE("the dropped count waits until the kept events are out", "[events]") {
  EventBus bus(2);
  auto sub = bus.subscribe({}, nullptr);
  for (int i = 0; i < 5; ++i) bus.publish("usb.attached");
  CHECK(sub->drain(1).size() == 1);
  const auto rest = sub->drain(10);
  REQUIRE(rest.size() == 2);
  CHECK(rest[1]["params"]["count"] == 3);
}

TEST_CASE("one slow subscriber does not cost another one events", "[events]") {
  EventBus bus(2);
  auto slow = bus.subscribe({}, nullptr);
  auto fast = bus.subscribe({}, nullptr);
  for (int i = 0; i < 6; ++i) {
    bus.publish("token.removed");
    CHECK(fast->drain(10).size() == 1);
  }
  CHECK(slow->dropped() == 4);
}

TEST_CASE("dropping the subscription unsubscribes", "[events]") {
  EventBus bus(2);
  auto sub = bus.subscribe({}, nullptr);
  CHECK(bus.subscribers() == 1);
  sub.reset();
  bus.publish("token.added");
  CHECK(bus.subscribers() == 0);
}

TEST_CASE("publishing from many threads loses nothing below the bound", "[events]") {
  EventBus bus(100000);
  auto sub = bus.subscribe({}, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) bus.publish("usb.attached");
    });
  for (auto& thread : threads) thread.join();
  CHECK(sub->drain(10000).size() == 4000);
}

TEST_CASE("a new queue capacity applies to later subscriptions", "[events]") {
  EventBus bus(2);
  auto before = bus.subscribe({}, nullptr);
  bus.set_queue_capacity(5);
  auto after = bus.subscribe({}, nullptr);
  for (int i = 0; i < 10; ++i) bus.publish("usb.attached");
  CHECK(before->queued() == 2);
  CHECK(after->queued() == 5);
}

namespace {
/// Records what an observer is told.
struct RecordingObserver : EventObserver {
  std::vector<std::pair<std::string, nlohmann::json>> events;
  std::uint64_t dropped = 0;
  void on_event(const std::string& topic, const nlohmann::json& params) override {
    events.emplace_back(topic, params);
  }
  void on_dropped(std::uint64_t count) override { dropped += count; }
};
}  // namespace

TEST_CASE("an observer sees every published event with its params", "[events][observer]") {
  EventBus bus(10, fixed_time);
  auto observer = std::make_shared<RecordingObserver>();
  bus.observe(observer);
  bus.publish("token.removed", {{"token", "piv:1"}});
  REQUIRE(observer->events.size() == 1);
  CHECK(observer->events[0].first == "token.removed");
  CHECK(observer->events[0].second["token"] == "piv:1");
  CHECK(observer->events[0].second["time"] == "2027-01-01T00:00:00Z");
}

TEST_CASE("an internal fact reaches observers but never a subscriber", "[events][observer]") {
  EventBus bus(10);
  auto observer = std::make_shared<RecordingObserver>();
  bus.observe(observer);
  auto everything = bus.subscribe({}, nullptr);
  bus.publish_internal("token.read", {{"token", "piv:1"}, {"certificates", nlohmann::json::array()}});
  CHECK(everything->drain(100).empty());
  REQUIRE(observer->events.size() == 1);
  CHECK(observer->events[0].first == "token.read");
  for (const auto& topic : internal_topics())
    CHECK(std::find(known_topics().begin(), known_topics().end(), topic) == known_topics().end());
}

TEST_CASE("an observer is told how many events a publish dropped", "[events][observer]") {
  EventBus bus(1);
  auto observer = std::make_shared<RecordingObserver>();
  bus.observe(observer);
  auto slow = bus.subscribe({}, nullptr);
  auto other = bus.subscribe({}, nullptr);
  bus.publish("usb.attached");  // both queues now full
  CHECK(observer->dropped == 0);
  bus.publish("usb.detached");  // dropped for both
  CHECK(observer->dropped == 2);
  CHECK(observer->events.size() == 2);
}

TEST_CASE("dropping the observer removes it from the bus", "[events][observer]") {
  EventBus bus(10);
  auto observer = std::make_shared<RecordingObserver>();
  std::weak_ptr<RecordingObserver> weak = observer;
  bus.observe(observer);
  observer.reset();
  CHECK(weak.expired());
  bus.publish("usb.attached");  // nothing to call, nothing crashes
}

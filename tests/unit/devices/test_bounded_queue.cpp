#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>

#include "devices/bounded_queue.hpp"

using namespace eport::devices;

TEST_CASE("a full queue refuses the next item and leaves it intact", "[devices][queue]") {
  BoundedQueue<std::string> q(2);
  std::string a = "a", b = "b", c = "c";
  CHECK(q.push(a) == PushResult::queued);
  CHECK(q.push(b) == PushResult::queued);
  CHECK(q.push(c) == PushResult::full);
  CHECK(c == "c");
  CHECK(q.size() == 2);
  CHECK(q.pop() == std::optional<std::string>("a"));
  CHECK(q.push(c) == PushResult::queued);
  CHECK(q.pop() == std::optional<std::string>("b"));
  CHECK(q.pop() == std::optional<std::string>("c"));
}

TEST_CASE("closing hands back waiting items and refuses new ones", "[devices][queue]") {
  BoundedQueue<int> q(4);
  int one = 1, two = 2, three = 3;
  q.push(one);
  q.push(two);
  const auto left = q.close();
  CHECK(left == std::vector<int>{1, 2});
  CHECK(q.push(three) == PushResult::closed);
  CHECK_FALSE(q.pop().has_value());
}

TEST_CASE("close wakes a consumer blocked in pop", "[devices][queue]") {
  BoundedQueue<int> q(1);
  std::atomic<bool> woke{false};
  std::thread consumer([&] {
    const auto item = q.pop();
    woke = !item.has_value();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  q.close();
  consumer.join();
  CHECK(woke);
}

TEST_CASE("capacity zero still holds one item", "[devices][queue]") {
  BoundedQueue<int> q(0);
  int x = 1, y = 2;
  CHECK(q.capacity() == 1);
  CHECK(q.push(x) == PushResult::queued);
  CHECK(q.push(y) == PushResult::full);
}

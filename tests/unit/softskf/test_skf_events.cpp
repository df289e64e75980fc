// SKF_WaitForDevEvent wakes when a state file arrives or leaves; SKF_CancelWaitForDevEvent ends
// the wait. Waits are bounded by futures with generous timeouts, never by sleeps.
#include <stdio.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "softskf_support.hpp"

using namespace softskf_test;

namespace {

struct Event {
  ULONG rv = 0;
  std::string name;
  ULONG event = 0;
};

std::future<Event> wait_async() {
  return std::async(std::launch::async, [] {
    Event e;
    char name[64] = {0};
    ULONG len = sizeof name;
    e.rv = SKF_WaitForDevEvent(name, &len, &e.event);
    e.name = name;
    return e;
  });
}

constexpr auto kGenerous = std::chrono::seconds(60);

}  // namespace

TEST_CASE("softskf: SKF_WaitForDevEvent reports a plugged and a pulled key by name") {
  DeviceDir dir;
  REQUIRE(enum_devices().empty());  // the starting point
  auto waiting = wait_async();
  const auto file = dir.add_sm2("SKEV1");
  REQUIRE(waiting.wait_for(kGenerous) == std::future_status::ready);
  auto e = waiting.get();
  CHECK(e.rv == SAR_OK);
  CHECK(e.name == "SKEV1");
  CHECK(e.event == DEV_EVENT_INSERTED);
  waiting = wait_async();
  REQUIRE(::unlink(file.c_str()) == 0);
  REQUIRE(waiting.wait_for(kGenerous) == std::future_status::ready);
  e = waiting.get();
  CHECK(e.rv == SAR_OK);
  CHECK(e.name == "SKEV1");
  CHECK(e.event == DEV_EVENT_REMOVED);
}

TEST_CASE("softskf: a change between SKF_EnumDev and the wait is still reported") {
  DeviceDir dir;
  REQUIRE(enum_devices().empty());
  dir.add_sm2("SKEARLY");
  auto waiting = wait_async();
  REQUIRE(waiting.wait_for(kGenerous) == std::future_status::ready);
  const auto e = waiting.get();
  CHECK(e.name == "SKEARLY");
  CHECK(e.event == DEV_EVENT_INSERTED);
}

TEST_CASE("softskf: saving a device's state (rename over it) is no plug event") {
  DeviceDir dir;
  const auto file = dir.add_sm2("SKSAVE");
  REQUIRE(enum_devices().size() == 1);
  Session s("SKSAVE");
  REQUIRE(s.status == SAR_OK);
  auto waiting = wait_async();
  std::string pin = "11111111";
  ULONG retry = 0;
  REQUIRE(SKF_VerifyPIN(s.app, USER_TYPE, pin.data(), &retry) == SAR_PIN_INCORRECT);  // rewrites the file
  dir.add_sm2("SKNEXT");                                                              // the next real event
  REQUIRE(waiting.wait_for(kGenerous) == std::future_status::ready);
  const auto e = waiting.get();
  CHECK(e.name == "SKNEXT");
  CHECK(e.event == DEV_EVENT_INSERTED);
}

TEST_CASE("softskf: SKF_CancelWaitForDevEvent ends a blocked wait with SAR_FAIL") {
  DeviceDir dir;
  REQUIRE(enum_devices().empty());
  auto waiting = wait_async();
  // The waiter may not have started blocking yet: cancel until it returns.
  while (waiting.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready)
    SKF_CancelWaitForDevEvent();
  CHECK(waiting.get().rv == SAR_FAIL);
}

TEST_CASE("softskf: a name buffer too small keeps the event for the next call") {
  DeviceDir dir;
  REQUIRE(enum_devices().empty());
  dir.add_sm2("SKLONGNAME");
  char tiny[4];
  ULONG len = sizeof tiny, event = 0;
  REQUIRE(SKF_WaitForDevEvent(tiny, &len, &event) == SAR_BUFFER_TOO_SMALL);
  CHECK(len == 11);
  char name[32];
  len = sizeof name;
  REQUIRE(SKF_WaitForDevEvent(name, &len, &event) == SAR_OK);
  CHECK(std::string(name) == "SKLONGNAME");
  CHECK(event == DEV_EVENT_INSERTED);
}

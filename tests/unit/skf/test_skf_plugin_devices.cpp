// Loading, listing, identity and device events of eport-skf.so over the soft SKF token.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>

#include "skf_fixture.hpp"

using namespace skf_test;
using eport::drivers::PinKind;
using eport::drivers::Status;

TEST_CASE("skf plugin: loads as a token provider with its capabilities") {
  SkfFixture f;
  const auto& info = f.driver().info();
  CHECK(info.name == "skf");
  CHECK(info.kind == "token-provider");
  for (const char* cap : {"enumerate", "wait_change", "identify", "pin_status", "pin_reset", "pin_change",
                          "cert_list", "cert_read", "cert_write", "slot_public_key"})
    CHECK(std::find(info.capabilities.begin(), info.capabilities.end(), cap) != info.capabilities.end());
}

TEST_CASE("skf plugin: lists the keys of two libraries at once and identifies them from DEVINFO") {
  auto options = SkfFixture::default_options();
  options["libraries"].push_back({{"library", EPORT_SOFTSKF_BOOL64_LIBRARY}, {"label", "wide"}});
  SkfFixture f(options);
  f.add_device("K1");
  f.add_device("K2", true);
  const auto tokens = f.tokens();
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].serial == "K1");
  CHECK(tokens[0].id == "skf:soft:K1");
  CHECK(tokens[0].kind == "usbkey");
  CHECK(tokens[1].serial == "K2");
  CHECK(tokens[1].id == "skf:wide:K2");
  auto token = f.open("K2");
  const auto id = f.driver().identify(token, no_channel());
  REQUIRE(id.ok());
  CHECK(id.value.label == "eport soft SKF K2");
  CHECK(id.value.manufacturer == "eportd soft SKF");
  CHECK(id.value.model == "SKF USBKey, firmware 1.2");
}

TEST_CASE("skf plugin: a library that does not load is skipped, the others serve") {
  auto options = SkfFixture::default_options();
  options["libraries"].push_back({{"library", "/nonexistent/libvendor_skf.so"}});
  SkfFixture f(options);
  f.add_device("K3");
  CHECK(f.tokens().size() == 1);
}

TEST_CASE("skf plugin: invalid options refuse the plug-in") {
  for (const auto& options :
       {nlohmann::json{{"libraries", "x"}}, nlohmann::json{{"libraries", {{{"label", "nolib"}}}}},
        nlohmann::json{{"libraries",
                        {{{"library", EPORT_SOFTSKF_LIBRARY}, {"label", "a"}},
                         {{"library", EPORT_SOFTSKF_LIBRARY}, {"label", "b"}}}}},
        nlohmann::json{{"lock_timeout_ms", -1}}}) {
    SkfFixture f(options);
    CHECK(f.load().drivers.empty());
    REQUIRE(f.load().failures.size() == 1);
  }
}

TEST_CASE("skf plugin: wait_change wakes when a key is plugged in or pulled, and times out otherwise") {
  SkfFixture f;
  REQUIRE(f.tokens().empty());
  CHECK(f.driver().wait_change(std::chrono::milliseconds(50)).status == Status::Timeout);
  const auto file = f.add_device("E1");
  bool woke = false;
  for (int i = 0; i < 60 && !woke; ++i) woke = f.driver().wait_change(std::chrono::milliseconds(1000)).ok();
  CHECK(woke);
  CHECK(f.tokens().size() == 1);
  REQUIRE(::unlink(file.c_str()) == 0);
  woke = false;
  for (int i = 0; i < 60 && !woke; ++i) woke = f.driver().wait_change(std::chrono::milliseconds(1000)).ok();
  CHECK(woke);
  CHECK(f.tokens().empty());
}

TEST_CASE("skf plugin: a pulled key answers token removed; plugged back, the same token works again") {
  SkfFixture f;
  const auto file = f.add_device("R1");
  auto token = f.open("R1");
  const auto moved = f.dir() + "/.R1.away";
  REQUIRE(::rename(file.c_str(), moved.c_str()) == 0);
  CHECK(f.driver().pin_status(token, no_channel(), PinKind::User).status == Status::CardRemoved);
  CHECK(f.driver().identify(token, no_channel()).status == Status::CardRemoved);
  REQUIRE(::rename(moved.c_str(), file.c_str()) == 0);
  CHECK(f.driver().pin_status(token, no_channel(), PinKind::User).ok());
}

TEST_CASE("skf plugin: a key locked by another program makes a privileged job time out, bounded") {
  SkfFixture f;
  f.add_device("L1");
  auto token = f.open("L1");
  // Another program holds SKF_LockDev: the lock file the soft library uses.
  const std::string lock_path = f.dir() + "/.L1.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  const auto start = std::chrono::steady_clock::now();
  const auto result = f.driver().pin_change(token, no_channel(), PinKind::User, "88888888", "24682468");
  CHECK(result.status == Status::Timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(25));
  CHECK(f.state("L1").applications[0].user_pin.remaining == 6);
  ::close(fd);
  CHECK(f.driver().pin_change(token, no_channel(), PinKind::User, "88888888", "24682468").ok());
}

TEST_CASE("skf plugin: a library without some SKF functions serves what it can") {
  nlohmann::json options{{"libraries", {{{"library", EPORT_SOFTSKF_PARTIAL_LIBRARY}, {"label", "part"}}}}};
  SkfFixture f(options);
  f.add_device("M1");
  auto token = f.open("M1");
  const auto pin = f.driver().pin_status(token, no_channel(), PinKind::User);
  REQUIRE(pin.ok());
  CHECK(pin.value.tries_left == 6);
  CHECK(f.driver().pin_reset(token, no_channel(), "12345678", "88888888").status == Status::Unsupported);
  CHECK(f.driver().pin_change(token, no_channel(), PinKind::User, "88888888", "24682468").status ==
        Status::Unsupported);
  const auto slots = f.driver().cert_list(token, no_channel());  // no container functions: no slots
  CHECK(slots.ok());
  CHECK(slots.value.empty());
  CHECK(f.driver().cert_read(token, no_channel(), "A/c/sign").status == Status::Unsupported);
  // No SKF_WaitForDevEvent: wait_change says "look again" so that the host polls.
  CHECK(f.driver().wait_change(std::chrono::milliseconds(10)).ok());
  CHECK(f.state("M1").applications[0].admin_pin.remaining == 10);
}

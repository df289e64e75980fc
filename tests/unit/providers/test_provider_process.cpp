// The helper process for real: the built eportd started as `--provider-host`, serving the
// fixture provider eport-file-tokens.so (a test double whose tokens are files).
#include <dlfcn.h>

#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "providers/remote_driver.hpp"
#include "support.hpp"

using namespace eport;
using namespace eport::providers;
using eport::providers::test::TokenDir;

namespace {

std::unique_ptr<drivers::Driver> start_helper(ProviderHosts& hosts, const TokenDir& dir, std::string& reason,
                                              nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json options = {{"dir", dir.path().string()}};
  options.update(extra);
  return hosts.host(EPORT_FIXTURE_PLUGIN_DIR, {"file-tokens", options}, reason);
}

bool loaded_here(const std::string& name) {
  const std::string path = std::string(EPORT_FIXTURE_PLUGIN_DIR) + "/eport-" + name + ".so";
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

}  // namespace

TEST_CASE("a provider served by a helper process answers like one in this process", "[providers][process]") {
  TokenDir dir;
  dir.token("A", "label=Alice\npin_tries=3\npin_max=6\n");
  ProviderHosts hosts(EPORTD_BINARY, "info");
  std::string reason;
  auto driver = start_helper(hosts, dir, reason);
  REQUIRE(driver != nullptr);
  CHECK(reason.empty());
  CHECK(driver->info().kind == "token-provider");
  CHECK(driver->info().abi ==
        std::to_string(EPORT_DRIVER_ABI_MAJOR) + "." + std::to_string(EPORT_DRIVER_ABI_MINOR));
  CHECK_FALSE(loaded_here("file-tokens"));  // the plug-in lives in the helper only

  auto listed = driver->enumerate();
  REQUIRE(listed.ok());
  REQUIRE(listed.value.size() == 1);
  CHECK(listed.value[0].key() == "fx:A");
  CHECK(listed.value[0].label == "Alice");

  auto token = driver->open_provider_token("fx:A");
  REQUIRE(token.ok());
  drivers::NoChannel none;
  auto pin = driver->pin_status(token.value, none, drivers::PinKind::User);
  REQUIRE(pin.ok());
  CHECK(pin.value.tries_left == 3);
  CHECK(pin.value.min_length == 4);
  CHECK(driver->pin_status(token.value, none, drivers::PinKind::Puk).status == drivers::Status::Unsupported);
  CHECK(driver->open_provider_token("fx:Z").status == drivers::Status::NotFound);
  auto slots = driver->cert_list(token.value, none);
  REQUIRE(slots.ok());
  CHECK(slots.value.at(0).slot == "fixture/certificate-slot-with-a-long-id");
  CHECK(driver->cert_read(token.value, none, "9a").status == drivers::Status::BadArgs);
}

TEST_CASE("a crash ends the helper's tokens and a new helper serves them again", "[providers][process]") {
  TokenDir dir;
  dir.token("A", "pin_tries=5\n");
  ProviderHosts hosts(EPORTD_BINARY, "info");
  std::string reason;
  auto driver = start_helper(hosts, dir, reason);
  REQUIRE(driver != nullptr);
  ProviderProcess* process = hosts.process_of(driver.get());
  REQUIRE(process != nullptr);
  CHECK(process->live_epoch() == 1);
  auto token = driver->open_provider_token("fx:A");
  REQUIRE(token.ok());

  drivers::NoChannel none;
  dir.write("A.crash", "");
  CHECK(driver->pin_status(token.value, none, drivers::PinKind::User).status == drivers::Status::CardRemoved);
  CHECK(process->live_epoch() == 0);
  dir.remove("A.crash");

  REQUIRE(process->ensure_running());
  CHECK(process->live_epoch() == 2);
  // The token opened in the dead helper stays gone; opened again, it works.
  CHECK(driver->pin_status(token.value, none, drivers::PinKind::User).status == drivers::Status::CardRemoved);
  auto again = driver->open_provider_token("fx:A");
  REQUIRE(again.ok());
  CHECK(driver->pin_status(again.value, none, drivers::PinKind::User).value.tries_left == 5);
}

TEST_CASE("the plug-in's status report reaches the daemon's Driver", "[providers][process]") {
  TokenDir dir;
  ProviderHosts hosts(EPORTD_BINARY, "info");
  std::string reason;
  auto driver = start_helper(hosts, dir, reason, {{"problem", "module y did not load"}});
  REQUIRE(driver != nullptr);
  REQUIRE(test::eventually([&] { return driver->reported_status().is_object(); }));
  CHECK(driver->reported_status()["problems"] == nlohmann::json::array({"module y did not load"}));
}

TEST_CASE("a helper whose plug-in fails init reports the plug-in's reason", "[providers][process]") {
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink;
  ProviderHosts hosts(EPORTD_BINARY, "info", test::memory_logger(sink));
  std::string reason;
  auto driver = hosts.host(EPORT_FIXTURE_PLUGIN_DIR, {"file-tokens", nlohmann::json::object()}, reason);
  CHECK(driver == nullptr);
  CHECK(reason.find("init failed") != std::string::npos);
  bool logged = false;
  for (const auto& line : sink->last_formatted())
    logged |= line.find("option \"dir\" is required") != std::string::npos;
  CHECK(logged);  // the plug-in's own log line, passed on by the helper
}

TEST_CASE("the loader hands token providers to the helper and keeps card drivers here",
          "[providers][loader]") {
  TokenDir dir;
  ProviderHosts hosts(EPORTD_BINARY, "info");
  auto loaded = drivers::load_drivers(EPORT_FIXTURE_PLUGIN_DIR,
                                      {{"good", nullptr}, {"file-tokens", {{"dir", dir.path().string()}}}},
                                      drivers::LoadMode::Full, nullptr, hosts.hook());
  REQUIRE(loaded.failures.empty());
  REQUIRE(loaded.drivers.size() == 2);
  CHECK(loaded.drivers[0]->is_card_driver());
  CHECK(hosts.process_of(loaded.drivers[0].get()) == nullptr);
  CHECK(hosts.process_of(loaded.drivers[1].get()) != nullptr);
  CHECK(loaded_here("good"));
  CHECK_FALSE(loaded_here("file-tokens"));
}

TEST_CASE("a long wait through the helper ends on a change, or at once when interrupted",
          "[providers][process][wait]") {
  using Clock = std::chrono::steady_clock;
  TokenDir dir;
  ProviderHosts hosts(EPORTD_BINARY, "info");
  std::string reason;
  auto driver = start_helper(hosts, dir, reason);
  REQUIRE(driver != nullptr);
  ProviderProcess* process = hosts.process_of(driver.get());
  REQUIRE(process != nullptr);
  REQUIRE(driver->enumerate().ok());

  // Many 2 s slices in the helper, one call from here: a token added after 2.5 s ends it.
  auto began = Clock::now();
  std::thread adder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    dir.token("B", "pin_tries=3\n");
  });
  const auto changed = driver->wait_change(std::chrono::seconds(60));
  adder.join();
  CHECK(changed.status == drivers::Status::Ok);
  CHECK(Clock::now() - began >= std::chrono::milliseconds(2400));
  CHECK(Clock::now() - began < std::chrono::seconds(20));

  // Interrupted (a rescan request): the wait answers at once, and the helper is free for the
  // next call within one slice.
  began = Clock::now();
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    process->interrupt_waits();
  });
  const auto interrupted = driver->wait_change(std::chrono::seconds(60));
  interrupter.join();
  CHECK(interrupted.status == drivers::Status::Timeout);
  CHECK(Clock::now() - began < std::chrono::seconds(10));
  auto listed = driver->enumerate();
  REQUIRE(listed.ok());
  CHECK(listed.value.size() == 1);
  CHECK(Clock::now() - began < std::chrono::seconds(15));

  // A wake with no wait in flight (a rescan asked while the watcher was between its check and
  // its next wait) ends that next wait at once, and only that one.
  process->interrupt_waits();
  began = Clock::now();
  CHECK(driver->wait_change(std::chrono::seconds(60)).status == drivers::Status::Timeout);
  CHECK(Clock::now() - began < std::chrono::seconds(1));
  began = Clock::now();
  CHECK(driver->wait_change(std::chrono::milliseconds(700)).status == drivers::Status::Timeout);
  CHECK(Clock::now() - began >= std::chrono::milliseconds(600));

  // For good (the watcher stops): later waits do not even start.
  process->interrupt_waits(true);
  began = Clock::now();
  CHECK(driver->wait_change(std::chrono::seconds(60)).status == drivers::Status::Timeout);
  CHECK(Clock::now() - began < std::chrono::seconds(1));
}

TEST_CASE("a helper stuck in a listing is killed and started again", "[providers][process][stuck]") {
  TokenDir dir;
  dir.token("A", "pin_tries=3\n");
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink;
  ProviderHosts hosts(EPORTD_BINARY, "info", test::memory_logger(sink));
  hosts.set_list_timeout(std::chrono::milliseconds(1500));
  std::string reason;
  auto driver = start_helper(hosts, dir, reason);
  REQUIRE(driver != nullptr);
  ProviderProcess* process = hosts.process_of(driver.get());
  REQUIRE(process != nullptr);
  REQUIRE(driver->enumerate().value.size() == 1);
  auto token = driver->open_provider_token("fx:A");
  REQUIRE(token.ok());

  dir.write("list.hang", "");  // the library deadlocks in its listing
  CHECK(driver->enumerate().status == drivers::Status::Timeout);
  REQUIRE(test::eventually([&] { return process->live_epoch() == 0; }));  // killed
  bool said = false;
  for (const auto& line : sink->last_formatted())
    said |= line.find("did not answer a listing within 1 s") != std::string::npos;
  CHECK(said);
  // The stuck helper's token is gone with it; a new helper lists and serves it again.
  drivers::NoChannel none;
  CHECK(driver->pin_status(token.value, none, drivers::PinKind::User).status == drivers::Status::CardRemoved);
  dir.remove("list.hang");
  REQUIRE(process->ensure_running());
  CHECK(process->live_epoch() == 2);
  auto listed = driver->enumerate();
  REQUIRE(listed.ok());
  CHECK(listed.value.size() == 1);
  auto again = driver->open_provider_token("fx:A");
  REQUIRE(again.ok());
  CHECK(driver->pin_status(again.value, none, drivers::PinKind::User).value.tries_left == 3);
}

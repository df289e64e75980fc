// Provider watchers and the token registry: tokens appear, run jobs and go, with events.
// The fixture provider eport-file-tokens.so is loaded in this process (no helper) here.
#include <catch2/catch.hpp>

#include <mutex>

#include "drivers/loader.hpp"
#include "providers/provider_watcher.hpp"
#include "support.hpp"

using namespace eport;
using namespace eport::providers;
using eport::providers::test::eventually;
using eport::providers::test::TokenDir;

namespace {

class Recorder final : public devices::RegistryListener {
 public:
  void on_pcsc_state(bool, const std::string&) override {}
  void on_reader_added(const devices::ReaderInfo&) override {}
  void on_reader_removed(const std::string&) override {}
  void on_token_added(const devices::Token& t) override { note("token+ " + t.id + " " + t.kind); }
  void on_token_removed(const devices::Token& t) override { note("token- " + t.id); }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }

 private:
  void note(std::string e) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(e));
  }
  std::mutex mutex_;
  std::vector<std::string> events_;
};

}  // namespace

TEST_CASE("a watcher lists the provider's tokens as they come and go", "[providers][watcher]") {
  TokenDir dir;
  dir.token("A", "label=Alice\nkind=pkcs11\npin_tries=2\npin_max=3\n");
  auto loaded = drivers::load_drivers(
      EPORT_FIXTURE_PLUGIN_DIR, {{"file-tokens", {{"dir", dir.path().string()}}}}, drivers::LoadMode::Full);
  REQUIRE(loaded.drivers.size() == 1);
  Recorder recorder;
  devices::TokenRegistry registry({}, recorder);
  WatcherTuning tuning;
  tuning.wait = std::chrono::milliseconds(500);
  ProviderWatcher watcher(*loaded.drivers[0], registry, nullptr, tuning);
  watcher.start();

  REQUIRE(eventually([&] { return registry.token("fx:A").has_value(); }));
  CHECK(registry.token("fx:A")->identity.label == "Alice");
  CHECK(registry.token("fx:A")->kind == "pkcs11");

  // A job runs on the token's worker with the driver and its open token.
  std::mutex mutex;
  std::optional<int> tries;
  bool done = false;
  devices::Job job;
  job.work = [&](devices::TokenSession& s) {
    auto pin = s.driver().pin_status(s.handle(), s.channel(), drivers::PinKind::User);
    std::lock_guard<std::mutex> lock(mutex);
    tries = pin.value.tries_left;
  };
  job.done = [&](const devices::JobOutcome& outcome) {
    std::lock_guard<std::mutex> lock(mutex);
    done = outcome.end == devices::JobEnd::completed;
  };
  REQUIRE(registry.submit("fx:A", std::move(job)) == devices::SubmitResult::queued);
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return done;
  }));
  CHECK(tries == 2);

  dir.token("B", "label=Bob\n");
  REQUIRE(eventually([&] { return registry.token("fx:B").has_value(); }));
  dir.remove("A.token");
  REQUIRE(eventually([&] { return !registry.token("fx:A").has_value(); }));
  watcher.stop();
  CHECK(recorder.events() ==
        std::vector<std::string>{"token+ fx:A pkcs11", "token+ fx:B usbkey", "token- fx:A"});
}

TEST_CASE("provider tokens take unique ids and their removal is announced", "[providers][registry]") {
  Recorder recorder;
  devices::TokenRegistry registry({}, recorder);
  devices::Token token;
  token.driver = "pkcs11";
  token.reader = "Virtual PCD 00 00";
  const auto first = registry.add_provider_token(token, "p11:m:1", nullptr);
  const auto second = registry.add_provider_token(token, "p11:m:1", nullptr);
  CHECK(first == "p11:m:1");
  CHECK(second == "p11:m:1-2");
  // No card driver holds that reader: both are listed.
  CHECK(registry.tokens().size() == 2);
  registry.remove_provider_token(first);
  registry.remove_provider_token("p11:unknown");
  CHECK(recorder.events() ==
        std::vector<std::string>{"token+ p11:m:1 smartcard", "token+ p11:m:1-2 smartcard", "token- p11:m:1"});
}

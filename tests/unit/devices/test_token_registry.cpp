#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/token_registry.hpp"

using namespace eport::devices;

namespace {
// Records the registry's events as short strings, in order.
class Recorder final : public RegistryListener {
 public:
  std::vector<std::string> events;
  void on_pcsc_state(bool up, const std::string& detail) override {
    events.push_back(std::string(up ? "pcsc up" : "pcsc down: ") + detail);
  }
  void on_reader_added(const ReaderInfo& r) override { events.push_back("reader+ " + r.name); }
  void on_reader_removed(const std::string& r) override { events.push_back("reader- " + r); }
  void on_token_added(const Token& t) override { events.push_back("token+ " + t.id); }
  void on_token_removed(const Token& t) override { events.push_back("token- " + t.id); }
};
}  // namespace

TEST_CASE("the registry lists readers as the watcher reports them", "[devices][registry]") {
  Recorder rec;
  TokenRegistry registry({}, rec);
  CHECK_FALSE(registry.pcsc_up());
  registry.on_pcsc_up();
  registry.on_reader_added("R1");
  registry.on_reader_added("R2");
  registry.on_reader_added("R1");  // reported twice: listed once
  const auto readers = registry.readers();
  REQUIRE(readers.size() == 2);
  CHECK(readers[0].name == "R1");
  CHECK_FALSE(readers[0].card_present);
  CHECK_FALSE(readers[0].atr.has_value());
  registry.on_reader_removed("R1");
  CHECK(registry.readers().size() == 1);
  CHECK(rec.events == std::vector<std::string>{"pcsc up", "reader+ R1", "reader+ R2", "reader- R1"});
}

TEST_CASE("pcsc down is reported with the reason and kept for daemon.info", "[devices][registry]") {
  Recorder rec;
  TokenRegistry registry({}, rec);
  registry.on_pcsc_up();
  CHECK(registry.pcsc_up());
  CHECK(registry.pcsc_detail().empty());
  registry.on_pcsc_down("pcscd went away");
  CHECK_FALSE(registry.pcsc_up());
  CHECK(registry.pcsc_detail() == "pcscd went away");
  CHECK(rec.events.back() == "pcsc down: pcscd went away");
}

TEST_CASE("jobs for an unknown token are refused without calling done", "[devices][registry]") {
  Recorder rec;
  TokenRegistry registry({}, rec);
  bool called = false;
  Job job;
  job.work = [&](TokenSession&) { called = true; };
  job.done = [&](const JobOutcome&) { called = true; };
  CHECK(registry.submit("piv:nothing", std::move(job)) == SubmitResult::no_such_token);
  CHECK_FALSE(called);
  CHECK(registry.tokens().empty());
  CHECK_FALSE(registry.token("piv:nothing").has_value());
}

TEST_CASE("a card removal for a reader without a card changes nothing", "[devices][registry]") {
  Recorder rec;
  TokenRegistry registry({}, rec);
  registry.on_reader_added("R1");
  registry.on_card_removed("R1");
  registry.on_card_removed("unknown");
  CHECK(rec.events == std::vector<std::string>{"reader+ R1"});
}

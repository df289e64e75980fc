// eport-devices-probe: the devices layer on its own, for tests against a real pcscd.
// Loads card drivers, runs PcscWatcher + TokenRegistry, prints every registry event as one JSON
// line on stdout, and answers commands read from stdin (one per line):
//   readers | tokens | pcsc            snapshots
//   identify ID | pin ID               a read-only job on the token's worker
//   hold ID MS COUNT                   COUNT jobs that each keep the card MS milliseconds
//   quit
#include <chrono>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "devices/pcsc_watcher.hpp"
#include "devices/token_registry.hpp"
#include "drivers/loader.hpp"

using nlohmann::json;
using namespace eport;

namespace {

std::mutex out_mutex;

void emit(const json& line) {
  std::lock_guard<std::mutex> lock(out_mutex);
  std::cout << line.dump() << std::endl;
}

const char* submit_name(devices::SubmitResult r) {
  switch (r) {
    case devices::SubmitResult::queued: return "queued";
    case devices::SubmitResult::busy: return "busy";
    case devices::SubmitResult::no_such_token: return "no_such_token";
  }
  return "?";
}

class PrintingListener final : public devices::RegistryListener {
 public:
  void on_pcsc_state(bool up, const std::string& detail) override {
    emit({{"event", "pcsc"}, {"up", up}, {"detail", detail}});
  }
  void on_reader_added(const devices::ReaderInfo& r) override {
    emit({{"event", "reader.added"}, {"reader", r.to_json()}});
  }
  void on_reader_removed(const std::string& r) override {
    emit({{"event", "reader.removed"}, {"reader", r}});
  }
  void on_token_added(const devices::Token& t) override {
    emit({{"event", "token.added"}, {"token", t.to_json()}});
  }
  void on_token_removed(const devices::Token& t) override {
    emit({{"event", "token.removed"}, {"token", t.id}});
  }
};

json outcome_json(const devices::JobOutcome& o) {
  return {{"outcome", o.end == devices::JobEnd::completed ? "completed" : devices::protocol_reason(o)},
          {"message", o.message}};
}

void identify(devices::TokenRegistry& registry, const std::string& id, bool pin) {
  auto result = std::make_shared<json>();
  devices::Job job;
  job.read_only = true;
  job.work = [result, pin](devices::TokenSession& s) {
    (*result)["attempt"] = s.attempt();
    if (pin) {
      auto r = s.driver().pin_status(s.handle(), s.channel(), drivers::PinKind::User);
      (*result)["status"] = drivers::to_string(r.status);
      (*result)["tries_left"] = r.value.tries_left ? json(*r.value.tries_left) : json(nullptr);
    } else {
      auto r = s.driver().identify(s.handle(), s.channel());
      (*result)["status"] = drivers::to_string(r.status);
      (*result)["serial"] = r.value.serial;
    }
  };
  job.done = [result, id](const devices::JobOutcome& o) {
    json line = outcome_json(o);
    line["reply"] = "job";
    line["token"] = id;
    line["result"] = *result;
    emit(line);
  };
  const auto submitted = registry.submit(id, std::move(job));
  if (submitted != devices::SubmitResult::queued)
    emit({{"reply", "job"}, {"token", id}, {"outcome", submit_name(submitted)}});
}

void hold(devices::TokenRegistry& registry, const std::string& id, int ms, int count) {
  json results = json::array();
  for (int i = 0; i < count; ++i) {
    devices::Job job;
    job.work = [ms](devices::TokenSession&) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
    job.done = [id, i](const devices::JobOutcome& o) {
      json line = outcome_json(o);
      line["reply"] = "held";
      line["token"] = id;
      line["index"] = i;
      emit(line);
    };
    results.push_back(submit_name(registry.submit(id, std::move(job))));
  }
  emit({{"reply", "hold"}, {"token", id}, {"submitted", results}});
}

bool handle(devices::TokenRegistry& registry, const std::string& line) {
  std::istringstream in(line);
  std::string cmd, id;
  in >> cmd >> id;
  if (cmd == "quit") return false;
  if (cmd == "readers") {
    json list = json::array();
    for (const auto& r : registry.readers()) list.push_back(r.to_json());
    emit({{"reply", "readers"}, {"readers", list}});
  } else if (cmd == "tokens") {
    json list = json::array();
    for (const auto& t : registry.tokens()) list.push_back(t.to_json());
    emit({{"reply", "tokens"}, {"tokens", list}});
  } else if (cmd == "pcsc") {
    emit({{"reply", "pcsc"}, {"up", registry.pcsc_up()}, {"detail", registry.pcsc_detail()}});
  } else if (cmd == "identify" || cmd == "pin") {
    identify(registry, id, cmd == "pin");
  } else if (cmd == "hold") {
    int ms = 0, count = 0;
    in >> ms >> count;
    hold(registry, id, ms, count);
  } else {
    emit({{"reply", "error"}, {"message", "unknown command: " + line}});
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Runs the eportd devices layer alone and prints its events as JSON lines"};
  std::string plugin_dir;
  std::vector<std::string> names;
  std::size_t queue_limit = 16;
  int retry_ms = 500;
  app.add_option("--plugin-dir", plugin_dir, "directory with eport-<name>.so")->required();
  app.add_option("--driver", names, "driver to load (repeat, in order)")->required();
  app.add_option("--queue-limit", queue_limit, "jobs per token before busy");
  app.add_option("--retry-ms", retry_ms, "pcscd reconnect interval");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("probe"));
  spdlog::set_level(spdlog::level::debug);

  std::vector<drivers::DriverSpec> specs;
  for (const auto& n : names) specs.push_back({n, json::object()});
  auto loaded = drivers::load_drivers(plugin_dir, specs, drivers::LoadMode::Full);
  for (const auto& f : loaded.failures) std::cerr << "driver " << f.name << ": " << f.reason << "\n";
  std::vector<drivers::Driver*> ptrs;
  for (auto& d : loaded.drivers) ptrs.push_back(d.get());

  PrintingListener listener;
  {
    devices::TokenRegistry registry(ptrs, listener, devices::RegistryOptions{queue_limit});
    devices::PcscWatcher watcher(registry, devices::WatcherOptions{std::chrono::milliseconds(retry_ms)});
    watcher.start();
    emit({{"event", "started"}, {"drivers", ptrs.size()}});
    for (std::string line; std::getline(std::cin, line);)
      if (!handle(registry, line)) break;
    watcher.stop();
  }
  emit({{"event", "stopped"}});
  return 0;
}

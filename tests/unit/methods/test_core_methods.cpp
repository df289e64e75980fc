#include <catch2/catch.hpp>

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>

#include "ipc/dispatcher.hpp"
#include "methods/registry.hpp"

using namespace eport;
using nlohmann::json;

namespace {

/// A connection stand-in that records subscriptions.
struct FakeSession : ipc::ClientSession {
  std::vector<std::set<std::string>> subscriptions;
  void subscribe(std::set<std::string> topics) override { subscriptions.push_back(topics); }
};

config::Config without_pcsc() {
  config::Config config = config::default_config();
  config.pcsc_enabled = false;
  return config;
}

/// A daemon without sockets: the real method table, dispatcher and audit log in a temp dir.
struct Daemon {
  std::string dir;
  config::SharedConfig config{without_pcsc()};
  events::EventBus bus{16};
  std::unique_ptr<audit::AuditLog> audit;
  methods::BackgroundTasks background;
  methods::PcscProbe pcsc{false};
  std::unique_ptr<methods::ServiceContext> context;
  ipc::MethodTable table;
  std::unique_ptr<ipc::Dispatcher> dispatcher;
  std::shared_ptr<FakeSession> session = std::make_shared<FakeSession>();

  Daemon() {
    char pattern[] = "/tmp/eport-methods-XXXXXX";
    dir = mkdtemp(pattern);
    audit = std::make_unique<audit::AuditLog>(dir + "/audit.log");
    context =
        std::make_unique<methods::ServiceContext>(config, bus, *audit, background, pcsc, dir + "/no.sock");
    context->drivers.push_back({"piv", "0.1.0", "1.0", "/x/eport-piv.so", "card", {"pin_status"}});
    methods::register_core_methods(table, *context);
    dispatcher =
        std::make_unique<ipc::Dispatcher>(table, ipc::AccessPolicy(), methods::make_audit_hook(*context));
  }
  ~Daemon() {
    background.shutdown();
    std::system(("rm -rf " + dir).c_str());
  }

  /// Calls `method` as `uid` and waits for the answer (handlers may answer from a thread).
  json call(const std::string& method, json params = json::object(), std::uint32_t uid = 0) {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<json> answer;
    json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    dispatcher->dispatch(request.dump(), ipc::CallerContext{{uid, uid, ::getpid(), {}}, session},
                         [&](json response) {
                           std::lock_guard<std::mutex> lock(mutex);
                           answer = response;
                           done.notify_one();
                         });
    std::unique_lock<std::mutex> lock(mutex);
    REQUIRE(done.wait_for(lock, std::chrono::seconds(10), [&] { return answer.has_value(); }));
    return *answer;
  }
};

}  // namespace

TEST_CASE("session.hello reports protocol 1, the peer and the method list", "[methods]") {
  Daemon d;
  const json result = d.call("session.hello", {{"client", "test"}, {"protocol", 1}}, 1000)["result"];
  CHECK(result["protocol"] == 1);
  CHECK_THAT(result["server"].get<std::string>(), Catch::StartsWith("eportd "));
  CHECK(result["peer"]["uid"] == 1000);
  CHECK(result["peer"]["admin"] == false);
  const auto methods = result["methods"].get<std::vector<std::string>>();
  CHECK(std::find(methods.begin(), methods.end(), "guidance.get") != methods.end());
  CHECK(std::find(methods.begin(), methods.end(), "pin.reset") == methods.end());  // not built: not listed
}

TEST_CASE("daemon.info has the protocol's fields and no invented devices", "[methods]") {
  Daemon d;
  const json result = d.call("daemon.info")["result"];
  for (const char* key : {"version", "uptime_s", "drivers", "readers", "tokens", "pcsc"})
    CHECK(result.contains(key));
  CHECK(result["drivers"][0] == json{{"name", "piv"}, {"version", "0.1.0"}, {"abi", "1.0"}});
  CHECK(result["readers"].empty());
  CHECK(result["pcsc"] == "down");  // disabled in this fixture
}

TEST_CASE("drivers.list shows library and capabilities", "[methods]") {
  Daemon d;
  const json result = d.call("drivers.list")["result"];
  CHECK(result["drivers"][0]["library"] == "/x/eport-piv.so");
  CHECK(result["drivers"][0]["capabilities"][0] == "pin_status");
  CHECK(result["failed"].empty());
}

TEST_CASE("events.subscribe subscribes the calling connection and checks topics", "[methods]") {
  Daemon d;
  const json all = d.call("events.subscribe")["result"];
  CHECK(all["topics"].size() == events::known_topics().size());
  REQUIRE(d.session->subscriptions.size() == 1);
  CHECK(d.session->subscriptions[0].empty());
  CHECK(d.call("events.subscribe", {{"topics", {"token.added"}}})["result"]["topics"] == json{"token.added"});
  const json bad = d.call("events.subscribe", {{"topics", {"token.addded"}}});
  CHECK(bad["error"]["code"] == -32602);
}

TEST_CASE("guidance.get answers the configured guidance", "[methods]") {
  Daemon d;
  const json result = d.call("guidance.get")["result"];
  CHECK(result["sites"][0]["name"]["zh"] == "首都机场海关");
  CHECK(result["bring"]["renew"]["en"].size() == 2);
}

TEST_CASE("diag.report lists problems with advice", "[methods]") {
  Daemon d;
  const json result = d.call("diag.report")["result"];
  CHECK(result["pcsc"]["enabled"] == false);
  CHECK_THAT(result["pcsc"]["detail"].get<std::string>(), Catch::Contains("pcsc.enabled: false"));
  CHECK(result["readers"].empty());
  CHECK(result["socket"]["exists"] == false);
  CHECK(result["drivers"]["loaded"].size() == 1);
  CHECK(result["ok"] == false);
  CHECK_FALSE(result["problems"].empty());
}

TEST_CASE("audit.tail is refused to a non-admin and the refusal is audited", "[methods][auth]") {
  Daemon d;
  const json refused = d.call("audit.tail", json::object(), 65534);
  CHECK(refused["error"]["data"]["reason"] == "not_authorized");
  const json records = d.call("audit.tail", {{"limit", 10}}, 0)["result"]["records"];
  REQUIRE(records.size() == 1);
  CHECK(records[0]["uid"] == 65534);
  CHECK(records[0]["method"] == "audit.tail");
  CHECK(records[0]["outcome"] == "refused");
  CHECK(d.call("audit.tail", {{"limit", 0}}, 0)["error"]["code"] == -32602);
}

TEST_CASE("the audit hook writes the token but never a secret param", "[methods][audit]") {
  Daemon d;
  ipc::Request request;
  request.method = "pin.reset";
  request.peer = {0, 0, ::getpid(), {}};
  request.params = {{"token", "piv:00ff"},
                    {"puk", "12345678"},
                    {"new_pin", "87654321"},
                    {"management_key", "010203040506070801020304050607080102030405060708"}};
  std::promise<void> sent;
  methods::make_audit_hook (*d.context)(request, {{"jsonrpc", "2.0"}, {"id", 1}, {"result", true}},
                                        [&sent] { sent.set_value(); });
  // The answer may go only once the record is on disk.
  REQUIRE(sent.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  std::ifstream in(d.dir + "/audit.log");
  std::stringstream text;
  text << in.rdbuf();
  CHECK_THAT(text.str(), Catch::Contains("piv:00ff"));
  CHECK_THAT(text.str(), !Catch::Contains("12345678"));
  CHECK_THAT(text.str(), !Catch::Contains("87654321"));
  CHECK_THAT(text.str(), !Catch::Contains("0102030405"));
  CHECK_THAT(text.str(), Catch::Contains("\"outcome\":\"ok\""));
}

TEST_CASE("a full background queue answers busy at once and takes jobs again once it drains",
          "[methods][background]") {
  methods::BackgroundTasks tasks(2);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  REQUIRE(tasks.post([&started, gate] {
    started.set_value();
    gate.wait();
  }));
  REQUIRE(started.get_future().wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  CHECK(tasks.post([] {}));
  CHECK(tasks.post([] {}));
  CHECK_FALSE(tasks.post([] {}));  // two wait already
  std::optional<json> answer;
  tasks.post_or_busy(ipc::Reply(9, [&](json response) { answer = response; }), [] {});
  REQUIRE(answer.has_value());  // answered before post_or_busy returned
  CHECK((*answer)["error"]["data"]["reason"] == "busy");
  release.set_value();
  tasks.shutdown();
  CHECK(tasks.queued() == 0);
}

TEST_CASE("daemon.info over a flooded background queue answers busy instead of queueing",
          "[methods][background]") {
  Daemon d;
  d.background.set_capacity(0);
  const json answer = d.call("daemon.info");
  CHECK(answer["error"]["data"]["reason"] == "busy");
  d.background.set_capacity(64);
  CHECK(d.call("daemon.info").contains("result"));
}

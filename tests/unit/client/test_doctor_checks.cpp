#include "doctor_checks.hpp"

#include <catch2/catch.hpp>

using namespace eport::client;
using nlohmann::json;

namespace {
// diag.report as eportd's daemon/methods/diag_methods.cpp builds it.
json diag(const std::string& pcsc_state) {
  return {{"pcsc", {{"enabled", true}, {"state", pcsc_state}}},
          {"usb", {{"enabled", false}}},
          {"drivers",
           {{"plugin_dir", "/x"}, {"loaded", json::array({{{"name", "piv"}}})}, {"failed", json::array()}}},
          {"config", {{"file", "/etc/eportd/eportd.yaml"}, {"warnings", json::array()}}},
          {"audit", {{"path", "/var/lib/eportd/audit.log"}, {"writable", true}}}};
}
DoctorFacts facts(const std::string& pcsc_state, bool admin) {
  DoctorFacts f;
  f.hello = {{"peer", {{"uid", admin ? 0 : 65534}, {"admin", admin}}}};
  f.diag = diag(pcsc_state);
  f.readers = json::array({{{"name", "Virtual PCD 00 00"}}});
  f.tokens = json::array({{{"id", "piv:1"}, {"state", "ready"}}});
  f.drivers = json::array({{{"name", "piv"}}});
  return f;
}
const CheckItem& find(const std::vector<CheckItem>& items, const std::string& id) {
  for (const auto& i : items)
    if (i.id == id) return i;
  FAIL("no item " << id);
  return items.front();
}
}  // namespace

TEST_CASE("a healthy set-up passes every item", "[client][doctor]") {
  for (const auto& i : evaluate_doctor(Lang::en, facts("up", true))) {
    INFO(i.id << ": " << i.text);
    CHECK(i.status == "ok");
    CHECK(i.advice.empty());
  }
}

TEST_CASE("pcscd down is a failed item that says how to start it", "[client][doctor]") {
  auto f = facts("down", true);
  f.readers = json::array();
  f.tokens = json::array();
  auto items = evaluate_doctor(Lang::en, f);
  CHECK(find(items, "pcscd").status == "fail");
  CHECK_THAT(find(items, "pcscd").advice, Catch::Contains("systemctl start pcscd.socket"));
  CHECK(find(items, "readers").status == "skip");
  auto zh = evaluate_doctor(Lang::zh, f);
  CHECK_THAT(find(zh, "pcscd").text, Catch::Contains("pcscd 未运行"));
}

TEST_CASE("a non-admin user is told how to get admin rights", "[client][doctor]") {
  auto items = evaluate_doctor(Lang::en, facts("up", false));
  CHECK(find(items, "admin").status == "fail");
  CHECK_THAT(find(items, "admin").text, Catch::Contains("uid 65534"));
  CHECK_THAT(find(items, "admin").advice, Catch::Contains("eport-admin"));
}

TEST_CASE("a driver that failed to load and an unwritable audit log are failed items", "[client][doctor]") {
  auto f = facts("up", true);
  f.diag["drivers"]["failed"] = json::array({{{"name", "skf"}, {"error", "no entry symbol"}}});
  f.diag["audit"]["writable"] = false;
  auto items = evaluate_doctor(Lang::en, f);
  bool driver_failure = false;
  for (const auto& i : items)
    if (i.id == "plugins" && i.status == "fail") driver_failure = i.text.find("skf") != std::string::npos;
  CHECK(driver_failure);
  CHECK(find(items, "audit").status == "fail");
}

TEST_CASE("config warnings from diag.report become warning items", "[client][doctor]") {
  auto f = facts("up", true);
  f.diag["config"]["warnings"] = json::array({"log.level 'loud' is unknown"});
  REQUIRE(config_warnings(f.diag).size() == 1);
  CHECK(find(evaluate_doctor(Lang::en, f), "config").status == "warn");
}

TEST_CASE("pcsc state is read from either diag.report shape or daemon.info", "[client][doctor]") {
  DoctorFacts f;
  f.info = {{"pcsc", "down"}};
  CHECK(pcsc_state(f) == "down");
  f.diag = {{"pcsc", {{"enabled", true}, {"state", "up"}}}};
  CHECK(pcsc_state(f) == "up");
  f.diag = {{"pcsc", {{"enabled", false}, {"state", "down"}}}};
  CHECK(pcsc_state(f) == "disabled");
}

TEST_CASE("USB tokens without a reader or driver are listed", "[client][doctor]") {
  json d = {{"usb",
             {{"enabled", true},
              {"tokens", json::array({{{"name", "ePass3003"},
                                       {"vid", "096e"},
                                       {"pid", "0702"},
                                       {"driver", nullptr},
                                       {"reader", nullptr}},
                                      {{"name", "ok key"}, {"driver", "pkcs11"}, {"reader", "r"}}})}}}};
  auto orphans = orphan_usb_tokens(d);
  REQUIRE(orphans.size() == 1);
  CHECK(orphans[0] == "ePass3003 [096e:0702]");
}

TEST_CASE("the socket item fails when the socket is missing", "[client][doctor]") {
  auto i = socket_item(Lang::en, "/nonexistent/eportd.sock", json());
  CHECK(i.status == "fail");
  CHECK_THAT(i.advice, Catch::Contains("systemctl start eportd.socket"));
}

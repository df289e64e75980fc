#include "service/reload.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using eport::config::Config;
using eport::service::plan_reload;
using eport::service::reload_config;

TEST_CASE("a reload swaps log level, thresholds, limits and admin groups", "[service][reload]") {
  Config running;
  Config loaded;
  loaded.log_level = "debug";
  loaded.expiry_warn_days = {60, 14};
  loaded.limits.max_clients = 32;
  loaded.admin_groups = {"wheel"};
  loaded.guidance = {{"site", "new"}};

  const auto plan = plan_reload(running, loaded);
  CHECK(plan.next.log_level == "debug");
  CHECK(plan.next.expiry_warn_days == std::vector<int>{60, 14});
  CHECK(plan.next.limits.max_clients == 32);
  CHECK(plan.next.admin_groups == std::vector<std::string>{"wheel"});
  CHECK(plan.next.guidance == loaded.guidance);
  CHECK(plan.needs_restart.empty());
  CHECK(std::find(plan.applied.begin(), plan.applied.end(), "log_level: info -> debug") !=
        plan.applied.end());
}

TEST_CASE("a reload keeps socket, plug-ins and drivers and says a restart is needed", "[service][reload]") {
  Config running;
  running.drivers = {{"piv", nlohmann::json::object(), 12}};
  Config loaded = running;
  loaded.socket = "/run/other.sock";
  loaded.plugin_dir = "/opt/plugins";
  loaded.drivers = {{"piv", nlohmann::json::object(), 12}, {"pkcs11", {{"module", "x.so"}}, 20}};

  const auto plan = plan_reload(running, loaded);
  CHECK(plan.next.socket == running.socket);
  CHECK(plan.next.plugin_dir == running.plugin_dir);
  CHECK(plan.next.drivers.size() == 1);
  REQUIRE(plan.needs_restart.size() == 3);
  CHECK_THAT(plan.needs_restart[0], Catch::StartsWith("socket: /run/eportd/eportd.sock -> /run/other.sock"));
  CHECK_THAT(plan.needs_restart[0], Catch::Contains("restart eportd"));
}

TEST_CASE("a driver whose config line moved is not a change", "[service][reload]") {
  Config running;
  running.drivers = {{"piv", nlohmann::json::object(), 12}};
  Config loaded = running;
  loaded.drivers[0].line = 30;
  CHECK(plan_reload(running, loaded).needs_restart.empty());
}

TEST_CASE("a changed default PIN is applied but never written to the log", "[service][reload]") {
  Config running;
  Config loaded;
  loaded.pin_default = "12345678";
  const auto plan = plan_reload(running, loaded);
  CHECK(plan.next.pin_default == "12345678");
  for (const auto& line : plan.applied) {
    CHECK_THAT(line, !Catch::Contains("12345678") && !Catch::Contains("88888888"));
  }
}

TEST_CASE("a bad new config keeps the old one and says why", "[service][reload]") {
  Config running;
  const auto result = reload_config(
      running, "/etc/eportd/eportd.yaml",
      [](const std::filesystem::path&) -> Config {
        throw std::runtime_error("/etc/eportd/eportd.yaml:3: key 'limits.max_clients': must be > 0");
      },
      std::nullopt);
  REQUIRE_FALSE(result.has_value());
  CHECK_THAT(result.error(), Catch::Contains("limits.max_clients"));
  CHECK_THAT(result.error(), Catch::Contains("still running with the previous configuration"));
}

TEST_CASE("a good new config gives a plan", "[service][reload]") {
  Config running;
  const auto result = reload_config(
      running, "/nonexistent/eportd.yaml",
      [](const std::filesystem::path&) {
        Config c;
        c.log_level = "warn";
        return c;
      },
      eport::service::StrictModesPolicy{0});
  REQUIRE(result.has_value());
  CHECK(result->next.log_level == "warn");
}

TEST_CASE("a changed metrics textfile needs a restart", "[service][reload][metrics]") {
  Config running;
  Config loaded;
  loaded.metrics.textfile = "/var/lib/prometheus/node-exporter/eportd.prom";
  const auto plan = plan_reload(running, loaded);
  CHECK(plan.next.metrics.textfile.empty());
  REQUIRE(plan.needs_restart.size() == 1);
  CHECK_THAT(plan.needs_restart[0],
             Catch::StartsWith("metrics: {textfile: none, refresh_s: 300} -> "
                               "{textfile: /var/lib/prometheus/node-exporter/eportd.prom"));
}

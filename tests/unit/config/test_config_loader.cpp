#include <catch2/catch.hpp>

#include "config/loader.hpp"
#include "x509/expiry.hpp"

using namespace eport::config;

namespace {
/// The issues parse_config reports for `text` (empty when it loads).
std::vector<ConfigIssue> issues_of(const std::string& text) {
  try {
    parse_config(text, "test.yaml", "/base");
  } catch (const ConfigError& e) {
    return e.issues();
  }
  return {};
}
}  // namespace

TEST_CASE("an empty file gives every default", "[config]") {
  const Config c = parse_config("", "test.yaml");
  CHECK(c.socket == "/run/eportd/eportd.sock");
  CHECK(c.socket_mode == 0660);
  CHECK(c.pin_default == "88888888");
  CHECK(c.expiry_warn_days == std::vector<int>{90, 30, 7});
  CHECK(c.admin_groups == std::vector<std::string>{"eport-admin"});
  CHECK(c.limits.max_clients == 256);
  CHECK(c.limits.max_message_bytes == 1024 * 1024);
  CHECK(c.limits.idle_timeout_s == 600);
  CHECK(c.guidance["sites"].size() == 3);
}

TEST_CASE("every documented key is read into the structs", "[config]") {
  const Config c = parse_config(R"(
socket: /tmp/x.sock
socket_mode: "0600"
socket_group: wheel
state_dir: state
plugin_dir: /opt/plugins
drivers:
  - name: piv
    options: {management_key: "010203", retries: 3, nested: {a: [1, true]}}
  - pkcs11
pcsc: {enabled: false}
usb: {enabled: no, device_table: tables/usb-tokens.yaml}
pin: {default: "123456"}
expiry: {warn_days: [7, 60]}
access: {admin_groups: [wheel, adm]}
limits: {max_clients: 4, max_message_bytes: 4096, idle_timeout_s: 0, event_queue_size: 8, card_timeout_s: 5}
log: {level: debug}
)",
                                "test.yaml", "/base");
  CHECK(c.socket == "/tmp/x.sock");
  CHECK(c.socket_mode == 0600);
  CHECK(c.socket_group == "wheel");
  CHECK(c.state_dir == "/base/state");
  REQUIRE(c.drivers.size() == 2);
  CHECK(c.drivers[0].options["management_key"] == "010203");
  CHECK(c.drivers[0].options["retries"] == 3);
  CHECK(c.drivers[0].options["nested"]["a"][1] == true);
  CHECK(c.drivers[1].name == "pkcs11");
  CHECK_FALSE(c.pcsc_enabled);
  CHECK_FALSE(c.usb_enabled);
  CHECK(c.usb_device_table == "/base/tables/usb-tokens.yaml");
  CHECK(c.pin_default == "123456");
  CHECK(c.expiry_warn_days == std::vector<int>{60, 7});
  CHECK(c.limits.max_clients == 4);
  CHECK(c.limits.idle_timeout_s == 0);
  CHECK(c.limits.event_queue_size == 8);
  CHECK(c.limits.card_timeout_s == 5);
  CHECK(c.log_level == "debug");
}

TEST_CASE("limits.card_timeout_s defaults to 30 s and must be 1 to 3600", "[config]") {
  CHECK(eport::config::default_config().limits.card_timeout_s == 30);
  const auto zero = issues_of("limits:\n  card_timeout_s: 0\n");
  REQUIRE(zero.size() == 1);
  CHECK(zero[0].key == "limits.card_timeout_s");
  CHECK(issues_of("limits:\n  card_timeout_s: 3601\n").size() == 1);
  CHECK(issues_of("limits:\n  card_timeout_s: 3600\n").empty());
}

TEST_CASE("an unknown key names its line and suggests the right key", "[config]") {
  const auto issues = issues_of("socket: /tmp/a.sock\nlimits:\n  max_clents: 3\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 3);
  CHECK(issues[0].key == "limits.max_clents");
  CHECK_THAT(issues[0].message, Catch::Contains("did you mean 'limits.max_clients'"));
  CHECK_THAT(issues[0].to_string(), Catch::StartsWith("test.yaml:3: key 'limits.max_clents'"));
}

TEST_CASE("a nested key written at the top level is pointed to its section", "[config]") {
  const auto issues = issues_of("max_clients: 3\n");
  REQUIRE(issues.size() == 1);
  CHECK_THAT(issues[0].message, Catch::Contains("limits.max_clients"));
}

TEST_CASE("wrong types are errors with line and key", "[config]") {
  const auto issues = issues_of("pcsc:\n  enabled: maybe\nlimits:\n  max_clients: many\ndrivers: piv\n");
  REQUIRE(issues.size() == 3);
  CHECK(issues[0].key == "drivers");
  CHECK(issues[1].key == "limits.max_clients");
  CHECK(issues[1].line == 4);
  CHECK(issues[2].key == "pcsc.enabled");
  CHECK(issues[2].line == 2);
}

TEST_CASE("bad values are errors that say what is allowed", "[config]") {
  CHECK_THAT(issues_of("socket_mode: \"0999\"\n").at(0).message, Catch::Contains("octal"));
  CHECK_THAT(issues_of("limits: {max_clients: 0}\n").at(0).message, Catch::Contains("from 1 to"));
  CHECK_THAT(issues_of("log: {level: loud}\n").at(0).message, Catch::Contains("trace, debug"));
  CHECK_THAT(issues_of("pin: {default: \"1 2\"}\n").at(0).message, Catch::Contains("4 to 16"));
  CHECK_THAT(issues_of("expiry: {warn_days: [30, 30]}\n").at(0).message, Catch::Contains("twice"));
  CHECK_THAT(issues_of("drivers: [{name: \"../evil\"}]\n").at(0).message,
             Catch::Contains("not a plug-in name"));
  CHECK_THAT(issues_of("drivers: [piv, piv]\n").at(0).message, Catch::Contains("listed twice"));
  CHECK_THAT(issues_of("socket: relative/but/very/long/" + std::string(120, 'x') + "\n").at(0).message,
             Catch::Contains("at most 107"));
}

TEST_CASE("a duplicated key is reported with both lines", "[config]") {
  const auto issues = issues_of("socket: /a\nsocket: /b\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line == 2);
  CHECK_THAT(issues[0].message, Catch::Contains("line 1"));
}

TEST_CASE("YAML syntax errors name the line", "[config]") {
  const auto issues = issues_of("socket: /a\nlimits: [1, 2\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].line >= 2);
  CHECK_THAT(issues[0].message, Catch::Contains("not valid YAML"));
}

TEST_CASE("guidance replaces only the sections it gives and checks both languages", "[config]") {
  const Config c = parse_config("guidance:\n  contact: {en: Call us, zh: 请致电}\n", "t.yaml");
  CHECK(c.guidance["contact"]["zh"] == "请致电");
  CHECK(c.guidance["sites"].size() == 3);
  const auto issues = issues_of("guidance:\n  sites:\n    - name: {en: A}\n      address: {en: B, zh: C}\n");
  REQUIRE_FALSE(issues.empty());
  CHECK(issues[0].key == "guidance.sites[0].name.zh");
}

TEST_CASE("the default guidance names the Beijing sites in English and Chinese", "[config]") {
  const auto guidance = default_guidance();
  CHECK(guidance["sites"][0]["phone"] == "010-85733354");
  CHECK(guidance["sites"][1]["name"]["zh"] == "中关村海关");
  CHECK(guidance["bring"]["unlock"]["zh"][0] == "营业执照原件或复印件（加盖公章）");
}

TEST_CASE("the shipped config/eportd.yaml loads without errors", "[config]") {
  const Config c = load_config(std::string(EPORT_SOURCE_DIR) + "/config/eportd.yaml");
  CHECK(c.socket == "/run/eportd/eportd.sock");
  CHECK(c.pin_default == "88888888");
}

TEST_CASE("a missing file says how to fix it", "[config]") {
  try {
    load_config("/nonexistent/eportd.yaml");
    FAIL("loaded a missing file");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("--config"));
  }
}

TEST_CASE("metrics: no textfile by default, a .prom path when given", "[config][metrics]") {
  const Config defaults = parse_config("", "test.yaml");
  CHECK(defaults.metrics.textfile.empty());
  CHECK(defaults.metrics.refresh_s == 300);
  const Config c =
      parse_config("metrics:\n  textfile: node/eportd.prom\n  refresh_s: 0\n", "test.yaml", "/base");
  CHECK(c.metrics.textfile == "/base/node/eportd.prom");
  CHECK(c.metrics.refresh_s == 0);
  CHECK(parse_config("metrics: {textfile: \"\"}\n", "test.yaml").metrics.textfile.empty());
}

TEST_CASE("metrics: a textfile node_exporter would not read and a bad refresh are errors",
          "[config][metrics]") {
  const auto not_prom = issues_of("metrics:\n  textfile: /var/lib/prometheus/node-exporter/eportd.txt\n");
  REQUIRE(not_prom.size() == 1);
  CHECK(not_prom[0].key == "metrics.textfile");
  CHECK(not_prom[0].line == 2);
  CHECK_THAT(not_prom[0].message, Catch::Contains("*.prom"));
  CHECK_THAT(issues_of("metrics: {refresh_s: 100000}\n").at(0).message, Catch::Contains("from 0 to 86400"));
  CHECK_THAT(issues_of("metrics: {text_file: /x.prom}\n").at(0).message,
             Catch::Contains("did you mean 'metrics.textfile'"));
}

TEST_CASE("metrics: a textfile directory eportd cannot write in is a warning", "[config][metrics]") {
  Config c = parse_config("metrics: {textfile: /nonexistent-eportd-dir/eportd.prom}\n", "test.yaml");
  add_system_warnings(c);
  REQUIRE_FALSE(c.warnings.empty());
  CHECK_THAT(c.warnings.back(),
             Catch::Contains("metrics.textfile") && Catch::Contains("/nonexistent-eportd-dir"));
}

TEST_CASE("the hostile-client limits and the audit keys are read and range-checked", "[config]") {
  const Config defaults = parse_config("", "test.yaml");
  CHECK(defaults.limits.max_clients_per_uid == 32);
  CHECK(defaults.limits.max_in_flight == 32);
  CHECK(defaults.limits.write_stall_timeout_s == 30);
  CHECK(defaults.limits.background_queue_size == 64);
  CHECK(defaults.audit.max_bytes == 10 * 1024 * 1024);
  CHECK(defaults.audit.keep == 5);
  CHECK(defaults.audit.refusal_window_s == 60);
  const Config c = parse_config(R"(
limits: {max_clients_per_uid: 3, max_in_flight: 4, write_stall_timeout_s: 5, background_queue_size: 6}
audit: {max_bytes: 65536, keep: 0, refusal_window_s: 7}
)",
                                "test.yaml");
  CHECK(c.limits.max_clients_per_uid == 3);
  CHECK(c.limits.max_in_flight == 4);
  CHECK(c.limits.write_stall_timeout_s == 5);
  CHECK(c.limits.background_queue_size == 6);
  CHECK(c.audit.max_bytes == 65536);
  CHECK(c.audit.keep == 0);
  CHECK(c.audit.refusal_window_s == 7);
  CHECK_THAT(issues_of("limits: {max_in_flight: 0}\n").at(0).message, Catch::Contains("from 1 to 1024"));
  CHECK_THAT(issues_of("limits: {write_stall_timeout_s: 0}\n").at(0).message, Catch::Contains("from 1 to"));
  CHECK_THAT(issues_of("audit: {keep: -1}\n").at(0).message, Catch::Contains("from 0 to 1000"));
  CHECK_THAT(issues_of("audit: {max_bytes: 1e999}\n").at(0).message, Catch::Contains("whole number"));
  CHECK_THAT(issues_of("audit: {max_byte: 1}\n").at(0).message,
             Catch::Contains("did you mean 'audit.max_bytes'"));
}

TEST_CASE("the default expiry.warn_days are the ones eportctl's certificate preview uses", "[config]") {
  // config.hpp keeps its own literal so that the struct stays easy to merge; this ties the two.
  CHECK(parse_config("", "test.yaml").expiry_warn_days == eport::x509::default_warn_days());
}

TEST_CASE("driver options that are not UTF-8 are a config error, not a JSON exception at start", "[config]") {
  // Found by tests/fuzz (fuzz_config): the options are handed to the plug-in as JSON text.
  const auto issues = issues_of("drivers:\n  - name: piv\n    options: {label: \"\xff\xfe\"}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key == "drivers[0].options");
  CHECK_THAT(issues[0].message, Catch::Contains("UTF-8"));
}

TEST_CASE("a driver option whose key is a map or a list is a config error naming where", "[config]") {
  // Found by tests/fuzz (fuzz_config): yaml-cpp's bad conversion escaped the loader.
  const auto issues = issues_of("drivers:\n  - name: piv\n    options: {a: [1, {b: 2, {c: 3}: 4}]}\n");
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].key == "drivers[0].options.a[1]");
  CHECK(issues[0].line == 3);
  CHECK_THAT(issues[0].message, Catch::Contains("a map") && Catch::Contains("plain text"));
  const auto listed = issues_of("drivers:\n  - name: piv\n    options: {[x, y]: 1}\n");
  REQUIRE(listed.size() == 1);
  CHECK_THAT(listed[0].message, Catch::Contains("a list"));
  // Nested maps and lists with text keys still load as JSON for the plug-in.
  const Config ok =
      parse_config("drivers:\n  - name: piv\n    options: {a: [1, {b: 2}], c: {d: x}}\n", "t.yaml");
  CHECK(ok.drivers.at(0).options == nlohmann::json::parse(R"({"a":[1,{"b":2}],"c":{"d":"x"}})"));
}

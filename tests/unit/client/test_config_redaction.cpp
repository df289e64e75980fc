#include <catch2/catch.hpp>

#include "config_redaction.hpp"

using namespace eport::client;

namespace {
bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("secret key names are recognised, ordinary ones are not", "[client][bundle]") {
  for (const char* key : {"management_key", "management_key_file", "so_pin", "PUK", "user_pin", "secret",
                          "password", "passphrase", "credentials", "token_pin"})
    CHECK(is_secret_key(key));
  for (const char* key : {"socket", "plugin_dir", "state_dir", "drivers", "name", "options", "warn_days",
                          "max_clients", "level", "textfile", "refresh_s", "admin_groups", "contact"})
    CHECK_FALSE(is_secret_key(key));
}

TEST_CASE("the shipped layout keeps what the help desk needs and hides key paths", "[client][bundle]") {
  const std::string config = R"(# eportd.yaml
socket: /run/eportd/eportd.sock   # the socket
socket_mode: "0660"
state_dir: /var/lib/eportd
drivers:
  - name: piv
    options:
      management_key_file: /etc/eportd/piv-management-key
      cert_cache_ms: 2000
  - name: pkcs11
    options: {module: /usr/lib/vendor/libp11.so, so_pin: "87654321", slot: 1}
pin:
  default: "13572468"
metrics:
  textfile: /var/lib/prometheus/node-exporter/eportd.prom
)";
  const auto out = redact_config(config);
  CHECK(contains(out, "socket: /run/eportd/eportd.sock\n"));
  CHECK(contains(out, "state_dir: /var/lib/eportd\n"));
  CHECK(contains(out, "  - name: piv\n"));
  CHECK(contains(out, "      cert_cache_ms: 2000\n"));
  CHECK(contains(out, "module: /usr/lib/vendor/libp11.so"));
  CHECK(contains(out, "textfile: /var/lib/prometheus/node-exporter/eportd.prom"));
  CHECK(contains(out, "management_key_file: \"<redacted>\""));
  CHECK(contains(out, "so_pin: \"<redacted>\""));
  CHECK(contains(out, "  default: \"<redacted>\""));
  CHECK_FALSE(contains(out, "piv-management-key"));
  CHECK_FALSE(contains(out, "87654321"));
  CHECK_FALSE(contains(out, "13572468"));
  CHECK_FALSE(contains(out, "#"));  // comments may hold anything: they go
}

TEST_CASE("flow style, nested secrets and lists under a secret key are redacted", "[client][bundle]") {
  const auto out = redact_config(
      "drivers: [{name: piv, options: {management_key: \"0102\", cert_cache_ms: 5}}]\n"
      "pin: {default: \"24681357\"}\n"
      "tokens:\n"
      "  - alpha\n"
      "  - beta\n"
      "other: plain\n");
  CHECK(contains(out, "name: piv"));
  CHECK(contains(out, "cert_cache_ms: 5"));
  CHECK(contains(out, "management_key: \"<redacted>\""));
  CHECK(contains(out, "pin: \"<redacted>\"\n"));
  CHECK_FALSE(contains(out, "0102\""));
  CHECK_FALSE(contains(out, "24681357"));
  CHECK_FALSE(contains(out, "alpha"));
  CHECK_FALSE(contains(out, "beta"));
  CHECK(contains(out, "other: plain\n"));
}

TEST_CASE("a key pasted anywhere and PEM blocks do not survive", "[client][bundle]") {
  const auto out = redact_config(
      "drivers:\n"
      "  - name: piv\n"
      "    options: {note: 010203040506070801020304050607080102030405060708}\n"
      "guidance:\n"
      "  contact:\n"
      "    en: >-\n"
      "      call 01:02:03:04:05:06:07:08:01:02:03:04:05:06:07:08 now\n"
      "    zh: |\n"
      "      -----BEGIN PRIVATE KEY-----\n"
      "      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
      "      -----END PRIVATE KEY-----\n");
  CHECK_FALSE(contains(out, "0102030405060708"));
  CHECK_FALSE(contains(out, "01:02:03:04"));
  CHECK_FALSE(contains(out, "MIGHAgEA"));
  CHECK(contains(out, "<redacted hex>"));
  CHECK(contains(out, "<redacted PEM block>"));
  CHECK(contains(out, "call <redacted hex> now"));
}

TEST_CASE("the guidance texts stay readable", "[client][bundle]") {
  const auto out = redact_config(
      "guidance:\n  contact:\n    en: >-\n      Go to a business site.\n    zh: \"请到业务网点办理\"\n");
  CHECK(contains(out, "      Go to a business site.\n"));
  CHECK(contains(out, "zh: \"请到业务网点办理\""));
}

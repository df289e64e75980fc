#include "format.hpp"
#include "style.hpp"

#include <catch2/catch.hpp>

using namespace eport::client;
using nlohmann::json;

namespace {
const EnvLookup no_env = [](const char*) -> const char* { return nullptr; };
json status() {
  return {{"token", {{"id", "piv:0001e240"}, {"reader", "Virtual PCD 00 00"}, {"model", "PIV"}}},
          {"pin", {{"state", "blocked"}, {"tries_left", 0}, {"max_tries", 3}}},
          {"puk", {{"state", "ok"}, {"tries_left", 3}, {"max_tries", 3}}},
          {"certificates", json::array({{{"slot", "9a"},
                                         {"label", "PIV Authentication"},
                                         {"subject", "CN=Zhang San"},
                                         {"not_after", "2026-12-16T00:00:00Z"},
                                         {"days_left", 20},
                                         {"state", "expiring"}}})}};
}
}  // namespace

TEST_CASE("piped output has no escape codes and uses bracketed markers", "[client][format]") {
  Style plain = make_style(false, no_env);
  std::string out = render_status(Lang::en, plain, status());
  CHECK(out.find('\033') == std::string::npos);
  CHECK_THAT(out, Catch::Contains("[FAIL] PIN: BLOCKED, 0 of 3 tries left"));
  CHECK_THAT(out, Catch::Contains("[ok]   PUK: OK, 3 of 3 tries left"));
  CHECK_THAT(
      out,
      Catch::Contains(
          "[warn] Certificate 9a (PIV Authentication): CN=Zhang San, valid until 2026-12-16, 20 days left"));
}

TEST_CASE("a terminal gets colours and symbols, unless NO_COLOR is set", "[client][format]") {
  Style tty = make_style(true, no_env);
  CHECK(tty.colour);
  CHECK(tty.symbols);
  CHECK_THAT(render_status(Lang::en, tty, status()), Catch::Contains("\033[") && Catch::Contains("✖"));
  const EnvLookup no_color = [](const char* n) -> const char* {
    return std::string(n) == "NO_COLOR" ? "1" : nullptr;
  };
  Style nc = make_style(true, no_color);
  CHECK_FALSE(nc.colour);
  CHECK(render_status(Lang::en, nc, status()).find('\033') == std::string::npos);
}

TEST_CASE("status renders in Chinese", "[client][format]") {
  std::string out = render_status(Lang::zh, make_style(false, no_env), status());
  CHECK_THAT(out, Catch::Contains("PIN 码：已锁定，剩余 0/3 次"));
  CHECK_THAT(out, Catch::Contains("有效期至 2026-12-16，剩余 20 天"));
}

TEST_CASE("an expired certificate says since how many days", "[client][format]") {
  json c = {{"slot", "9a"},      {"label", "x"},
            {"subject", "CN=a"}, {"not_after", "2026-11-01T00:00:00Z"},
            {"days_left", -25},  {"state", "expired"}};
  CHECK_THAT(cert_text(Lang::en, c), Catch::Contains("EXPIRED on 2026-11-01 (25 days ago)"));
  CHECK(cert_level("expired") == Level::bad);
}

TEST_CASE("a default PIN is pointed out", "[client][format]") {
  json pin = {{"state", "ok"}, {"tries_left", 3}, {"max_tries", 3}, {"is_default", true}};
  CHECK(pin_text(Lang::en, pin) == "OK, 3 of 3 tries left, still the default PIN (88888888)");
  CHECK(pin_level(pin) == Level::ok);
  CHECK(pin_level({{"state", "final_try"}}) == Level::warn);
  CHECK(pin_level({{"state", "unknown"}}) == Level::info);
}

TEST_CASE("Chinese characters count two columns when aligning tables", "[client][format]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("读卡器") == 6);
  CHECK(display_width("\033[31mab\033[0m") == 2);
  CHECK(pad_right("卡", 4) == "卡  ");
  std::string t = render_table({{"卡号", "x"}, {"piv:1", "y"}});
  CHECK(t == "卡号   x\npiv:1  y\n");
}

TEST_CASE("the renew preview marks the rows that change", "[client][format]") {
  json old_cert = {{"subject", "CN=a"}, {"not_after", "2026-01-01T00:00:00Z"}, {"key", "RSA-2048"}};
  json new_cert = {{"subject", "CN=a"}, {"not_after", "2036-01-01T00:00:00Z"}, {"key", "RSA-2048"}};
  std::string out = render_cert_comparison(Lang::en, make_style(false, no_env), old_cert, new_cert);
  CHECK_THAT(out, Catch::Contains("* Valid until"));
  CHECK_THAT(out, Catch::Contains("  Subject"));
  CHECK_THAT(out, Catch::Contains("2026-01-01T00:00:00Z") && Catch::Contains("2036-01-01T00:00:00Z"));
}

TEST_CASE("an event renders as one line with its topic and token", "[client][format]") {
  json e = {{"topic", "token.added"},
            {"time", "2026-11-26T18:00:00Z"},
            {"token", {{"id", "piv:1"}, {"reader", "Virtual PCD 00 00"}}}};
  std::string line = render_event(Lang::en, e);
  CHECK(line == "2026-11-26T18:00:00Z  token.added  piv:1 (Virtual PCD 00 00)");
  CHECK(line.find('\n') == std::string::npos);
}

#include "terminal.hpp"

TEST_CASE("a secret guard empties the secret when its scope ends", "[client][secret]") {
  std::string puk = "12345678";
  {
    WipeOnExit guard(puk);
    CHECK(puk == "12345678");
  }
  CHECK(puk.empty());
}

TEST_CASE("the second PIN is named as the token family calls it", "[client][format]") {
  Style plain = make_style(false, no_env);
  json skf = status();
  skf["puk"]["source"] = "skf";
  CHECK_THAT(render_status(Lang::en, plain, skf), Catch::Contains("[ok]   Admin PIN: OK, 3 of 3 tries left"));
  CHECK_THAT(render_status(Lang::zh, plain, skf), Catch::Contains("管理员 PIN 码："));
  json p11 = status();
  p11["puk"]["source"] = "pkcs11-flags";
  CHECK_THAT(render_status(Lang::en, plain, p11), Catch::Contains("SO PIN: "));
  json piv = status();
  piv["puk"]["source"] = "metadata";
  CHECK_THAT(render_status(Lang::en, plain, piv), Catch::Contains("PUK: OK"));
}

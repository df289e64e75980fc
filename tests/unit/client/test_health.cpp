#include "health.hpp"

#include <catch2/catch.hpp>

using namespace eport::client;
using nlohmann::json;

namespace {
json cert(const std::string& slot, const std::string& state, long days) {
  return {{"slot", slot}, {"state", state}, {"days_left", days}, {"not_after", "2030-01-01T00:00:00Z"}};
}
json check_result(json certs, const std::string& worst) {
  return {{"tokens", json::array({{{"token", "piv:1"}, {"certificates", certs}}})}, {"worst", worst}};
}
json status_with_pin(const std::string& state) {
  return {{"token", {{"id", "piv:1"}}},
          {"pin", {{"state", state}, {"tries_left", state == "blocked" ? 0 : 3}}}};
}
}  // namespace

TEST_CASE("check exits 0 when every certificate is valid", "[client][health]") {
  CHECK(check_exit_code(check_result(json::array({cert("9a", "valid", 3000)}), "valid"), {}) == 0);
}

TEST_CASE("check exits 1 when a certificate is expiring", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "valid", 3000), cert("9c", "expiring", 20)}), "expiring");
  CHECK(check_exit_code(r, {}) == 1);
}

TEST_CASE("check exits 2 when a certificate has expired, whatever else is expiring", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "expiring", 20), cert("9c", "expired", -3)}), "expired");
  CHECK(check_exit_code(r, {}) == 2);
}

TEST_CASE("check exits 2 when a PIN is blocked even with valid certificates", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "valid", 3000)}), "valid");
  CHECK(check_exit_code(r, {status_with_pin("blocked")}) == 2);
  CHECK(check_exit_code(r, {status_with_pin("ok")}) == 0);
}

TEST_CASE("check exits 3 when there is no token", "[client][health]") {
  CHECK(check_exit_code(json{{"tokens", json::array()}, {"worst", "none"}}, {}) == 3);
  CHECK(check_exit_code(json::object(), {}) == 3);
}

TEST_CASE("check's exit code follows eportd's worst, not its own reading of the dates", "[client][health]") {
  // eportd applied warn_days: a certificate with 45 days left is what eportd says it is.
  CHECK(check_exit_code(check_result(json::array({cert("9a", "valid", 45)}), "valid"), {}) == 0);
  CHECK(check_exit_code(check_result(json::array({cert("9a", "expiring", 45)}), "expiring"), {}) == 1);
  // An unreadable slot makes eportd's worst "expiring" although no certificate says so.
  CHECK(check_exit_code(check_result(json::array(), "expiring"), {}) == 1);
  CHECK(check_exit_code(check_result(json::array(), "none"), {}) == 0);
}

TEST_CASE("a certificate not valid yet exits 2 although worst counts it as expiring", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "not_yet_valid", 400)}), "expiring");
  CHECK(check_exit_code(r, {}) == 2);
}

TEST_CASE("the state is eportd's: days_left is not re-judged", "[client][health]") {
  CHECK(cert_state(cert("9a", "valid", -1)) == "valid");
  CHECK(cert_state(json{{"slot", "9a"}}) == "valid");
  CHECK(findings_for_certificates("piv:1", json::array({cert("9a", "valid", -1)})).empty());
}

TEST_CASE("cert.check entries may name the token by id or by Token object", "[client][health]") {
  json r = {{"tokens", json::array({{{"token", {{"id", "piv:9"}}},
                                     {"certificates", json::array({cert("9a", "expired", -1)})}}})},
            {"worst", "expired"}};
  CHECK(check_exit_code(r, {}) == 2);
  auto f = findings_for_certificates(token_id(r["tokens"][0]["token"]), r["tokens"][0]["certificates"]);
  REQUIRE(f.size() == 1);
  CHECK(f[0].token == "piv:9");
}

TEST_CASE("PIN findings leave the certificates out", "[client][health]") {
  json s = {{"token", {{"id", "piv:1"}}},
            {"pin", {{"state", "final_try"}}},
            {"certificates", json::array({cert("9a", "expired", -5)})}};
  auto f = findings_for_pins(s);
  REQUIRE(f.size() == 1);
  CHECK(f[0].problem == Problem::pin_final_try);
  CHECK(findings_for_pins(json::object()).empty());
}

TEST_CASE("findings list a blocked PIN, a default PIN and certificate problems", "[client][health]") {
  json s = {{"token", {{"id", "piv:1"}}},
            {"pin", {{"state", "ok"}, {"is_default", true}}},
            {"puk", {{"state", "blocked"}}},
            {"certificates", json::array({cert("9a", "expired", -5), cert("9c", "expiring", 10)})}};
  auto f = findings_for_status(s);
  REQUIRE(f.size() == 4);
  CHECK(f[0].problem == Problem::pin_default);
  CHECK(f[1].problem == Problem::puk_blocked);
  CHECK(f[2].problem == Problem::cert_expired);
  CHECK(f[2].slot == "9a");
  CHECK(f[2].days_left == -5);
  CHECK(f[3].problem == Problem::cert_expiring);
}

TEST_CASE("a blocked PIN is not also reported as default", "[client][health]") {
  json s = {{"token", {{"id", "piv:1"}}}, {"pin", {{"state", "blocked"}, {"is_default", true}}}};
  auto f = findings_for_status(s);
  REQUIRE(f.size() == 1);
  CHECK(f[0].problem == Problem::pin_blocked);
  CHECK(problem_name(f[0].problem) == "pin_blocked");
}

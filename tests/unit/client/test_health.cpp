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
  CHECK(check_exit_code(check_result(json::array({cert("9a", "valid", 3000)}), "valid"), {}, std::nullopt) ==
        0);
}

TEST_CASE("check exits 1 when a certificate is expiring", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "valid", 3000), cert("9c", "expiring", 20)}), "expiring");
  CHECK(check_exit_code(r, {}, std::nullopt) == 1);
}

TEST_CASE("check exits 2 when a certificate has expired, whatever else is expiring", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "expiring", 20), cert("9c", "expired", -3)}), "expired");
  CHECK(check_exit_code(r, {}, std::nullopt) == 2);
}

TEST_CASE("check exits 2 when a PIN is blocked even with valid certificates", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "valid", 3000)}), "valid");
  CHECK(check_exit_code(r, {status_with_pin("blocked")}, std::nullopt) == 2);
  CHECK(check_exit_code(r, {status_with_pin("ok")}, std::nullopt) == 0);
}

TEST_CASE("check exits 3 when there is no token", "[client][health]") {
  CHECK(check_exit_code(json{{"tokens", json::array()}, {"worst", "none"}}, {}, std::nullopt) == 3);
  CHECK(check_exit_code(json::object(), {}, std::nullopt) == 3);
}

TEST_CASE("a warn-days option widens the expiring window on the client side", "[client][health]") {
  auto r = check_result(json::array({cert("9a", "valid", 45)}), "valid");
  CHECK(check_exit_code(r, {}, std::nullopt) == 0);
  CHECK(check_exit_code(r, {}, 60) == 1);
  CHECK(check_exit_code(r, {}, 30) == 0);
}

TEST_CASE("a negative days_left counts as expired even if the state says otherwise", "[client][health]") {
  CHECK(effective_cert_state(cert("9a", "valid", -1), std::nullopt) == "expired");
}

TEST_CASE("cert.check entries may name the token by id or by Token object", "[client][health]") {
  json r = {{"tokens", json::array({{{"token", {{"id", "piv:9"}}},
                                     {"certificates", json::array({cert("9a", "expired", -1)})}}})}};
  CHECK(check_exit_code(r, {}, std::nullopt) == 2);
}

TEST_CASE("findings list a blocked PIN, a default PIN and certificate problems", "[client][health]") {
  json s = {{"token", {{"id", "piv:1"}}},
            {"pin", {{"state", "ok"}, {"is_default", true}}},
            {"puk", {{"state", "blocked"}}},
            {"certificates", json::array({cert("9a", "expired", -5), cert("9c", "expiring", 10)})}};
  auto f = findings_for_status(s, std::nullopt);
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
  auto f = findings_for_status(s, std::nullopt);
  REQUIRE(f.size() == 1);
  CHECK(f[0].problem == Problem::pin_blocked);
  CHECK(problem_name(f[0].problem) == "pin_blocked");
}

#include "reasons.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using namespace eport::client;
using nlohmann::json;

TEST_CASE("every PROTOCOL.md reason has its own explanation in both languages", "[client][reasons]") {
  const char* protocol_reasons[] = {"not_authorized",
                                    "no_such_token",
                                    "token_removed",
                                    "busy",
                                    "timeout",
                                    "pin_blocked",
                                    "wrong_puk",
                                    "puk_blocked",
                                    "puk_final_try",
                                    "invalid_pin",
                                    "cert_invalid",
                                    "cert_key_mismatch",
                                    "cert_not_valid_now",
                                    "write_verify_failed",
                                    "management_key_required",
                                    "wrong_management_key",
                                    "unsupported",
                                    "pcsc_unavailable",
                                    "driver_error"};
  auto generic_en = explain_reason(Lang::en, "something_new", json::object(), "msg");
  for (const char* r : protocol_reasons) {
    INFO(r);
    auto en = explain_reason(Lang::en, r, json::object(), "daemon text");
    auto zh = explain_reason(Lang::zh, r, json::object(), "daemon text");
    CHECK(en.reason == r);
    CHECK(en.what != generic_en.what);
    CHECK_FALSE(en.todo.empty());
    CHECK_FALSE(zh.todo.empty());
    CHECK(en.what != zh.what);
  }
}

TEST_CASE("wrong_puk tells how many PUK tries are left", "[client][reasons]") {
  auto en = explain_reason(Lang::en, "wrong_puk", {{"reason", "wrong_puk"}, {"puk_tries_left", 2}}, "");
  CHECK(en.what == "Wrong PUK. Tries left: 2.");
  auto zh = explain_reason(Lang::zh, "wrong_puk", {{"reason", "wrong_puk"}, {"puk_tries_left", 2}}, "");
  CHECK(zh.what == "PUK 码错误，剩余次数：2。");
}

TEST_CASE("puk_blocked says the card must be replaced", "[client][reasons]") {
  CHECK_THAT(explain_reason(Lang::en, "puk_blocked", json::object(), "").what,
             Catch::Contains("must be replaced"));
  CHECK_THAT(explain_reason(Lang::zh, "puk_blocked", json::object(), "").what, Catch::Contains("必须换卡"));
}

TEST_CASE("cert_not_valid_now shows the validity dates", "[client][reasons]") {
  auto e =
      explain_reason(Lang::en, "cert_not_valid_now",
                     {{"not_before", "2020-01-01T00:00:00Z"}, {"not_after", "2021-01-01T00:00:00Z"}}, "");
  CHECK_THAT(e.what, Catch::Contains("2020-01-01T00:00:00Z") && Catch::Contains("2021-01-01T00:00:00Z"));
}

TEST_CASE("an unknown reason falls back to the daemon's own message", "[client][reasons]") {
  auto e = explain_reason(Lang::en, "brand_new_reason", json::object(), "the card is on fire");
  CHECK(e.reason == "brand_new_reason");
  CHECK_THAT(e.what, Catch::Contains("the card is on fire"));
}

TEST_CASE("standard JSON-RPC codes get their own explanations", "[client][reasons]") {
  RpcError missing(json{{"code", -32601}, {"message", "Method not found"}});
  CHECK(explain_rpc_error(Lang::en, missing).reason == "method_not_found");
  RpcError app(json{{"code", -32000}, {"message", "x"}, {"data", {{"reason", "busy"}}}});
  CHECK(explain_rpc_error(Lang::en, app).reason == "busy");
}

TEST_CASE("connection failures are told apart by errno", "[client][reasons]") {
  CHECK(explain_connect_error(Lang::en, ConnectError("x", "/s", ENOENT)).reason == "no_daemon");
  CHECK(explain_connect_error(Lang::en, ConnectError("x", "/s", EACCES)).reason == "socket_permission");
  CHECK(explain_connect_error(Lang::en, ConnectError("x", "/s", ECONNREFUSED)).reason == "stale_socket");
  auto zh = explain_connect_error(Lang::zh, ConnectError("x", "/run/e.sock", EACCES));
  CHECK_THAT(zh.what, Catch::Contains("/run/e.sock") && Catch::Contains("权限被拒绝"));
  CHECK_THAT(zh.todo, Catch::Contains("eport 组"));
}

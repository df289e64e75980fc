#include "reasons.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>

#include "eport/common/reasons.hpp"

using namespace eport::client;
using nlohmann::json;

TEST_CASE("every reason of reasons.def has its own explanation in both languages", "[client][reasons]") {
  auto generic_en = explain_reason(Lang::en, "something_new", json::object(), "msg");
  auto generic_zh = explain_reason(Lang::zh, "something_new", json::object(), "msg");
  const auto known = known_reasons();
  for (const auto& info : eport::reasons::kAll) {
    const std::string r = info.name;
    INFO(r);
    auto en = explain_reason(Lang::en, r, json::object(), "daemon text");
    auto zh = explain_reason(Lang::zh, r, json::object(), "daemon text");
    CHECK(std::find(known.begin(), known.end(), r) != known.end());
    CHECK(en.reason == r);
    CHECK(en.what != generic_en.what);
    CHECK(zh.what != generic_zh.what);
    CHECK_FALSE(en.todo.empty());
    CHECK_FALSE(zh.todo.empty());
    CHECK(en.what != zh.what);
    CHECK(en.todo != zh.todo);
  }
}

TEST_CASE("wrong_pin tells how many PIN tries are left", "[client][reasons]") {
  auto en = explain_reason(Lang::en, "wrong_pin", {{"reason", "wrong_pin"}, {"tries_left", 2}}, "");
  CHECK(en.what == "Wrong PIN. Tries left: 2.");
  auto zh = explain_reason(Lang::zh, "wrong_pin", {{"reason", "wrong_pin"}, {"tries_left", 2}}, "");
  CHECK(zh.what == "PIN 码错误，剩余次数：2。");
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

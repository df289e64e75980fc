#include <catch2/catch.hpp>

#include "web/request_gate.hpp"

using namespace eport::web;

namespace {
const OriginPolicy policy("127.0.0.1", 61232, {"http://127.0.0.1:8080"});

GateDecision get(std::string_view target, std::optional<std::string_view> host = "127.0.0.1:61232") {
  RequestFacts facts;
  facts.method = "GET";
  facts.target = target;
  facts.host = host;
  return decide(facts, policy);
}

GateDecision upgrade(std::string_view target, std::optional<std::string_view> origin,
                     std::string_view host = "127.0.0.1:61232") {
  RequestFacts facts;
  facts.method = "GET";
  facts.target = target;
  facts.host = host;
  facts.origin = origin;
  facts.websocket_upgrade = true;
  return decide(facts, policy);
}
}  // namespace

TEST_CASE("the listen address and localhost are the only accepted Host headers", "[web]") {
  CHECK(get("/").status == 200);
  CHECK(get("/", "LOCALHOST:61232").status == 200);
  CHECK(get("/", "evil.example:61232").status == 403);
  CHECK(get("/", "evil.example:61232").forbidden());
  CHECK(get("/", "127.0.0.1").status == 403);  // port 61232 is not the default: it must be there
  CHECK(get("/", "127.0.0.1:61233").status == 403);
  CHECK(get("/", std::nullopt).status == 403);
  CHECK_THAT(get("/", "rebind.example:61232").why, Catch::Contains("DNS rebinding"));
}

TEST_CASE("page files are served by GET and HEAD only; / is the index", "[web]") {
  CHECK(get("/").path == "/index.html");
  CHECK(get("/app.js?v=2").path == "/app.js");
  RequestFacts post;
  post.method = "POST";
  post.target = "/";
  post.host = "127.0.0.1:61232";
  CHECK(decide(post, policy).status == 405);
  CHECK(get("/ws").status == 426);
}

TEST_CASE("a WebSocket upgrade needs an allowed Origin", "[web]") {
  CHECK(upgrade("/ws", "http://127.0.0.1:61232").route == Route::rpc_socket);
  CHECK(upgrade("/ws", "http://localhost:61232").status == 200);
  CHECK(upgrade("/", "http://127.0.0.1:8080").route == Route::eport_socket);
  CHECK(upgrade("/ws", "http://127.0.0.1:8081").status == 403);
  CHECK(upgrade("/ws", "https://evil.example").status == 403);
  CHECK(upgrade("/ws", "null").status == 403);
  CHECK(upgrade("/ws", std::nullopt).status == 403);
  CHECK(upgrade("/other", "http://127.0.0.1:61232").status == 404);
  // The Host check comes first: an allowed Origin does not help a rebinding page.
  CHECK(upgrade("/ws", "http://127.0.0.1:61232", "evil.example:61232").status == 403);
}

TEST_CASE("the page address uses the listen address; IPv6 gets brackets", "[web]") {
  CHECK(policy.page_address() == "http://127.0.0.1:61232/");
  const OriginPolicy v6("::1", 8080, {});
  CHECK(v6.page_address() == "http://[::1]:8080/");
  CHECK(v6.host_allowed("[::1]:8080"));
  CHECK(v6.origin_allowed("http://localhost:8080"));
}

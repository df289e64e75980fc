#include <catch2/catch.hpp>

#include "metrics/event_feed.hpp"

using namespace eport;
using namespace eport::metrics;
using nlohmann::json;

namespace {

bool has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

json token(const std::string& id) {
  return {{"id", id},
          {"driver", "piv"},
          {"kind", "smartcard"},
          {"reader", "Virtual PCD 00 00"},
          {"state", "ready"}};
}

json certificate(const std::string& slot, const std::string& subject, const std::string& not_after) {
  return {{"slot", slot}, {"label", "PIV Authentication"}, {"subject", subject}, {"not_after", not_after}};
}

/// The model and the feed on a real bus.
struct Fixture {
  MetricsModel model{"0.1.0", 0};
  events::EventBus bus{4};
  std::shared_ptr<EventFeed> feed = std::make_shared<EventFeed>(model);
  Fixture() { bus.observe(feed); }
};

}  // namespace

TEST_CASE("reader and token events reach the model through the bus", "[metrics][feed]") {
  Fixture f;
  f.bus.publish("reader.added", {{"reader", {{"name", "Virtual PCD 00 00"}, {"card_present", false}}}});
  f.bus.publish("token.added", {{"token", token("piv:1")}});
  auto text = f.model.render();
  CHECK(has(text, "eportd_readers_present 1"));
  CHECK(has(text, "eportd_tokens_present{driver=\"piv\"} 1"));
  f.bus.publish("token.removed", {{"token", "piv:1"}});
  f.bus.publish("reader.removed", {{"reader", "Virtual PCD 00 00"}});
  text = f.model.render();
  CHECK(has(text, "eportd_readers_present 0"));
  CHECK(text.find("piv:1") == std::string::npos);
}

TEST_CASE("a status reading and pin.changed give the PIN figures", "[metrics][feed]") {
  Fixture f;
  f.bus.publish("token.added", {{"token", token("piv:1")}});
  // token.status's fact carries the Token object; insertion and cert.check carry the id.
  f.bus.publish_internal(
      "token.read", {{"token", token("piv:1")},
                     {"pin", {{"state", "ok"}, {"tries_left", 3}, {"max_tries", 3}, {"is_default", true}}},
                     {"puk", {{"state", "final_try"}, {"tries_left", 1}, {"max_tries", 3}}},
                     {"certificates", {certificate("9a", "CN=Li Lei,O=X", "2027-01-01T00:00:00Z")}}});
  auto text = f.model.render();
  CHECK(has(text, "eportd_token_pin_tries_left{token=\"piv:1\"} 3"));
  CHECK(has(text, "eportd_token_pin_default{token=\"piv:1\"} 1"));
  CHECK(has(text, "eportd_token_puk_tries_left{token=\"piv:1\"} 1"));
  CHECK(has(
      text,
      "eportd_certificate_expiry_timestamp_seconds{token=\"piv:1\",slot=\"9a\",cn=\"Li Lei\"} 1798761600"));
  f.bus.publish("pin.changed",
                {{"token", "piv:1"}, {"pin", {{"state", "blocked"}, {"tries_left", 0}, {"max_tries", 3}}}});
  text = f.model.render();
  CHECK(has(text, "eportd_token_pin_blocked{token=\"piv:1\"} 1"));
  CHECK(has(text, "eportd_token_pin_tries_left{token=\"piv:1\"} 0"));
  // A reading without PIN figures (insertion, cert.check) keeps the last ones.
  f.bus.publish_internal("token.read", {{"token", "piv:1"}, {"certificates", json::array()}});
  text = f.model.render();
  CHECK(has(text, "eportd_token_pin_blocked{token=\"piv:1\"} 1"));
  CHECK(text.find("slot=\"9a\"") == std::string::npos);
}

TEST_CASE("a written certificate replaces its slot's expiry", "[metrics][feed]") {
  Fixture f;
  f.bus.publish("token.added", {{"token", token("piv:1")}});
  f.bus.publish_internal(
      "token.read",
      {{"token", "piv:1"}, {"certificates", {certificate("9a", "CN=Old", "2027-01-01T00:00:00Z")}}});
  f.bus.publish_internal(
      "cert.written",
      {{"token", "piv:1"}, {"certificate", certificate("9a", "CN=New", "2037-01-01T00:00:00Z")}});
  const auto text = f.model.render();
  CHECK(
      has(text,
          "eportd_certificate_expiry_timestamp_seconds{token=\"piv:1\",slot=\"9a\",cn=\"New\"} 2114380800"));
  CHECK(text.find("cn=\"Old\"") == std::string::npos);
}

TEST_CASE("pcsc.state sets pcscd's sample", "[metrics][feed]") {
  Fixture f;
  f.bus.publish_internal("pcsc.state", {{"up", false}});
  CHECK(has(f.model.render(), "eportd_pcscd_up 0"));
  f.bus.publish_internal("pcsc.state", {{"up", true}});
  CHECK(has(f.model.render(), "eportd_pcscd_up 1"));
}

TEST_CASE("events dropped for a slow subscriber are counted", "[metrics][feed]") {
  Fixture f;  // queues of 4
  auto slow = f.bus.subscribe({}, nullptr);
  for (int i = 0; i < 10; ++i) f.bus.publish("usb.attached");
  CHECK(has(f.model.render(), "eportd_events_dropped_total 6"));
}

TEST_CASE("answers are counted by method and reason, refusals apart", "[metrics][feed]") {
  Fixture f;
  f.feed->on_answer("token.status", {{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}});
  f.feed->on_answer(
      "pin.reset",
      {{"jsonrpc", "2.0"},
       {"id", 2},
       {"error", {{"code", -32000}, {"message", "m"}, {"data", {{"reason", "not_authorized"}}}}}});
  f.feed->on_answer("cert.read",
                    {{"jsonrpc", "2.0"}, {"id", 3}, {"error", {{"code", -32602}, {"message", "m"}}}});
  const auto text = f.model.render();
  CHECK(has(text, "eportd_method_calls_total{method=\"token.status\",reason=\"ok\"} 1"));
  CHECK(has(text, "eportd_method_calls_total{method=\"pin.reset\",reason=\"not_authorized\"} 1"));
  CHECK(has(text, "eportd_method_calls_total{method=\"cert.read\",reason=\"invalid_params\"} 1"));
  CHECK(has(text, "eportd_refusals_total{method=\"pin.reset\"} 1"));
}

TEST_CASE("an outcome reason is never free text", "[metrics][feed]") {
  auto with_reason = [](const std::string& reason) {
    return json{{"error", {{"code", -32000}, {"message", "m"}, {"data", {{"reason", reason}}}}}};
  };
  CHECK(outcome_reason(with_reason("wrong_puk")) == "wrong_puk");
  CHECK(outcome_reason(with_reason("Hello \"World\"\n")) == "elloorld");
  CHECK(outcome_reason(with_reason(std::string(100, 'a'))).size() == 40);
  CHECK(outcome_reason(with_reason("")) == "error");
  CHECK(outcome_reason({{"error", {{"code", -32603}}}}) == "internal_error");
  CHECK(outcome_reason({{"error", {{"code", -1}}}}) == "error");
  CHECK(outcome_reason({{"result", nullptr}}) == "ok");
}

TEST_CASE("a malformed fact is dropped without harming the publisher", "[metrics][feed]") {
  Fixture f;
  f.bus.publish("token.added", {{"token", token("piv:1")}});
  CHECK_NOTHROW(f.bus.publish("pin.changed", {{"token", "piv:1"}, {"pin", {{"state", 42}}}}));
  CHECK_NOTHROW(f.bus.publish_internal("token.read", {{"token", 7}, {"certificates", "none"}}));
  CHECK_NOTHROW(f.feed->on_answer("x", {{"error", {{"data", {{"reason", 5}}}, {"code", "bad"}}}}));
  CHECK(has(f.model.render(), "eportd_tokens_present{driver=\"piv\"} 1"));
}

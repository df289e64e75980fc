#include <catch2/catch.hpp>

#include <sstream>

#include "metrics/metrics_model.hpp"

using namespace eport::metrics;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

/// Lines that start with `prefix` (samples of one family).
int count_lines(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  int n = 0;
  for (std::string l; std::getline(in, l);)
    if (l.rfind(prefix, 0) == 0) ++n;
  return n;
}

PinFigures pin(std::optional<int> left, std::optional<int> max, std::optional<bool> blocked,
               std::optional<bool> is_default) {
  return PinFigures{left, max, blocked, is_default};
}

}  // namespace

TEST_CASE("a fresh model says up, version and start, and nothing it does not know", "[metrics][model]") {
  MetricsModel model("0.1.0", 1798761600);
  model.set_drivers({"piv"});
  const auto text = model.render();
  CHECK(has_line(text, "eportd_up 1"));
  CHECK(has_line(text, "eportd_build_info{version=\"0.1.0\"} 1"));
  CHECK(has_line(text, "eportd_start_time_seconds 1798761600"));
  CHECK(has_line(text, "eportd_readers_present 0"));
  CHECK(has_line(text, "eportd_tokens_present{driver=\"piv\"} 0"));
  CHECK(has_line(text, "eportd_events_dropped_total 0"));
  CHECK(has_line(text, "# TYPE eportd_pcscd_up gauge"));
  CHECK(count_lines(text, "eportd_pcscd_up") == 0);  // not known yet
  CHECK(text.back() == '\n');
}

TEST_CASE("readers, tokens and pcscd follow their events", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  model.set_pcsc(true);
  model.reader_added("Virtual PCD 00 00");
  model.reader_added("Virtual PCD 00 01");
  model.token_added("piv:0001e240", "piv", "smartcard");
  auto text = model.render();
  CHECK(has_line(text, "eportd_pcscd_up 1"));
  CHECK(has_line(text, "eportd_readers_present 2"));
  CHECK(has_line(text, "eportd_tokens_present{driver=\"piv\"} 1"));
  CHECK(has_line(text, "eportd_token_info{token=\"piv:0001e240\",driver=\"piv\",kind=\"smartcard\"} 1"));
  model.reader_removed("Virtual PCD 00 01");
  model.token_removed("piv:0001e240");
  text = model.render();
  CHECK(has_line(text, "eportd_readers_present 1"));
  CHECK(count_lines(text, "eportd_token_info{") == 0);
  model.set_pcsc(false);  // pcscd gone: every reader and token went with it
  text = model.render();
  CHECK(has_line(text, "eportd_pcscd_up 0"));
  CHECK(has_line(text, "eportd_readers_present 0"));
}

TEST_CASE("PIN and PUK figures appear once read, and unknown ones have no sample", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  model.token_added("piv:1", "piv", "smartcard");
  model.token_added("pkcs11:2", "pkcs11", "pkcs11");
  CHECK(count_lines(model.render(), "eportd_token_pin_tries_left{") == 0);  // insertion reads no PIN
  model.pin_read("piv:1", pin(0, 3, true, false));
  model.puk_read("piv:1", pin(1, 3, false, std::nullopt));
  model.pin_read("pkcs11:2", pin(std::nullopt, std::nullopt, std::nullopt, std::nullopt));
  const auto text = model.render();
  CHECK(has_line(text, "eportd_token_pin_tries_left{token=\"piv:1\"} 0"));
  CHECK(has_line(text, "eportd_token_pin_max_tries{token=\"piv:1\"} 3"));
  CHECK(has_line(text, "eportd_token_pin_blocked{token=\"piv:1\"} 1"));
  CHECK(has_line(text, "eportd_token_pin_default{token=\"piv:1\"} 0"));
  CHECK(has_line(text, "eportd_token_puk_tries_left{token=\"piv:1\"} 1"));
  CHECK(has_line(text, "eportd_token_puk_blocked{token=\"piv:1\"} 0"));
  CHECK(count_lines(text, "eportd_token_pin_") == 4);  // piv:1's four; none invented for pkcs11:2
  CHECK(count_lines(text, "eportd_token_puk_") == 2);
}

TEST_CASE("facts about a token that is not present are ignored", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  int changes = 0;
  model.set_listener([&] { ++changes; });
  model.pin_read("piv:gone", pin(3, 3, false, true));
  model.certificates_read("piv:gone", {{"9a", "x", 1}});
  CHECK(changes == 0);
  CHECK(model.render().find("piv:gone") == std::string::npos);
}

TEST_CASE("certificates are replaced by a reading and updated by a write", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  model.token_added("piv:1", "piv", "smartcard");
  model.certificates_read("piv:1", {{"9a", "Li Lei", 1798761600}, {"9c", "Li Lei", 1798761601}});
  auto text = model.render();
  CHECK(has_line(text,
                 "eportd_certificate_expiry_timestamp_seconds{token=\"piv:1\",slot=\"9a\",cn=\"Li Lei\"} "
                 "1798761600"));
  CHECK(count_lines(text, "eportd_certificate_expiry_timestamp_seconds{") == 2);
  model.certificate_seen("piv:1", {"9a", "Li Lei", 2114380800});
  text = model.render();
  CHECK(has_line(text,
                 "eportd_certificate_expiry_timestamp_seconds{token=\"piv:1\",slot=\"9a\",cn=\"Li Lei\"} "
                 "2114380800"));
  model.certificates_read("piv:1", {});  // the card holds none any more
  CHECK(count_lines(model.render(), "eportd_certificate_expiry_timestamp_seconds{") == 0);
}

TEST_CASE("a long CN is capped and the series stays one per slot", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  model.token_added("piv:1", "piv", "smartcard");
  model.certificates_read("piv:1", {{"9a", std::string(200, 'x'), 1}});
  const auto text = model.render();
  const auto at = text.find("cn=\"");
  REQUIRE(at != std::string::npos);
  const auto end = text.find('"', at + 4);
  CHECK(end - (at + 4) == 63 + 3);  // 63 characters and the ellipsis (3 bytes)
}

TEST_CASE("the listener hears changes only", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  int changes = 0;
  model.set_listener([&] { ++changes; });
  model.token_added("piv:1", "piv", "smartcard");
  CHECK(changes == 1);
  model.pin_read("piv:1", pin(3, 3, false, true));
  model.pin_read("piv:1", pin(3, 3, false, true));  // the same figures again
  CHECK(changes == 2);
  model.reader_removed("never there");
  CHECK(changes == 2);
  // Counters go out with the next write: a program polling token.status rewrites nothing.
  model.count_call("token.status", "ok");
  model.count_refusal("pin.reset");
  model.count_dropped(3);
  CHECK(changes == 2);
  CHECK(model.render().find("eportd_method_calls_total{method=\"token.status\",reason=\"ok\"} 1") !=
        std::string::npos);
}

TEST_CASE("calls, refusals and dropped events are counted", "[metrics][model]") {
  MetricsModel model("0.1.0", 0);
  model.count_call("token.status", "ok");
  model.count_call("token.status", "ok");
  model.count_call("pin.reset", "not_authorized");
  model.count_refusal("pin.reset");
  model.count_dropped(17);
  const auto text = model.render();
  CHECK(has_line(text, "# TYPE eportd_method_calls_total counter"));
  CHECK(has_line(text, "eportd_method_calls_total{method=\"token.status\",reason=\"ok\"} 2"));
  CHECK(has_line(text, "eportd_method_calls_total{method=\"pin.reset\",reason=\"not_authorized\"} 1"));
  CHECK(has_line(text, "eportd_refusals_total{method=\"pin.reset\"} 1"));
  CHECK(has_line(text, "eportd_events_dropped_total 17"));
}

TEST_CASE("a stopping eportd says up 0 and nothing about devices", "[metrics][model]") {
  MetricsModel model("0.1.0", 5);
  model.token_added("piv:1", "piv", "smartcard");
  model.pin_read("piv:1", pin(0, 3, true, false));
  model.mark_stopping();
  const auto text = model.render();
  CHECK(has_line(text, "eportd_up 0"));
  CHECK(has_line(text, "eportd_start_time_seconds 5"));
  CHECK(text.find("piv:1") == std::string::npos);  // no stale PIN alert while eportd is down
}

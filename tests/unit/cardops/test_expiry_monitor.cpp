#include <catch2/catch.hpp>

#include "cardops/expiry_monitor.hpp"

using eport::cardops::ExpiryMonitor;
using eport::x509::CertificateSummary;

namespace {
constexpr std::int64_t kDay = 86400;

CertificateSummary cert(const std::string& sha, std::int64_t not_after) {
  CertificateSummary summary;
  summary.sha256 = sha;
  summary.slot = "9a";
  summary.not_before_unix = 0;
  summary.not_after_unix = not_after;
  return summary;
}

struct Recorder {
  std::vector<std::pair<std::string, nlohmann::json>> events;
  std::int64_t now = 1000 * kDay;
  ExpiryMonitor monitor{{90, 30, 7},
                        [this](const std::string& topic, nlohmann::json params) {
                          events.emplace_back(topic, std::move(params));
                        },
                        [this] { return now; }};
};
}  // namespace

TEST_CASE("an expiring certificate is told once per threshold, not on every reading", "[cardops][expiry]") {
  Recorder r;
  const auto end = r.now + 20 * kDay + 100;
  r.monitor.observe("piv:1", {cert("a", end)});
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].first == "cert.expiring");
  CHECK(r.events[0].second["threshold_days"] == 30);
  CHECK(r.events[0].second["token"] == "piv:1");
  r.monitor.observe("piv:1", {cert("a", end)});
  r.monitor.tick();
  CHECK(r.events.size() == 1);

  r.now += 13 * kDay + 200;  // 7 days left: the next threshold
  r.monitor.tick();
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[1].second["threshold_days"] == 7);

  r.now = end + 1;  // past notAfter
  r.monitor.tick();
  r.monitor.tick();
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[2].first == "cert.expired");
}

TEST_CASE("a valid certificate gives no event; re-insertion tells again", "[cardops][expiry]") {
  Recorder r;
  r.monitor.observe("piv:1", {cert("a", r.now + 400 * kDay)});
  CHECK(r.events.empty());
  r.monitor.observe("piv:2", {cert("b", r.now - kDay)});
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].first == "cert.expired");
  r.monitor.forget("piv:2");
  r.monitor.observe("piv:2", {cert("b", r.now - kDay)});
  CHECK(r.events.size() == 2);
}

TEST_CASE("the timer wakes at the next threshold crossing", "[cardops][expiry]") {
  Recorder r;
  const auto end = r.now + 40 * kDay;
  r.monitor.observe("piv:1", {cert("a", end)});
  REQUIRE(r.monitor.next_change().has_value());
  // 40 days left: the 30-day bucket begins when fewer than 31 whole days remain.
  CHECK(*r.monitor.next_change() == end - 31 * kDay + 1);
  r.now = *r.monitor.next_change();
  r.monitor.tick();
  REQUIRE(r.events.size() == 2);  // 90 at insertion, 30 now
  CHECK(r.events[1].second["threshold_days"] == 30);
}

#include <catch2/catch.hpp>

#include "audit/refusal_limiter.hpp"

using namespace eport::audit;
using namespace std::chrono_literals;

namespace {
AuditRecord refusal(std::uint32_t uid, const std::string& method) {
  AuditRecord r;
  r.uid = uid;
  r.method = method;
  r.outcome = "refused";
  r.reason = "not_authorized";
  return r;
}
}  // namespace

TEST_CASE("the first refusal of a uid and method is written, the rest of its window only counted",
          "[audit][rate]") {
  RefusalLimiter limiter(60s);
  const auto t0 = RefusalLimiter::Clock::time_point{} + 1000s;
  CHECK(limiter.admit(refusal(1000, "pin.reset"), t0).size() == 1);
  for (int i = 0; i < 999; ++i) CHECK(limiter.admit(refusal(1000, "pin.reset"), t0 + 1s).empty());
  // Another uid, and another method of the same uid, have their own windows.
  CHECK(limiter.admit(refusal(1001, "pin.reset"), t0 + 2s).size() == 1);
  CHECK(limiter.admit(refusal(1000, "cert.write"), t0 + 2s).size() == 1);
  CHECK(limiter.expired(t0 + 59s).empty());
  CHECK(limiter.next_deadline() == t0 + 60s);
  const auto due = limiter.expired(t0 + 62s);
  REQUIRE(due.size() == 1);  // the other windows counted nothing: no summary
  CHECK(due[0].uid == 1000);
  CHECK(due[0].repeated == 999);
  CHECK(due[0].method == "pin.reset");
  CHECK(due[0].outcome == "refused");
  CHECK_FALSE(limiter.next_deadline().has_value());
  // After the window a refusal is written again.
  CHECK(limiter.admit(refusal(1000, "pin.reset"), t0 + 63s).size() == 1);
}

TEST_CASE("a refusal after an ended window that was not collected yet brings its summary along",
          "[audit][rate]") {
  RefusalLimiter limiter(10s);
  const auto t0 = RefusalLimiter::Clock::time_point{} + 1000s;
  auto first = refusal(7, "a");
  first.token = "t1";
  limiter.admit(first, t0);
  auto second = refusal(7, "a");
  second.token = "t2";
  limiter.admit(second, t0 + 1s);
  auto third = refusal(7, "a");
  third.token = "t3";
  const auto due = limiter.admit(third, t0 + 11s);
  REQUIRE(due.size() == 2);
  CHECK(due[0].repeated == 1);
  CHECK(due[0].token == "t2");  // the details of the last one counted
  CHECK(due[1].repeated == 0);
  CHECK(due[1].token == "t3");
}

TEST_CASE("flush gives the counts of every open window", "[audit][rate]") {
  RefusalLimiter limiter(60s);
  const auto t0 = RefusalLimiter::Clock::time_point{} + 1000s;
  limiter.admit(refusal(1, "a"), t0);
  limiter.admit(refusal(1, "a"), t0);
  limiter.admit(refusal(2, "a"), t0);
  const auto due = limiter.flush();
  REQUIRE(due.size() == 1);
  CHECK(due[0].uid == 1);
  CHECK(due[0].repeated == 1);
  CHECK(limiter.flush().empty());
}

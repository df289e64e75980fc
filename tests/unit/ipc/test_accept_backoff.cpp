#include <catch2/catch.hpp>

#include <cerrno>

#include "ipc/accept_backoff.hpp"
#include "ipc/log_throttle.hpp"

using namespace eport::ipc;
using namespace std::chrono_literals;

TEST_CASE("running out of descriptors backs off, doubling, logged once per burst", "[ipc][accept]") {
  AcceptBackoff backoff(50ms, 400ms);
  auto d = backoff.failed(EMFILE);
  CHECK(d.log);
  CHECK(d.delay == 50ms);
  d = backoff.failed(ENFILE);
  CHECK_FALSE(d.log);
  CHECK(d.delay == 100ms);
  for (int i = 0; i < 10; ++i) d = backoff.failed(EMFILE);
  CHECK_FALSE(d.log);
  CHECK(d.delay == 400ms);  // the ceiling
  CHECK(backoff.succeeded() == 12);
  CHECK(backoff.succeeded() == 0);
  d = backoff.failed(EMFILE);  // a new burst is logged again and starts small
  CHECK(d.log);
  CHECK(d.delay == 50ms);
}

TEST_CASE("an error of one connection is retried at once", "[ipc][accept]") {
  AcceptBackoff backoff;
  CHECK(backoff.failed(ECONNABORTED).delay == 0ms);
  CHECK(backoff.failed(EPROTO).delay == 0ms);
  CHECK(AcceptBackoff::is_exhaustion(ENOBUFS));
  CHECK(AcceptBackoff::is_exhaustion(ENOMEM));
  CHECK_FALSE(AcceptBackoff::is_exhaustion(EINTR));
}

TEST_CASE("a throttled warning is logged once per period with the count left out", "[ipc][accept]") {
  LogThrottle throttle(10s);
  const auto t0 = LogThrottle::Clock::time_point{} + 100s;
  CHECK(throttle.occurred(t0) == std::size_t{0});
  for (int i = 0; i < 999; ++i) CHECK_FALSE(throttle.occurred(t0 + 1s).has_value());
  CHECK(throttle.occurred(t0 + 10s) == std::size_t{999});
  CHECK_FALSE(throttle.occurred(t0 + 11s).has_value());
}

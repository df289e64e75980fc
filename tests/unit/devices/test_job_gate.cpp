#include <catch2/catch.hpp>

#include <chrono>
#include <thread>
#include <vector>

#include "devices/job_gate.hpp"

using eport::devices::JobGate;
using namespace std::chrono_literals;

TEST_CASE("a job started before its deadline can no longer be dropped", "[devices][gate]") {
  const auto t0 = JobGate::Clock::now();
  JobGate gate(t0 + 10s);
  CHECK(gate.try_start(t0 + 1s));
  CHECK(gate.started());
  CHECK_FALSE(gate.try_drop());
  CHECK_FALSE(gate.dropped());
}

TEST_CASE("a job dropped at its deadline never starts, even when the card frees up", "[devices][gate]") {
  const auto t0 = JobGate::Clock::now();
  JobGate gate(t0 + 10s);
  CHECK(gate.try_drop());
  CHECK(gate.try_drop());  // asking again gives the same answer
  CHECK_FALSE(gate.try_start(t0 + 1s));
  CHECK(gate.dropped());
}

TEST_CASE("a worker that gets the card after the deadline drops the job itself", "[devices][gate]") {
  const auto t0 = JobGate::Clock::now();
  JobGate gate(t0 + 10s);
  CHECK_FALSE(gate.try_start(t0 + 10s));
  CHECK(gate.dropped());
  CHECK(gate.try_drop());  // the late timer then learns that nothing was sent
}

TEST_CASE("start and drop racing from two threads decide exactly once", "[devices][gate]") {
  for (int round = 0; round < 200; ++round) {
    JobGate gate(JobGate::Clock::now() + 1h);
    bool started = false, dropped = false;
    std::thread worker([&] { started = gate.try_start(JobGate::Clock::now()); });
    std::thread timer([&] { dropped = gate.try_drop(); });
    worker.join();
    timer.join();
    CHECK(started != dropped);
  }
}

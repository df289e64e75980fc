// The transport-independent session: in-flight cap, outbox bound, write-stall clock.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "ipc/session.hpp"

using namespace eport;
using nlohmann::json;

namespace {

/// A dispatcher whose "hold" method keeps its Reply until the test answers it.
struct Fixture {
  boost::asio::io_context io;
  ipc::MethodTable table;
  std::vector<ipc::Reply> held;
  events::EventBus bus{4};
  std::unique_ptr<ipc::Dispatcher> dispatcher;
  int wakes = 0;

  Fixture() {
    table.add({"hold", ipc::Role::all, [this](const ipc::Request&, ipc::Reply r) { held.push_back(r); },
               false, ""});
    table.add({"big", ipc::Role::all,
               [](const ipc::Request&, ipc::Reply r) { r.result(std::string(1000, 'x')); }, false, ""});
    dispatcher = std::make_unique<ipc::Dispatcher>(table, ipc::AccessPolicy());
  }

  std::shared_ptr<ipc::Session> session(std::size_t in_flight, std::size_t outbox,
                                        std::chrono::seconds stall = std::chrono::seconds(30)) {
    ipc::SessionLimits limits;
    limits.max_in_flight = in_flight;
    limits.max_outbox_bytes = outbox;
    limits.write_stall_timeout = stall;
    return std::make_shared<ipc::Session>(io.get_executor(), ipc::PeerIdentity{1000, 1000, 1, {}},
                                          *dispatcher, bus, limits, [this] { ++wakes; });
  }

  /// Runs what the reply sinks posted to the I/O thread.
  void answers() {
    io.restart();
    io.poll();
  }

  /// Everything the session has to send, marked written.
  std::string drain(ipc::Session& s) {
    std::string all;
    for (auto out = s.output(); !out.empty(); out = s.output()) {
      all += out;
      s.written(out.size());
    }
    return all;
  }
};

std::string request(int id, const std::string& method) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + R"("})";
}

}  // namespace

TEST_CASE("at max_in_flight unanswered requests the session takes no more until answers come",
          "[ipc][session]") {
  Fixture f;
  auto s = f.session(3, 1 << 20);
  for (int i = 1; i <= 3; ++i) {
    REQUIRE(s->accepts_requests());
    s->dispatch(request(i, "hold"));
  }
  CHECK(s->in_flight() == 3);
  CHECK_FALSE(s->accepts_requests());
  f.held[0].result(true);
  f.answers();  // answers reach the session on its I/O thread
  CHECK(f.wakes == 1);
  CHECK(s->in_flight() == 2);
  CHECK(s->accepts_requests());
  CHECK(f.drain(*s) == R"({"id":1,"jsonrpc":"2.0","result":true})"
                       "\n");
}

TEST_CASE("answers waiting past max_outbox_bytes pause requests until they are written", "[ipc][session]") {
  Fixture f;
  auto s = f.session(32, 1500);
  s->dispatch(request(1, "big"));
  f.answers();
  CHECK(s->accepts_requests());  // ~1040 bytes wait: below the bound
  s->dispatch(request(2, "big"));
  f.answers();
  CHECK(s->outbox_bytes() > 1500);
  CHECK_FALSE(s->accepts_requests());
  const auto first = s->output();
  s->written(first.size() / 2);  // a partial write is progress too
  CHECK(s->output().size() == first.size() - first.size() / 2);
  f.drain(*s);
  CHECK(s->outbox_bytes() == 0);
  CHECK(s->accepts_requests());
}

TEST_CASE("waiting output without a written byte is stalled at the deadline, progress moves it",
          "[ipc][session]") {
  Fixture f;
  auto s = f.session(32, 1 << 20, std::chrono::seconds(5));
  CHECK_FALSE(s->write_stalled(ipc::Session::Clock::now() + std::chrono::hours(1)));  // nothing waits
  s->dispatch(request(1, "big"));
  s->dispatch(request(2, "big"));
  f.answers();
  const auto deadline = s->stall_deadline();
  CHECK_FALSE(s->write_stalled(deadline - std::chrono::milliseconds(1)));
  CHECK(s->write_stalled(deadline));
  s->written(1);
  CHECK(s->stall_deadline() >= deadline);
  f.drain(*s);
  CHECK_FALSE(s->write_stalled(ipc::Session::Clock::now() + std::chrono::hours(1)));
}

TEST_CASE("a notification and a dropped reply still end their request", "[ipc][session]") {
  Fixture f;
  auto s = f.session(2, 1 << 20);
  s->dispatch(R"({"jsonrpc":"2.0","method":"hold"})");  // no id: nothing is sent back
  s->dispatch(request(2, "hold"));
  CHECK_FALSE(s->accepts_requests());
  f.held.clear();  // both handlers let go of their replies without answering
  f.answers();
  CHECK(s->in_flight() == 0);
  // The request with an id hears of the bug; the notification hears nothing.
  const std::string out = f.drain(*s);
  CHECK(out.find("\"id\":2") != std::string::npos);
  CHECK(out.find("-32603") != std::string::npos);
  CHECK(out.find('\n') == out.size() - 1);
}

TEST_CASE("after seal() answers are dropped and in-flight accounting goes on", "[ipc][session]") {
  Fixture f;
  auto s = f.session(4, 1 << 20);
  s->dispatch(request(1, "hold"));
  s->seal();
  CHECK_FALSE(s->accepts_requests());
  f.held[0].result(true);
  f.answers();
  CHECK(s->in_flight() == 0);
  CHECK(s->output().empty());
}

// The server over a real Unix socket, in-process: event back-pressure and limits end to end.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "ipc/server.hpp"

using namespace eport;
using nlohmann::json;

namespace {

/// A server with a subscribe method on a temp socket, run on its own thread.
struct RunningServer {
  std::string dir;
  ipc::MethodTable table;
  events::EventBus bus{8};
  std::unique_ptr<ipc::Dispatcher> dispatcher;
  std::unique_ptr<ipc::Server> server;
  std::thread thread;

  RunningServer() {
    char pattern[] = "/tmp/eport-server-XXXXXX";
    dir = mkdtemp(pattern);
    table.add({"subscribe", ipc::Role::all,
               [](const ipc::Request& r, ipc::Reply reply) {
                 r.session->subscribe({});
                 reply.result(true);
               },
               false, ""});
    dispatcher = std::make_unique<ipc::Dispatcher>(table, ipc::AccessPolicy());
    ipc::ServerOptions options;
    options.socket_path = dir + "/s.sock";
    options.socket_mode = 0600;
    server = std::make_unique<ipc::Server>(options, *dispatcher, bus);
    server->listen();
    thread = std::thread([this] { server->run(); });
  }
  ~RunningServer() {
    server->stop();
    thread.join();
    server.reset();
    std::system(("rm -rf " + dir).c_str());
  }

  int connect() const {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s/s.sock", dir.c_str());
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{5, 0};  // a missing answer fails the test instead of hanging it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
  }
};

/// Reads one line from a blocking socket.
std::string read_line(int fd) {
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

void send_line(int fd, const std::string& text) {
  const std::string line = text + "\n";
  REQUIRE(::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
}

}  // namespace

TEST_CASE("a subscriber that does not read gets events.dropped instead of stalling the daemon",
          "[ipc][server]") {
  RunningServer s;
  const int fd = s.connect();
  int small = 4096;  // a small receive buffer fills quickly
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  send_line(fd, R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})");
  REQUIRE(json::parse(read_line(fd))["result"] == true);
  const std::string padding(2000, 'x');
  for (int i = 0; i < 3000; ++i) s.bus.publish("usb.attached", {{"n", i}, {"pad", padding}});
  // Everything was published without waiting for the client: now read what arrived.
  std::uint64_t events = 0, dropped = 0;
  for (;;) {
    const json message = json::parse(read_line(fd));
    if (message["method"] == "events.dropped") {
      dropped = message["params"]["count"].get<std::uint64_t>();
      break;
    }
    ++events;
  }
  CHECK(dropped > 0);
  CHECK(events + dropped <= 3000);
  CHECK(events >= 8);  // at least a full queue was kept
  ::close(fd);
}

TEST_CASE("the server answers pipelined requests on one connection in order", "[ipc][server]") {
  RunningServer s;
  const int fd = s.connect();
  std::string burst;
  for (int i = 0; i < 100; ++i)
    burst += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
             R"(,"method":"nope"})"
             "\n";
  REQUIRE(::write(fd, burst.data(), burst.size()) == static_cast<ssize_t>(burst.size()));
  for (int i = 0; i < 100; ++i) CHECK(json::parse(read_line(fd))["id"] == i);
  ::close(fd);
}

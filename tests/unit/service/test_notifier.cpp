#include "service/notifier.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

using eport::service::Notifier;
using namespace std::chrono_literals;

namespace {

// A datagram socket standing in for systemd's $NOTIFY_SOCKET, removed on scope exit.
struct FakeNotifySocket {
  int fd = -1;
  std::string path;
  FakeNotifySocket() {
    char dir[] = "/tmp/eport-notify-XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    path = std::string(dir) + "/notify";
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof(address.sun_path) - 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~FakeNotifySocket() {
    unsetenv("NOTIFY_SOCKET");
    close(fd);
    unlink(path.c_str());
    rmdir(path.substr(0, path.rfind('/')).c_str());
  }
  std::string receive() const {
    char buffer[512];
    const ssize_t n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }
};

}  // namespace

TEST_CASE("a status text with newlines stays one notify assignment", "[service][notify]") {
  CHECK(eport::service::status_assignment("2 tokens\nready") == "STATUS=2 tokens ready");
}

TEST_CASE("the watchdog is pinged at half of WatchdogSec", "[service][notify]") {
  CHECK(eport::service::ping_interval_for(30s) == std::chrono::microseconds(15s));
  CHECK_FALSE(eport::service::ping_interval_for(0s).has_value());
  CHECK(eport::service::ping_interval_for(1us) == 1us);
}

TEST_CASE("without systemd every notification is a harmless no-op", "[service][notify]") {
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  Notifier notifier;
  CHECK_FALSE(notifier.enabled());
  CHECK(notifier.ready());
  CHECK(notifier.watchdog_ping());
  CHECK_FALSE(notifier.watchdog_interval().has_value());
}

TEST_CASE("ready, status and stopping reach the notify socket", "[service][notify]") {
  FakeNotifySocket socket;
  Notifier notifier;
  REQUIRE(notifier.enabled());
  CHECK(notifier.ready("serving 0 tokens"));
  CHECK(socket.receive() == "READY=1\nSTATUS=serving 0 tokens");
  CHECK(notifier.reloading());
  CHECK(socket.receive() == "RELOADING=1");
  CHECK(notifier.stopping());
  CHECK(socket.receive() == "STOPPING=1");
  CHECK(notifier.watchdog_ping());
  CHECK(socket.receive() == "WATCHDOG=1");
}

TEST_CASE("WATCHDOG_USEC for this process turns the watchdog on", "[service][notify]") {
  setenv("WATCHDOG_USEC", "3000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  Notifier notifier;
  CHECK(notifier.watchdog_interval() == std::chrono::microseconds(1500ms));
  setenv("WATCHDOG_PID", "1", 1);  // meant for another process: not ours to ping
  CHECK_FALSE(Notifier().watchdog_interval().has_value());
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
}

#include "service/socket_activation.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

using eport::service::choose_activated_socket;

namespace {

const auto always = [](int) { return true; };
const auto never = [](int) { return false; };

// Puts `fd` where systemd would (fd 3) with $LISTEN_FDS=1 for this process; restores fd 3 after.
struct PassedSocket {
  int saved = -1;
  explicit PassedSocket(int fd) {
    if (fcntl(3, F_GETFD) >= 0) {
      saved = fcntl(3, F_DUPFD_CLOEXEC, 10);
    }
    REQUIRE(dup2(fd, 3) == 3);
    close(fd);
    setenv("LISTEN_PID", std::to_string(getpid()).c_str(), 1);
    setenv("LISTEN_FDS", "1", 1);
  }
  ~PassedSocket() {
    close(3);
    if (saved >= 0) {
      dup2(saved, 3);
      close(saved);
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
  }
};

int unix_stream_socket(const std::string& path, bool listening) {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof(address.sun_path) - 1);
  unlink(path.c_str());
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  if (listening) {
    REQUIRE(listen(fd, 4) == 0);
  }
  return fd;
}

}  // namespace

TEST_CASE("no passed sockets means eportd binds its own", "[service][activation]") {
  const auto choice = choose_activated_socket(0, 3, always);
  CHECK_FALSE(choice.fd.has_value());
  CHECK(choice.error.empty());
}

TEST_CASE("exactly one listening Unix socket is taken over", "[service][activation]") {
  const auto choice = choose_activated_socket(1, 3, always);
  CHECK(choice.fd == 3);
  CHECK(choice.error.empty());
}

TEST_CASE("several passed sockets are refused with the unit-file fix", "[service][activation]") {
  const auto choice = choose_activated_socket(2, 3, always);
  CHECK_FALSE(choice.fd.has_value());
  CHECK_THAT(choice.error, Catch::Contains("single ListenStream="));
}

TEST_CASE("a passed socket that is not a listening Unix stream is refused", "[service][activation]") {
  const auto choice = choose_activated_socket(1, 3, never);
  CHECK_FALSE(choice.fd.has_value());
  CHECK_THAT(choice.error, Catch::Contains("not a listening Unix stream socket"));
}

TEST_CASE("without LISTEN_FDS nothing is taken over", "[service][activation]") {
  unsetenv("LISTEN_FDS");
  unsetenv("LISTEN_PID");
  CHECK_FALSE(eport::service::take_activated_socket().has_value());
}

TEST_CASE("a socket passed the systemd way is taken, made close-on-exec, env cleared",
          "[service][activation]") {
  const std::string path = "/tmp/eport-activation-" + std::to_string(getpid()) + ".sock";
  PassedSocket passed(unix_stream_socket(path, true));
  const auto fd = eport::service::take_activated_socket();
  REQUIRE(fd == 3);
  CHECK((fcntl(3, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK(std::getenv("LISTEN_FDS") == nullptr);
  CHECK(eport::service::unix_socket_path(3) == path);
  unlink(path.c_str());
}

TEST_CASE("a passed socket that is not listening makes startup fail", "[service][activation]") {
  const std::string path = "/tmp/eport-activation-nl-" + std::to_string(getpid()) + ".sock";
  PassedSocket passed(unix_stream_socket(path, false));
  CHECK_THROWS_AS(eport::service::take_activated_socket(), eport::service::ActivationError);
  unlink(path.c_str());
}

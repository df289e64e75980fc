// service_probe: the smallest server built on eport_service, for tests/packaging.
// Usage: service_probe [SOCKET_PATH]
// Takes the socket systemd passed (or binds SOCKET_PATH), logs where its log goes, sends
// READY=1, then answers one line per connection with "probe: activated=<yes|no> <line>" and
// exits after the first connection.
#include "service/log_target.hpp"
#include "service/notifier.hpp"
#include "service/socket_activation.hpp"

#include <spdlog/logger.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <iostream>
#include <string>

namespace {

int bind_own_socket(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  path.copy(address.sun_path, sizeof(address.sun_path) - 1);
  unlink(path.c_str());
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 4) != 0) {
    return -1;
  }
  return fd;
}

void answer_one(int listener, bool activated) {
  const int client = accept(listener, nullptr, nullptr);
  if (client < 0) {
    return;
  }
  std::string line;
  char c = 0;
  while (read(client, &c, 1) == 1 && c != '\n') {
    line += c;
  }
  const std::string reply = std::string("probe: activated=") + (activated ? "yes " : "no ") + line + "\n";
  (void)!write(client, reply.data(), reply.size());
  close(client);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace eport::service;
  const LogTarget target = choose_log_target(detect_log_environment());
  spdlog::logger log("service_probe", make_log_sink(target));
  try {
    const auto activated = take_activated_socket();
    const int listener = activated ? *activated : (argc > 1 ? bind_own_socket(argv[1]) : -1);
    if (listener < 0) {
      log.error("no socket: pass one with systemd-socket-activate or give a path");
      return 2;
    }
    log.info("listening on {} ({}), logging to {}", unix_socket_path(listener),
             activated ? "socket activation" : "own socket",
             target == LogTarget::journal ? "journal" : "stderr");
    Notifier notifier;
    notifier.ready("probe ready");
    answer_one(listener, activated.has_value());
    notifier.stopping();
    close(listener);
    return 0;
  } catch (const ActivationError& error) {
    log.error("{}", error.what());
    return 1;
  }
}

#include "service/socket_activation.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>

#include <cstring>

namespace eport::service {

ActivationChoice choose_activated_socket(int count, int first_fd,
                                         const std::function<bool(int)>& is_listening_unix_stream) {
  ActivationChoice choice;
  if (count == 0) {
    return choice;
  }
  if (count < 0) {
    choice.error = "socket activation: cannot read $LISTEN_FDS (error " + std::to_string(-count) +
                   "); start eportd from eportd.socket or without socket activation";
    return choice;
  }
  if (count > 1) {
    choice.error = "socket activation: systemd passed " + std::to_string(count) +
                   " sockets but eportd serves exactly one; give eportd.socket a single ListenStream=";
    return choice;
  }
  if (!is_listening_unix_stream(first_fd)) {
    choice.error = "socket activation: fd " + std::to_string(first_fd) +
                   " is not a listening Unix stream socket; eportd.socket needs ListenStream=/path "
                   "(not a port, FIFO or Accept=yes)";
    return choice;
  }
  choice.fd = first_fd;
  return choice;
}

std::optional<int> take_activated_socket() {
  const int count = sd_listen_fds(1);
  const auto check = [](int fd) { return sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0; };
  ActivationChoice choice = choose_activated_socket(count, SD_LISTEN_FDS_START, check);
  if (!choice.error.empty()) {
    throw ActivationError(choice.error);
  }
  if (choice.fd) {
    // systemd hands the fd over without FD_CLOEXEC; nothing we exec may inherit the listener.
    const int flags = fcntl(*choice.fd, F_GETFD);
    if (flags >= 0) {
      fcntl(*choice.fd, F_SETFD, flags | FD_CLOEXEC);
    }
  }
  return choice.fd;
}

std::string unix_socket_path(int fd) {
  sockaddr_un address{};
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || address.sun_family != AF_UNIX ||
      length <= offsetof(sockaddr_un, sun_path)) {
    return {};
  }
  const std::size_t max = length - offsetof(sockaddr_un, sun_path);
  if (address.sun_path[0] == '\0') {
    return "@" + std::string(address.sun_path + 1, max - 1);  // abstract: length-delimited
  }
  return std::string(address.sun_path, ::strnlen(address.sun_path, max));
}

}  // namespace eport::service

// systemd socket activation: take over the listening Unix socket that eportd.socket created.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace eport::service {

/// Thrown when systemd passed sockets that eportd cannot serve on; the message says what to fix.
class ActivationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The outcome of looking at the passed file descriptors: no activation (fd empty, error empty),
/// a usable listening socket (fd set), or a refusal (error set).
struct ActivationChoice {
  std::optional<int> fd;
  std::string error;
};

/// Pure decision over what sd_listen_fds reported: `count` descriptors starting at `first_fd`;
/// `is_listening_unix_stream` checks one of them. Exactly one listening Unix stream socket is
/// accepted; anything else is a unit-file mistake worth refusing loudly.
ActivationChoice choose_activated_socket(int count, int first_fd,
                                         const std::function<bool(int)>& is_listening_unix_stream);

/// The already-listening socket handed over by systemd, or empty when eportd was not socket
/// activated (then main binds its own socket). Clears $LISTEN_FDS/$LISTEN_PID so that children
/// do not see them, and marks the fd close-on-exec. Ownership of the fd passes to the caller
/// (e.g. asio's acceptor.assign()). Throws ActivationError for unusable descriptors.
std::optional<int> take_activated_socket();

/// The filesystem path a Unix socket is bound to (for the log line), or "" if it has none.
std::string unix_socket_path(int fd);

}  // namespace eport::service

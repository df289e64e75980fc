#pragma once
// The socket server: owns the io_context, the listening socket, the signal handling and the
// ConnectionManager (the split of the Asio HTTP server example).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "events/event_bus.hpp"
#include "ipc/accept_backoff.hpp"
#include "ipc/connection.hpp"
#include "ipc/connection_manager.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/log_throttle.hpp"
#include "ipc/socket_lock.hpp"

namespace eport::ipc {

/// How and where to listen.
struct ServerOptions {
  std::string socket_path;                 ///< path to bind (ignored with inherited_fd)
  std::uint32_t socket_mode = 0660;        ///< chmod of the socket file
  std::string socket_group;                ///< chgrp of the socket file ("" = keep)
  std::uint32_t max_clients = 256;         ///< further clients are told so and closed
  std::uint32_t max_clients_per_uid = 32;  ///< further clients of the same uid are told so and closed
  ConnectionLimits limits;                 ///< per-connection limits
  int inherited_fd = -1;                   ///< an already listening socket (systemd socket activation)
};

/// Accepts clients until stop() or SIGTERM/SIGINT.
class Server {
 public:
  /// Prepares the server; nothing is bound until listen().
  Server(ServerOptions options, const Dispatcher& dispatcher, events::EventBus& events);
  ~Server();

  /// Takes the lock, replaces a stale socket, binds, sets mode and group, listens (or adopts
  /// inherited_fd). Throws std::runtime_error with a message for the operator.
  void listen();
  /// Runs the I/O loop on the calling thread until stop(). An exception that escapes a handler
  /// (a bug) is logged and the loop goes on: it never ends the daemon.
  void run();
  /// Stops accepting, closes every connection and ends run(). Thread-safe.
  void stop();
  /// Runs `task` on the I/O thread. Thread-safe.
  void post(std::function<void()> task);
  /// Calls `handler` on the I/O thread whenever `signal_number` arrives (e.g. SIGHUP).
  void on_signal(int signal_number, std::function<void()> handler);
  /// Calls `tick` on the I/O thread every `period` (e.g. the systemd watchdog).
  void every(std::chrono::milliseconds period, std::function<void()> tick);
  /// Called once when a stop was requested (signal or stop()), before connections close. Each
  /// call adds a handler (e.g. the service manager's, the web part's); they run in that order.
  void on_stopping(std::function<void()> handler) { stopping_.push_back(std::move(handler)); }

  /// New limits for connections accepted from now on (config reload); keeps path, mode, group.
  /// Call on the I/O thread.
  void set_limits(const ServerOptions& options);

  /// Open connections (I/O thread only).
  std::size_t connections() const { return manager_.size(); }
  /// The socket path served ("" when unknown for an inherited socket).
  const std::string& socket_path() const { return options_.socket_path; }
  /// The io_context, for components that need their own timers.
  boost::asio::io_context& context() { return io_; }

 private:
  void accept();
  void on_accept_error(const boost::system::error_code& error);
  void admit(Connection::Socket socket);
  void refuse(Connection::Socket socket, const PeerIdentity& peer, const std::string& why,
              const nlohmann::json& response);
  void bind_socket();
  void wait_for_signals();
  void shut_down();

  ServerOptions options_;
  const Dispatcher& dispatcher_;
  events::EventBus& events_;
  boost::asio::io_context io_{1};
  boost::asio::signal_set signals_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  ConnectionManager manager_;
  AcceptBackoff backoff_;
  boost::asio::steady_timer accept_timer_;
  LogThrottle refusal_log_;
  std::unique_ptr<SocketLock> lock_;
  bool created_socket_ = false;
  bool stopped_ = false;
  std::vector<std::function<void()>> stopping_;
  std::map<int, std::function<void()>> signal_handlers_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;
  std::vector<std::shared_ptr<std::function<void()>>> rearm_;
};

}  // namespace eport::ipc

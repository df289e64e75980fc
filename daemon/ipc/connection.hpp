#pragma once
// One client connection: reads NDJSON lines, hands them to the dispatcher, writes answers and
// event notifications in order, and enforces the per-connection limits.

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <set>
#include <string>

#include <boost/asio.hpp>

#include "events/event_bus.hpp"
#include "ipc/client_session.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/framing.hpp"

namespace eport::ipc {

class ConnectionManager;

/// Limits applied to every connection.
struct ConnectionLimits {
  std::size_t max_message_bytes = 1024 * 1024;  ///< longest line accepted
  std::chrono::seconds idle_timeout{600};       ///< close idle non-subscribers; 0 = never
};

/// Reads requests and writes answers for one peer. Lives as long as a shared_ptr to it does:
/// the ConnectionManager owns it while it is open; pending replies hold only weak pointers.
class Connection : public ClientSession, public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  /// Takes over an accepted socket; `peer` comes from SO_PEERCRED.
  Connection(Socket socket, PeerIdentity peer, ConnectionManager& manager, const Dispatcher& dispatcher,
             events::EventBus& events, ConnectionLimits limits);

  /// Starts reading and the idle timer.
  void start();
  /// Closes the socket and cancels timers; pending replies are dropped.
  void stop();
  /// Sends `response` and closes the connection once it is written (used to refuse clients).
  void refuse(const nlohmann::json& response);

  void subscribe(std::set<std::string> topics) override;

  /// The peer's credentials.
  const PeerIdentity& peer() const { return peer_; }

 private:
  void read();
  void on_read(std::size_t bytes);
  void handle_line(const std::string& line);
  void queue_write(std::string text);
  void write_next();
  void drain_events();
  void linger();
  void discard_input();
  void arm_idle_timer();
  void on_idle_timer();
  Reply::Sink make_sink();

  Socket socket_;
  PeerIdentity peer_;
  ConnectionManager& manager_;
  const Dispatcher& dispatcher_;
  events::EventBus& events_;
  ConnectionLimits limits_;
  LineFramer framer_;
  std::array<char, 65536> read_buffer_{};
  std::deque<std::string> outbox_;
  std::size_t outbox_bytes_ = 0;
  bool writing_ = false;
  bool reading_ = false;
  bool closing_ = false;  // close once the outbox is written
  bool stopped_ = false;
  std::size_t pending_requests_ = 0;
  std::shared_ptr<events::Subscription> subscription_;
  boost::asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace eport::ipc

#pragma once
// One client on the Unix socket: the transport around a Session. Reads NDJSON lines and hands
// them to the Session while it accepts requests (back-pressure: it stops reading otherwise),
// writes the Session's output, and closes the connection after an over-limit line, when idle,
// or when the client stops reading its answers (write-stall timeout).

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>

#include <boost/asio.hpp>

#include "events/event_bus.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/framing.hpp"
#include "ipc/session.hpp"

namespace eport::ipc {

class ConnectionManager;

/// Limits applied to every connection.
struct ConnectionLimits {
  std::size_t max_message_bytes = 1024 * 1024;   ///< longest line accepted; also the outbox bound
  std::chrono::seconds idle_timeout{600};        ///< close idle non-subscribers; 0 = never
  std::size_t max_in_flight = 32;                ///< requests in flight before reading pauses
  std::chrono::seconds write_stall_timeout{30};  ///< close a client that reads nothing this long
};

/// Reads requests and writes answers for one peer. Lives as long as a shared_ptr to it does:
/// the ConnectionManager owns it while it is open; pending replies hold only weak pointers.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  /// Takes over an accepted socket; `peer` comes from SO_PEERCRED.
  Connection(Socket socket, PeerIdentity peer, ConnectionManager& manager, const Dispatcher& dispatcher,
             events::EventBus& events, ConnectionLimits limits);
  ~Connection();

  /// Starts reading and the idle timer.
  void start();
  /// Closes the socket and cancels timers; later answers are dropped.
  void stop();

  /// The peer's credentials.
  const PeerIdentity& peer() const { return peer_; }

 private:
  using ReadBuffer = std::array<char, 16384>;

  void pump();
  void dispatch_buffered_lines();
  void read();
  void on_read(std::size_t bytes);
  void write();
  void close_with(const nlohmann::json& error);
  void linger();
  void discard_input();
  void arm_idle_timer();
  void on_idle_timer();
  void arm_stall_timer();
  void on_stall_timer();

  Socket socket_;
  PeerIdentity peer_;
  ConnectionManager& manager_;
  const Dispatcher& dispatcher_;
  events::EventBus& events_;
  ConnectionLimits limits_;
  std::shared_ptr<Session> session_;
  LineFramer framer_;
  std::unique_ptr<ReadBuffer> read_buffer_;
  bool lines_buffered_ = false;  // the framer may hold complete lines not dispatched yet
  bool writing_ = false;
  bool reading_ = false;
  bool closing_ = false;       // close once the output is written
  bool lingering_ = false;     // output done, swallowing input before the close
  bool input_closed_ = false;  // the client half-closed: answer, then close
  bool stopped_ = false;
  bool stall_timer_armed_ = false;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer stall_timer_;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace eport::ipc

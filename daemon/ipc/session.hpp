#pragma once
// The transport-independent half of a client connection: requests dispatched with an in-flight
// cap, answers and events queued in a bounded outbox, write progress tracked for the write-stall
// timeout. The Unix socket (Connection) is one transport; a WebSocket bridge can be another and
// gets the same limits by driving a Session the same way:
//   while (accepts_requests() && <a complete message is buffered>) dispatch(message);
//   write output() when not empty, report written(n); close when write_stalled(now);
//   read more input only while accepts_requests(); wake() says when that may have changed.

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>

#include "events/event_bus.hpp"
#include "ipc/client_session.hpp"
#include "ipc/dispatcher.hpp"

namespace eport::ipc {

/// Per-session limits (limits.* in the configuration).
struct SessionLimits {
  std::size_t max_in_flight = 32;                ///< requests dispatched but not answered yet
  std::size_t max_outbox_bytes = 1024 * 1024;    ///< answers waiting to be written before input pauses
  std::chrono::seconds write_stall_timeout{30};  ///< waiting output without progress this long: close
};

/// One client's requests and answers. I/O-thread only, except the reply sinks it hands to the
/// dispatcher (any thread: they post back to the executor).
class Session : public ClientSession, public std::enable_shared_from_this<Session> {
 public:
  using Clock = std::chrono::steady_clock;
  /// Called on the I/O thread (never from inside a Session call) when output arrived, a request
  /// finished or events are due: the transport should write and, if now allowed, read again.
  using Wake = std::function<void()>;

  Session(boost::asio::any_io_executor executor, PeerIdentity peer, const Dispatcher& dispatcher,
          events::EventBus& events, SessionLimits limits, Wake wake);

  /// True while another request may be dispatched: fewer than max_in_flight unanswered and
  /// less than max_outbox_bytes waiting. While false the transport must not read (back-pressure).
  bool accepts_requests() const;
  /// Dispatches one complete message (one line, without its '\n').
  void dispatch(std::string_view message);
  /// A protocol adapter (e.g. the web part's E-Port bridge): answers one message of its own
  /// format by calling the dispatcher itself; hands the answer to `sink` once (null: nothing).
  using Adapter = std::function<void(const CallerContext& caller, Reply::Sink sink)>;
  /// Runs one message through `adapter` instead of the JSON-RPC dispatcher, under the same
  /// limits: it counts as in flight until the sink is called, and its answer is queued as output.
  void dispatch_through(const Adapter& adapter);
  /// Queues a message of the transport's own (e.g. the error before closing).
  void send(const nlohmann::json& message);
  /// From now on answers are dropped and no events are queued (the session is closing).
  void seal();

  /// The bytes to write next, "" when nothing waits. Takes due events when the outbox is empty.
  /// The view stays valid until written() or the Session is destroyed.
  std::string_view output();
  /// `bytes` of output() were written.
  void written(std::size_t bytes);
  /// True when output has waited write_stall_timeout without a byte being written.
  bool write_stalled(Clock::time_point now) const;
  /// When waiting output counts as stalled if nothing is written before.
  Clock::time_point stall_deadline() const { return last_progress_ + limits_.write_stall_timeout; }

  /// Requests dispatched and not answered.
  std::size_t in_flight() const { return in_flight_; }
  /// Bytes waiting to be written.
  std::size_t outbox_bytes() const { return outbox_bytes_; }
  /// True once events.subscribe was called.
  bool subscribed() const { return subscription_ != nullptr; }
  /// The peer's credentials.
  const PeerIdentity& peer() const { return peer_; }

  void subscribe(std::set<std::string> topics) override;

 private:
  struct PendingAnswer;
  Reply::Sink make_sink();
  void finished(std::string text);
  void enqueue(std::string text);

  boost::asio::any_io_executor executor_;
  PeerIdentity peer_;
  const Dispatcher& dispatcher_;
  events::EventBus& events_;
  SessionLimits limits_;
  Wake wake_;
  std::deque<std::string> outbox_;
  std::size_t front_written_ = 0;  // bytes of outbox_.front() already written
  std::size_t outbox_bytes_ = 0;   // bytes not yet written
  std::size_t in_flight_ = 0;
  bool sealed_ = false;
  Clock::time_point last_progress_ = Clock::now();
  std::shared_ptr<events::Subscription> subscription_;
};

}  // namespace eport::ipc

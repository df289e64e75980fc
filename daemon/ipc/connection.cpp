#include "ipc/connection.hpp"

#include <spdlog/spdlog.h>

#include "ipc/connection_manager.hpp"
#include "ipc/secure_wipe.hpp"

namespace eport::ipc {

namespace {
// After an over-limit line: how long eportd swallows input before closing, so that the client
// reads the error instead of a reset.
constexpr std::chrono::seconds kLinger{2};
}  // namespace

Connection::Connection(Socket socket, PeerIdentity peer, ConnectionManager& manager,
                       const Dispatcher& dispatcher, events::EventBus& events, ConnectionLimits limits)
    : socket_(std::move(socket)),
      peer_(std::move(peer)),
      manager_(manager),
      dispatcher_(dispatcher),
      events_(events),
      limits_(limits),
      framer_(limits.max_message_bytes),
      idle_timer_(socket_.get_executor()),
      stall_timer_(socket_.get_executor()),
      last_activity_(std::chrono::steady_clock::now()) {}

Connection::~Connection() = default;

void Connection::start() {
  std::weak_ptr<Connection> weak = shared_from_this();
  SessionLimits session_limits;
  session_limits.max_in_flight = limits_.max_in_flight;
  session_limits.max_outbox_bytes = limits_.max_message_bytes;
  session_limits.write_stall_timeout = limits_.write_stall_timeout;
  session_ =
      std::make_shared<Session>(socket_.get_executor(), peer_, dispatcher_, events_, session_limits, [weak] {
        if (auto self = weak.lock()) self->pump();
      });
  read_buffer_ = std::make_unique<ReadBuffer>();
  pump();
  arm_idle_timer();
}

void Connection::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (session_) session_->seal();
  idle_timer_.cancel();
  stall_timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::pump() {
  if (stopped_) return;
  dispatch_buffered_lines();
  if (stopped_) return;
  if (!writing_) write();
  if (!reading_ && !closing_ && !input_closed_ && !lines_buffered_ && session_->accepts_requests()) read();
}

void Connection::dispatch_buffered_lines() {
  std::string line;
  while (lines_buffered_ && !closing_ && session_->accepts_requests()) {
    const auto status = framer_.next(line);
    if (status == LineFramer::Status::need_more) {
      lines_buffered_ = false;
    } else if (status == LineFramer::Status::too_long) {
      spdlog::warn("client pid {} uid {} sent a line over {} bytes; closing its connection", peer_.pid,
                   peer_.uid, limits_.max_message_bytes);
      close_with(Dispatcher::too_long_response(limits_.max_message_bytes));
    } else if (line.find_first_not_of(" \t") != std::string::npos) {  // blank lines are harmless
      last_activity_ = std::chrono::steady_clock::now();
      session_->dispatch(line);
    }
  }
  secure_clear(line);  // the request may have carried a PIN
}

void Connection::read() {
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(*read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
        self->reading_ = false;
        if (self->stopped_) return;
        if (error == boost::asio::error::eof) {
          // The client half-closed: answer what it sent, then close.
          self->input_closed_ = true;
          return self->pump();
        }
        if (error) return self->manager_.stop(self);
        try {
          self->on_read(bytes);
        } catch (const std::exception& e) {
          // A bug, not the client's doing; this connection's state is unknown, the others are fine.
          spdlog::error("closing the connection of pid {}: unexpected error while reading: {}",
                        self->peer_.pid, e.what());
          self->manager_.stop(self);
        }
      });
}

void Connection::on_read(std::size_t bytes) {
  // Only complete requests count as activity: a client dripping one byte at a time (slowloris)
  // is idle and is closed by the idle timeout like any other.
  framer_.feed(std::string_view(read_buffer_->data(), bytes));
  secure_wipe(read_buffer_->data(), bytes);
  lines_buffered_ = true;
  pump();
}

void Connection::write() {
  const std::string_view output = session_->output();
  if (output.empty()) {
    if (closing_) return linger();
    if (input_closed_ && !lines_buffered_ && session_->in_flight() == 0) manager_.stop(shared_from_this());
    return;
  }
  writing_ = true;
  arm_stall_timer();
  socket_.async_write_some(
      boost::asio::buffer(output.data(), output.size()),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
        self->writing_ = false;
        if (self->stopped_) return;
        if (error) return self->manager_.stop(self);
        self->session_->written(n);
        self->pump();
      });
}

void Connection::close_with(const nlohmann::json& error) {
  closing_ = true;
  session_->seal();  // answers to requests still in flight are not sent any more
  session_->send(error);
}

void Connection::linger() {
  // Closing with unread input makes the kernel send a reset, which can destroy the error we just
  // wrote before the client reads it. So: stop sending, swallow input until the client closes,
  // but give it at most kLinger.
  if (stopped_ || lingering_) return;
  lingering_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_send, ignored);
  idle_timer_.expires_after(kLinger);
  idle_timer_.async_wait(
      [weak = std::weak_ptr<Connection>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock(); self && !self->stopped_) self->manager_.stop(self);
      });
  discard_input();
}

void Connection::discard_input() {
  socket_.async_read_some(boost::asio::buffer(*read_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& error, std::size_t n) {
                            if (self->stopped_) return;
                            secure_wipe(self->read_buffer_->data(), n);
                            if (error) return self->manager_.stop(self);
                            self->discard_input();
                          });
}

void Connection::arm_idle_timer() {
  if (limits_.idle_timeout.count() == 0 || stopped_ || lingering_) return;
  idle_timer_.expires_at(last_activity_ + limits_.idle_timeout);
  idle_timer_.async_wait(
      [weak = std::weak_ptr<Connection>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock()) self->on_idle_timer();
      });
}

void Connection::on_idle_timer() {
  if (stopped_ || lingering_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool busy = session_->subscribed() || session_->in_flight() > 0 || session_->outbox_bytes() > 0;
  if (busy) last_activity_ = now;
  if (!busy && now - last_activity_ >= limits_.idle_timeout) {
    spdlog::debug("closing connection of pid {} after {} s without a request", peer_.pid,
                  limits_.idle_timeout.count());
    return manager_.stop(shared_from_this());
  }
  arm_idle_timer();
}

void Connection::arm_stall_timer() {
  if (stall_timer_armed_ || stopped_) return;
  stall_timer_armed_ = true;
  stall_timer_.expires_at(session_->stall_deadline());
  stall_timer_.async_wait(
      [weak = std::weak_ptr<Connection>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock()) self->on_stall_timer();
      });
}

void Connection::on_stall_timer() {
  stall_timer_armed_ = false;
  if (stopped_) return;
  if (session_->write_stalled(std::chrono::steady_clock::now())) {
    spdlog::warn(
        "closing the connection of pid {} uid {}: it has not read its answers for {} s ({} bytes "
        "waiting; limits.write_stall_timeout_s)",
        peer_.pid, peer_.uid, limits_.write_stall_timeout.count(), session_->outbox_bytes());
    return manager_.stop(shared_from_this());
  }
  if (session_->outbox_bytes() > 0) arm_stall_timer();
}

}  // namespace eport::ipc

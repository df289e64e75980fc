#include "ipc/connection.hpp"

#include <spdlog/spdlog.h>

#include "ipc/connection_manager.hpp"
#include "ipc/json_message.hpp"

namespace eport::ipc {

namespace {
// Stop reading while this much output waits for a client that does not read its answers.
constexpr std::size_t kOutboxHighWater = 4 * 1024 * 1024;
// Events taken from the subscription per write round, so requests are not starved.
constexpr std::size_t kEventBatch = 64;

std::string serialise(const nlohmann::json& message) { return serialise_message(message) + "\n"; }
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
      last_activity_(std::chrono::steady_clock::now()) {}

void Connection::start() {
  read();
  arm_idle_timer();
}

void Connection::stop() {
  if (stopped_) return;
  stopped_ = true;
  subscription_.reset();
  idle_timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::refuse(const nlohmann::json& response) {
  closing_ = true;
  queue_write(serialise(response));
}

void Connection::read() {
  if (reading_ || closing_ || stopped_ || outbox_bytes_ > kOutboxHighWater) return;
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
        self->reading_ = false;
        if (error) {
          if (!self->stopped_) self->manager_.stop(self);
          return;
        }
        try {
          self->on_read(bytes);
        } catch (const std::exception& e) {
          // A bug, not the client's doing; this connection's state is unknown, the others are fine.
          spdlog::error("closing the connection of pid {}: unexpected error while reading: {}",
                        self->peer_.pid, e.what());
          if (!self->stopped_) self->manager_.stop(self);
        }
      });
}

void Connection::on_read(std::size_t bytes) {
  last_activity_ = std::chrono::steady_clock::now();
  framer_.feed(std::string_view(read_buffer_.data(), bytes));
  std::string line;
  for (;;) {
    const auto status = framer_.next(line);
    if (status == LineFramer::Status::need_more) break;
    if (status == LineFramer::Status::too_long) {
      spdlog::warn("client pid {} uid {} sent a line over {} bytes; closing its connection", peer_.pid,
                   peer_.uid, limits_.max_message_bytes);
      refuse(Dispatcher::too_long_response(limits_.max_message_bytes));
      return;
    }
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines are harmless
    handle_line(line);
    if (stopped_ || closing_) return;
  }
  read();
}

Reply::Sink Connection::make_sink() {
  // Replies may come from any thread and after the connection is gone: post to the I/O thread
  // and hold the connection only weakly.
  std::weak_ptr<Connection> weak = shared_from_this();
  auto executor = socket_.get_executor();
  return [weak, executor](nlohmann::json response) {
    std::string text = response.is_null() ? std::string() : serialise(response);
    boost::asio::post(executor, [weak, text = std::move(text)]() mutable {
      auto self = weak.lock();
      if (!self || self->stopped_) return;
      --self->pending_requests_;
      if (!text.empty()) self->queue_write(std::move(text));
    });
  };
}

void Connection::handle_line(const std::string& line) {
  ++pending_requests_;
  dispatcher_.dispatch(line, CallerContext{peer_, shared_from_this()}, make_sink());
}

void Connection::queue_write(std::string text) {
  if (stopped_) return;
  outbox_bytes_ += text.size();
  outbox_.push_back(std::move(text));
  write_next();
}

void Connection::write_next() {
  if (writing_ || stopped_) return;
  if (outbox_.empty()) {
    if (closing_) return linger();
    drain_events();
    if (outbox_.empty()) {
      read();  // resumes reading if it was paused for a full outbox
      return;
    }
  }
  writing_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(outbox_.front()),
                           [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                             self->writing_ = false;
                             if (error) {
                               if (!self->stopped_) self->manager_.stop(self);
                               return;
                             }
                             self->outbox_bytes_ -= self->outbox_.front().size();
                             self->outbox_.pop_front();
                             self->write_next();
                           });
}

void Connection::linger() {
  // Closing with unread input makes the kernel send a reset, which can destroy the error we just
  // wrote before the client reads it. So: stop sending, swallow input until the client closes,
  // but give it at most two seconds.
  if (stopped_) return;
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_send, ignored);
  idle_timer_.expires_after(std::chrono::seconds(2));
  idle_timer_.async_wait(
      [weak = std::weak_ptr<Connection>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock(); self && !self->stopped_) self->manager_.stop(self);
      });
  discard_input();
}

void Connection::discard_input() {
  socket_.async_read_some(boost::asio::buffer(read_buffer_),
                          [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                            if (self->stopped_) return;
                            if (error) return self->manager_.stop(self);
                            self->discard_input();
                          });
}

void Connection::drain_events() {
  if (!subscription_ || closing_) return;
  for (auto& notification : subscription_->drain(kEventBatch)) {
    std::string text = serialise(notification);
    outbox_bytes_ += text.size();
    outbox_.push_back(std::move(text));
  }
}

void Connection::subscribe(std::set<std::string> topics) {
  if (subscription_) {
    subscription_->set_topics(std::move(topics));
    return;
  }
  std::weak_ptr<Connection> weak = shared_from_this();
  auto executor = socket_.get_executor();
  // The bus calls this from the publishing thread; only an idle writer needs waking.
  subscription_ = events_.subscribe(std::move(topics), [weak, executor] {
    boost::asio::post(executor, [weak] {
      if (auto self = weak.lock(); self && !self->stopped_) self->write_next();
    });
  });
}

void Connection::arm_idle_timer() {
  if (limits_.idle_timeout.count() == 0 || stopped_) return;
  idle_timer_.expires_at(last_activity_ + limits_.idle_timeout);
  idle_timer_.async_wait(
      [weak = std::weak_ptr<Connection>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock()) self->on_idle_timer();
      });
}

void Connection::on_idle_timer() {
  if (stopped_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool busy = subscription_ || pending_requests_ > 0 || writing_;
  if (busy) last_activity_ = now;
  if (!busy && now - last_activity_ >= limits_.idle_timeout) {
    spdlog::debug("closing connection of pid {} after {} s without a request", peer_.pid,
                  limits_.idle_timeout.count());
    return manager_.stop(shared_from_this());
  }
  arm_idle_timer();
}

}  // namespace eport::ipc

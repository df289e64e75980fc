#include "web/ws_bridge.hpp"

#include <spdlog/spdlog.h>

#include "ipc/error_codes.hpp"
#include "ipc/json_message.hpp"
#include "ipc/reply.hpp"
#include "ipc/secure_wipe.hpp"

namespace eport::web {

namespace websocket = boost::beast::websocket;

namespace {
// The WebSocket handshake must finish within this.
constexpr std::chrono::seconds kHandshakeTimeout{10};

/// The method of a request that carries a PIN (pin.change, pin.verify), else "": over the web
/// only with web.allow_pin_methods (docs/web.md).
std::string pin_method_of(const nlohmann::json& message) {
  if (!message.is_object()) return {};
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string()) return {};
  const auto& name = method->get_ref<const std::string&>();
  return name == "pin.change" || name == "pin.verify" ? name : std::string();
}

ipc::PeerIdentity web_peer(const WsBridge::Request& request) {
  ipc::PeerIdentity peer;
  peer.uid = ipc::kWebUid;
  peer.gid = ipc::kWebUid;
  peer.pid = 0;
  const auto origin = request.find(boost::beast::http::field::origin);
  peer.web_origin = origin == request.end() ? "unknown" : std::string(origin->value()).substr(0, 200);
  return peer;
}
}  // namespace

WsBridge::WsBridge(boost::beast::tcp_stream stream, Request request, Route route, WebContext& context)
    : ws_(std::move(stream)),
      request_(std::move(request)),
      route_(route),
      context_(context),
      peer_(web_peer(request_)),
      idle_timer_(ws_.get_executor()),
      stall_timer_(ws_.get_executor()),
      last_activity_(std::chrono::steady_clock::now()) {
  const auto config = context_.config.get();
  limits_.max_message_bytes = config->limits.max_message_bytes;
  limits_.idle_timeout = std::chrono::seconds(config->limits.idle_timeout_s);
  limits_.max_in_flight = config->limits.max_in_flight;
  limits_.write_stall_timeout = std::chrono::seconds(config->limits.write_stall_timeout_s);
  allow_pin_methods_ = config->web.allow_pin_methods;
}

void WsBridge::start() {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = kHandshakeTimeout;
  timeouts.idle_timeout = websocket::stream_base::none();  // eportd's own idle and stall timers
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(boost::beast::http::field::server, "eportd"); }));
  ws_.read_message_max(limits_.max_message_bytes);
  ws_.async_accept(request_, [self = shared_from_this()](const boost::system::error_code& error) {
    if (self->stopped_) return;
    if (error) {
      spdlog::debug("web: WebSocket handshake failed: {}", error.message());
      return self->finish();
    }
    self->on_accepted();
  });
}

void WsBridge::on_accepted() {
  request_ = {};
  ipc::SessionLimits session_limits;
  session_limits.max_in_flight = limits_.max_in_flight;
  session_limits.max_outbox_bytes = limits_.max_message_bytes;
  session_limits.write_stall_timeout = limits_.write_stall_timeout;
  std::weak_ptr<WsBridge> weak = shared_from_this();
  session_ = std::make_shared<ipc::Session>(ws_.get_executor(), peer_, context_.dispatcher, context_.events,
                                            session_limits, [weak] {
                                              if (auto self = weak.lock()) self->pump();
                                            });
  ws_.text(true);
  if (route_ == Route::eport_socket) {
    eport_ = std::make_unique<EportAdapter>(context_.dispatcher, ws_.get_executor(), allow_pin_methods_);
    session_->send(EportAdapter::greeting());  // the control speaks first
  }
  pump();
  arm_idle_timer();
}

void WsBridge::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (session_) session_->seal();
  idle_timer_.cancel();
  stall_timer_.cancel();
  auto& socket = boost::beast::get_lowest_layer(ws_).socket();
  boost::system::error_code ignored;
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void WsBridge::finish() { context_.clients.stop(shared_from_this()); }

void WsBridge::pump() {
  if (stopped_ || !session_) return;
  if (!writing_) write();
  if (!reading_ && session_->accepts_requests()) read();
}

void WsBridge::read() {
  reading_ = true;
  ws_.async_read(buffer_, [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
    self->reading_ = false;
    if (self->stopped_) return;
    if (error == websocket::error::message_too_big) {
      spdlog::warn("web: a client of {} sent a message over {} bytes (limits.max_message_bytes); closing it",
                   self->peer_.web_origin, self->limits_.max_message_bytes);
      return self->finish();
    }
    if (error) return self->finish();
    try {
      self->on_message();
    } catch (const std::exception& e) {
      spdlog::error("web: closing a WebSocket of {}: unexpected error: {}", self->peer_.web_origin, e.what());
      self->finish();
    }
  });
}

void WsBridge::on_message() {
  std::string text = boost::beast::buffers_to_string(buffer_.data());
  const auto bytes = buffer_.data();
  ipc::secure_wipe(bytes.data(), bytes.size());
  buffer_.consume(buffer_.size());
  if (text.find_first_not_of(" \t\r\n") != std::string::npos) {
    last_activity_ = std::chrono::steady_clock::now();
    dispatch(text);
  }
  ipc::secure_clear(text);  // the request may have carried a PIN
  pump();
}

void WsBridge::dispatch(std::string& text) {
  if (eport_) return session_->dispatch_through(eport_->adapter_for(text));
  if (!allow_pin_methods_) {
    const auto parsed = ipc::parse_message(text);
    const std::string pin_method = parsed ? pin_method_of(parsed.value()) : std::string();
    if (!pin_method.empty()) {
      const nlohmann::json id = parsed.value().contains("id") ? parsed.value()["id"] : nlohmann::json();
      session_->dispatch_through([id, pin_method](const ipc::CallerContext&, ipc::Reply::Sink sink) {
        sink(ipc::make_error_response(id, ipc::kApplicationError,
                                      pin_method +
                                          " is not offered to web pages: the administrator has not set "
                                          "web.allow_pin_methods; use eportctl or the Unix socket",
                                      {{"reason", "not_authorized"}, {"required", "web.allow_pin_methods"}}));
      });
      return;
    }
  }
  session_->dispatch(text);
}

void WsBridge::write() {
  const std::string_view output = session_->output();
  if (output.empty()) return;
  // Each outbox entry is one message ending in '\n' (the Unix socket's framing): one text
  // message each, without the '\n'.
  const std::size_t length = !output.empty() && output.back() == '\n' ? output.size() - 1 : output.size();
  writing_ = true;
  arm_stall_timer();
  ws_.async_write(
      boost::asio::buffer(output.data(), length),
      [self = shared_from_this(), size = output.size()](const boost::system::error_code& error, std::size_t) {
        self->writing_ = false;
        if (self->stopped_) return;
        if (error) return self->finish();
        self->session_->written(size);
        self->pump();
      });
}

void WsBridge::arm_idle_timer() {
  if (limits_.idle_timeout.count() == 0 || stopped_) return;
  idle_timer_.expires_at(last_activity_ + limits_.idle_timeout);
  idle_timer_.async_wait(
      [weak = std::weak_ptr<WsBridge>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock()) self->on_idle_timer();
      });
}

void WsBridge::on_idle_timer() {
  if (stopped_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool busy = session_->subscribed() || session_->in_flight() > 0 || session_->outbox_bytes() > 0;
  if (busy) last_activity_ = now;
  if (!busy && now - last_activity_ >= limits_.idle_timeout) {
    spdlog::debug("web: closing a WebSocket of {} after {} s without a request", peer_.web_origin,
                  limits_.idle_timeout.count());
    return finish();
  }
  arm_idle_timer();
}

void WsBridge::arm_stall_timer() {
  if (stall_timer_armed_ || stopped_) return;
  stall_timer_armed_ = true;
  stall_timer_.expires_at(session_->stall_deadline());
  stall_timer_.async_wait(
      [weak = std::weak_ptr<WsBridge>(shared_from_this())](const boost::system::error_code& error) {
        if (error) return;
        if (auto self = weak.lock()) self->on_stall_timer();
      });
}

void WsBridge::on_stall_timer() {
  stall_timer_armed_ = false;
  if (stopped_) return;
  if (session_->write_stalled(std::chrono::steady_clock::now())) {
    spdlog::warn(
        "web: closing a WebSocket of {}: it has not read its answers for {} s ({} bytes waiting; "
        "limits.write_stall_timeout_s)",
        peer_.web_origin, limits_.write_stall_timeout.count(), session_->outbox_bytes());
    return finish();
  }
  if (session_->outbox_bytes() > 0) arm_stall_timer();
}

}  // namespace eport::web

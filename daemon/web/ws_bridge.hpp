#pragma once
// One WebSocket of the web part: the transport around an ipc::Session, like the Unix socket's
// Connection, so it has the same limits (message size, requests in flight, output bound, idle
// and write-stall timeouts). One text message in is one request; each answer or event is one
// text message out. The peer is a web client: never admin, named by its Origin.

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "ipc/connection.hpp"
#include "ipc/session.hpp"
#include "web/eport_adapter.hpp"
#include "web/request_gate.hpp"
#include "web/web_context.hpp"

namespace eport::web {

/// A WebSocket on /ws (eportd's JSON-RPC) or / (the E-Port message format).
class WsBridge : public WebClient, public std::enable_shared_from_this<WsBridge> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::empty_body>;

  /// Takes over an HTTP connection whose upgrade `request` the gate accepted for `route`.
  WsBridge(boost::beast::tcp_stream stream, Request request, Route route, WebContext& context);

  /// Completes the handshake and starts serving.
  void start();
  void stop() override;
  bool is_websocket() const override { return true; }

 private:
  void on_accepted();
  void pump();
  void read();
  void on_message();
  void dispatch(std::string& text);
  void write();
  void finish();
  void arm_idle_timer();
  void on_idle_timer();
  void arm_stall_timer();
  void on_stall_timer();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  Request request_;
  Route route_;
  WebContext& context_;
  ipc::PeerIdentity peer_;
  ipc::ConnectionLimits limits_;
  bool allow_pin_methods_ = false;
  std::shared_ptr<ipc::Session> session_;
  std::unique_ptr<EportAdapter> eport_;  // on / only
  boost::beast::flat_buffer buffer_;
  bool reading_ = false;
  bool writing_ = false;
  bool stopped_ = false;
  bool stall_timer_armed_ = false;
  boost::asio::steady_timer idle_timer_;
  boost::asio::steady_timer stall_timer_;
  std::chrono::steady_clock::time_point last_activity_;
};

}  // namespace eport::web

#pragma once
// One HTTP connection of the web part: reads requests (small headers, no bodies, a deadline
// against slow senders), lets the RequestGate decide, then serves a page file, refuses, or hands
// the connection to a WebSocket bridge.

#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "web/request_gate.hpp"
#include "web/web_context.hpp"

namespace eport::web {

/// Serves HTTP requests on one connection until it closes or is upgraded.
class HttpSession : public WebClient, public std::enable_shared_from_this<HttpSession> {
 public:
  /// Takes over an accepted socket.
  HttpSession(boost::asio::ip::tcp::socket socket, WebContext& context);

  /// Reads the first request.
  void start();
  void stop() override;
  bool is_websocket() const override { return false; }

 private:
  using Request = boost::beast::http::request<boost::beast::http::empty_body>;

  void read();
  void on_request();
  void refuse(const GateDecision& decision);
  void serve_asset(const std::string& path);
  void upgrade(const GateDecision& decision);
  template <typename Response>
  void send(std::shared_ptr<Response> response);
  void finish();

  boost::beast::tcp_stream stream_;
  WebContext& context_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  bool keep_alive_ = false;
  bool stopped_ = false;
};

}  // namespace eport::web

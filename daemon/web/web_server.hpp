#pragma once
// The web part's listener (docs/web.md): accepts TCP connections on the loopback address of
// web.listen, on the daemon's I/O thread, and hands each to an HttpSession. Off unless the
// configuration has a `web:` section.

#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "web/web_context.hpp"

namespace eport::web {

/// Listens on web.listen until stop().
class WebServer {
 public:
  /// Nothing is bound until listen().
  WebServer(boost::asio::io_context& io, const config::SharedConfig& config,
            const ipc::Dispatcher& dispatcher, events::EventBus& events);
  ~WebServer();

  /// Binds web.listen and starts accepting. Throws std::runtime_error with a message for the
  /// operator (e.g. the port is taken).
  void listen();
  /// Stops accepting and closes every connection (I/O thread).
  void stop();
  /// The status page's address, e.g. "http://127.0.0.1:61232/".
  std::string page_address() const { return context_.policy().page_address(); }
  /// The port actually bound (useful with port 0 in tests).
  unsigned short port() const;

 private:
  void accept();
  void admit(boost::asio::ip::tcp::socket socket);

  WebContext context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  bool stopped_ = false;
};

}  // namespace eport::web

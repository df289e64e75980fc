#include "web/web_server.hpp"

#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>

#include "web/http_session.hpp"

namespace eport::web {

namespace {
/// The answer to a connection over limits.max_clients: written once into the fresh socket.
constexpr char kTooMany[] =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
    "59\r\nConnection: close\r\n\r\ntoo many connections to eportd's web part; try again later\n";
}  // namespace

void WebContext::log_refusal(const std::string& what) {
  ++refusals;
  if (const auto left_out = refusal_log.occurred(ipc::LogThrottle::Clock::now()))
    spdlog::warn("web: refused: {}{} ({} refusal(s) since start)", what,
                 *left_out > 0 ? "; " + std::to_string(*left_out) + " more were not logged" : "", refusals);
}

WebServer::WebServer(boost::asio::io_context& io, const config::SharedConfig& config,
                     const ipc::Dispatcher& dispatcher, events::EventBus& events)
    : context_{config, dispatcher, events, {}, ipc::LogThrottle(), 0}, acceptor_(io) {}

WebServer::~WebServer() { stop(); }

void WebServer::listen() {
  using boost::asio::ip::tcp;
  const auto config = context_.config.get();
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(config->web.host, error);
  if (error) throw std::runtime_error("web.listen: '" + config->web.host + "' is not an address");
  const tcp::endpoint endpoint(address, config->web.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint, error);
  if (error)
    throw std::runtime_error("web.listen: cannot listen on " + config->web.listen + ": " + error.message() +
                             "; another program (the Windows client under Wine?) may hold the port: "
                             "stop it or choose another port");
  acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error)
    throw std::runtime_error("web.listen: cannot listen on " + config->web.listen + ": " + error.message());
  spdlog::info("web: serving the status page on {} (WebSocket: /ws, E-Port compatible: /)", page_address());
  accept();
}

unsigned short WebServer::port() const {
  boost::system::error_code ignored;
  return acceptor_.local_endpoint(ignored).port();
}

void WebServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  context_.clients.stop_all();
}

void WebServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, boost::asio::ip::tcp::socket socket) {
    if (stopped_ || !acceptor_.is_open()) return;
    if (!error) admit(std::move(socket));
    else spdlog::debug("web: accept failed: {}", error.message());
    accept();
  });
}

void WebServer::admit(boost::asio::ip::tcp::socket socket) {
  const auto limit = context_.config.get()->limits.max_clients;
  if (context_.clients.size() >= limit) {
    context_.log_refusal(std::to_string(context_.clients.size()) +
                         " connections are open (limits.max_clients)");
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(boost::asio::buffer(kTooMany, sizeof kTooMany - 1), ignored);
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return;
  }
  auto session = std::make_shared<HttpSession>(std::move(socket), context_);
  context_.clients.add(session);
  session->start();
}

}  // namespace eport::web

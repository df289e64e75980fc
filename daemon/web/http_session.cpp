#include "web/http_session.hpp"

#include <chrono>

#include <spdlog/spdlog.h>
#include <boost/beast/websocket/rfc6455.hpp>

#include "web/assets.hpp"
#include "web/ws_bridge.hpp"

namespace eport::web {

namespace http = boost::beast::http;

namespace {
// A request's headers must arrive within this; a slow sender is closed (slowloris).
constexpr std::chrono::seconds kHeaderDeadline{10};
// Longest accepted request head; eportd's pages send far less.
constexpr std::uint32_t kHeaderLimit = 8 * 1024;
// The page runs only its own files and talks only to eportd ('self' includes ws://<this host>).
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

std::optional<std::string_view> header(const http::request<http::empty_body>& request, http::field field) {
  const auto it = request.find(field);
  if (it == request.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

/// Headers on every answer: nothing is cached, framed, sniffed or sent to another site.
template <typename Response>
void harden(Response& response) {
  response.set(http::field::server, "eportd");
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Cross-Origin-Resource-Policy", "same-origin");
}
}  // namespace

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, WebContext& context)
    : stream_(std::move(socket)), context_(context) {}

void HttpSession::start() { read(); }

void HttpSession::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void HttpSession::finish() { context_.clients.stop(shared_from_this()); }

void HttpSession::read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(0);
  stream_.expires_after(kHeaderDeadline);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                     if (self->stopped_) return;
                     if (error) {
                       if (error != http::error::end_of_stream)
                         spdlog::debug("web: closing an HTTP connection: {}", error.message());
                       return self->finish();
                     }
                     self->on_request();
                   });
}

void HttpSession::on_request() {
  const Request& request = parser_->get();
  keep_alive_ = request.keep_alive();
  RequestFacts facts;
  facts.method = std::string_view(request.method_string().data(), request.method_string().size());
  facts.target = std::string_view(request.target().data(), request.target().size());
  facts.host = header(request, http::field::host);
  facts.origin = header(request, http::field::origin);
  facts.websocket_upgrade = boost::beast::websocket::is_upgrade(request);
  const GateDecision decision = decide(facts, context_.policy());
  if (decision.status != 200) return refuse(decision);
  if (decision.route == Route::asset) return serve_asset(decision.path);
  upgrade(decision);
}

void HttpSession::refuse(const GateDecision& decision) {
  if (decision.forbidden()) context_.log_refusal(decision.why);
  auto response = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(decision.status), parser_->get().version());
  harden(*response);
  response->set(http::field::content_type, "text/plain; charset=utf-8");
  response->body() = decision.why + "\n";
  keep_alive_ = false;  // a refused client gets no second try on this connection
  response->keep_alive(false);
  response->prepare_payload();
  send(response);
}

void HttpSession::serve_asset(const std::string& path) {
  const Asset* asset = find_asset(path);
  if (!asset) {
    GateDecision missing;
    missing.status = 404;
    missing.why = "no file " + path.substr(0, 100) + " here; the status page is at /";
    return refuse(missing);
  }
  const auto& request = parser_->get();
  auto response = std::make_shared<http::response<http::string_body>>(http::status::ok, request.version());
  harden(*response);
  response->set(http::field::content_type, std::string(asset->content_type));
  response->set("Content-Security-Policy", kContentSecurityPolicy);
  response->keep_alive(keep_alive_);
  if (request.method() == http::verb::head) {
    response->content_length(asset->body.size());
  } else {
    response->body() = std::string(asset->body);
    response->prepare_payload();
  }
  send(response);
}

void HttpSession::upgrade(const GateDecision& decision) {
  const auto config = context_.config.get();
  if (context_.clients.websockets() >= config->limits.max_clients_per_uid) {
    GateDecision busy;
    busy.status = 503;
    busy.why = std::to_string(context_.clients.websockets()) +
               " WebSockets are open (limits.max_clients_per_uid); close one and try again";
    context_.log_refusal(busy.why);
    return refuse(busy);
  }
  stream_.expires_never();
  auto bridge = std::make_shared<WsBridge>(std::move(stream_), parser_->release(), decision.route, context_);
  stopped_ = true;  // the socket lives on in the bridge
  context_.clients.forget(shared_from_this());
  context_.clients.add(bridge);
  bridge->start();
}

template <typename Response>
void HttpSession::send(std::shared_ptr<Response> response) {
  stream_.expires_after(kHeaderDeadline);
  http::async_write(
      stream_, *response,
      [self = shared_from_this(), response](const boost::system::error_code& error, std::size_t) {
        if (self->stopped_) return;
        if (error || !self->keep_alive_) return self->finish();
        self->read();
      });
}

}  // namespace eport::web

#pragma once
// The open connections of the web part (HTTP requests and WebSockets), so that a limit can
// count them and shutdown can close them. I/O-thread only.

#include <cstddef>
#include <memory>
#include <set>

namespace eport::web {

/// One open TCP connection of the web part.
class WebClient {
 public:
  virtual ~WebClient() = default;
  /// Closes the connection now; later completions find it stopped.
  virtual void stop() = 0;
  /// True for a WebSocket (counted against limits.max_clients_per_uid).
  virtual bool is_websocket() const = 0;
};

/// Owns the open connections; the only place that stops them.
class WebClients {
 public:
  /// Adds a connection (it is started by its creator).
  void add(std::shared_ptr<WebClient> client) { clients_.insert(std::move(client)); }
  /// Stops and forgets a connection.
  void stop(const std::shared_ptr<WebClient>& client) {
    if (clients_.erase(client) > 0) client->stop();
  }
  /// Forgets a connection that lives on in another object (an HTTP request upgraded).
  void forget(const std::shared_ptr<WebClient>& client) { clients_.erase(client); }
  /// Stops every connection.
  void stop_all() {
    auto all = std::move(clients_);
    clients_.clear();
    for (const auto& client : all) client->stop();
  }
  /// Open connections.
  std::size_t size() const { return clients_.size(); }
  /// Open WebSockets.
  std::size_t websockets() const {
    std::size_t n = 0;
    for (const auto& client : clients_) n += client->is_websocket() ? 1 : 0;
    return n;
  }

 private:
  std::set<std::shared_ptr<WebClient>> clients_;
};

}  // namespace eport::web

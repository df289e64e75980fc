#pragma once
// Owns every open connection; the only place that stops them (as in the Asio HTTP example).

#include <cstddef>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

namespace eport::ipc {

class Connection;

/// The set of open connections.
class ConnectionManager {
 public:
  /// Adds and starts a connection.
  void start(std::shared_ptr<Connection> connection);
  /// Adds a connection that is only told why it is refused (e.g. too many clients), then closed.
  void refuse(std::shared_ptr<Connection> connection, const nlohmann::json& response);
  /// Stops and forgets a connection.
  void stop(const std::shared_ptr<Connection>& connection);
  /// Stops every connection (shutdown).
  void stop_all();
  /// Open connections.
  std::size_t size() const { return connections_.size(); }

 private:
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace eport::ipc

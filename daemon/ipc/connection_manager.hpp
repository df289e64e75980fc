#pragma once
// Owns every open connection; the only place that stops them (as in the Asio HTTP example).
// Also counts connections per uid, for limits.max_clients_per_uid.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>

namespace eport::ipc {

class Connection;

/// The set of open connections.
class ConnectionManager {
 public:
  /// Adds and starts a connection.
  void start(std::shared_ptr<Connection> connection);
  /// Stops and forgets a connection.
  void stop(const std::shared_ptr<Connection>& connection);
  /// Stops every connection (shutdown).
  void stop_all();
  /// Open connections.
  std::size_t size() const { return connections_.size(); }
  /// Open connections of peers with this uid.
  std::size_t count_for_uid(std::uint32_t uid) const;

 private:
  std::set<std::shared_ptr<Connection>> connections_;
  std::map<std::uint32_t, std::size_t> per_uid_;
};

}  // namespace eport::ipc

#include "ipc/connection_manager.hpp"

#include "ipc/connection.hpp"

namespace eport::ipc {

void ConnectionManager::start(std::shared_ptr<Connection> connection) {
  connections_.insert(connection);
  connection->start();
}

void ConnectionManager::refuse(std::shared_ptr<Connection> connection, const nlohmann::json& response) {
  connections_.insert(connection);
  connection->refuse(response);
}

void ConnectionManager::stop(const std::shared_ptr<Connection>& connection) {
  if (connections_.erase(connection)) connection->stop();
}

void ConnectionManager::stop_all() {
  for (const auto& connection : connections_) connection->stop();
  connections_.clear();
}

}  // namespace eport::ipc

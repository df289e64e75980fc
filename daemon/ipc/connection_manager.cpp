#include "ipc/connection_manager.hpp"

#include "ipc/connection.hpp"

namespace eport::ipc {

void ConnectionManager::start(std::shared_ptr<Connection> connection) {
  if (!connections_.insert(connection).second) return;
  ++per_uid_[connection->peer().uid];
  connection->start();
}

void ConnectionManager::stop(const std::shared_ptr<Connection>& connection) {
  if (!connections_.erase(connection)) return;
  const auto uid = per_uid_.find(connection->peer().uid);
  if (uid != per_uid_.end() && --uid->second == 0) per_uid_.erase(uid);
  connection->stop();
}

void ConnectionManager::stop_all() {
  for (const auto& connection : connections_) connection->stop();
  connections_.clear();
  per_uid_.clear();
}

std::size_t ConnectionManager::count_for_uid(std::uint32_t uid) const {
  const auto it = per_uid_.find(uid);
  return it == per_uid_.end() ? 0 : it->second;
}

}  // namespace eport::ipc

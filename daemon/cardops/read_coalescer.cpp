#include "cardops/read_coalescer.hpp"

namespace eport::cardops {

namespace {

/// Answers `reply` exactly as `response` (a complete JSON-RPC response) answered another.
void answer_like(const ipc::Reply& reply, const nlohmann::json& response) {
  if (response.contains("result")) return reply.result(response["result"]);
  const auto& error = response.value("error", nlohmann::json::object());
  reply.error(error.value("code", -32603), error.value("message", std::string("internal error")),
              error.value("data", nlohmann::json(nullptr)));
}

}  // namespace

ReadGroup::ReadGroup(ReadCoalescer& owner, std::string key, ipc::Reply leader)
    : owner_(owner), key_(std::move(key)), leader_(std::move(leader)) {}

void ReadGroup::started() {
  {
    std::lock_guard lock(mutex_);
    if (!open_) return;
    open_ = false;
  }
  owner_.close(key_, this);
}

bool ReadGroup::join(const ipc::Reply& reply) {
  std::lock_guard lock(mutex_);
  if (!open_) return false;
  joined_.push_back(reply);
  return true;
}

void ReadGroup::answer(const nlohmann::json& response) {
  started();  // closed first: nobody joins a group that has answered
  std::vector<ipc::Reply> joined;
  {
    std::lock_guard lock(mutex_);
    joined.swap(joined_);
  }
  if (response.is_null()) return;
  answer_like(leader_, response);
  for (const auto& reply : joined) answer_like(reply, response);
}

std::optional<ReadCoalescer::Lead> ReadCoalescer::join_or_lead(const std::string& key,
                                                               const ipc::Reply& reply) {
  std::lock_guard lock(mutex_);
  if (auto it = open_.find(key); it != open_.end()) {
    if (auto group = it->second.lock(); group && group->join(reply)) {
      ++joined_total_;
      return std::nullopt;
    }
  }
  auto group = std::make_shared<ReadGroup>(*this, key, reply);
  open_[key] = group;
  // The fan-out Reply keeps the group until it is answered (or dropped: then every caller hears
  // the -32603 the Reply sends for an unanswered request).
  ipc::Reply fan(reply.id(), [group](nlohmann::json response) { group->answer(response); });
  return Lead{group, std::move(fan)};
}

std::size_t ReadCoalescer::joined_total() const {
  std::lock_guard lock(mutex_);
  return joined_total_;
}

void ReadCoalescer::close(const std::string& key, const ReadGroup* group) {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(key);
  if (it == open_.end()) return;
  const auto current = it->second.lock();
  if (!current || current.get() == group) open_.erase(it);
}

}  // namespace eport::cardops

#include "cardops/card_context.hpp"

#include <cctype>

#include "ipc/error_codes.hpp"
#include "ipc/params.hpp"
#include "ipc/secure_wipe.hpp"

namespace eport::cardops {

std::chrono::seconds CardContext::card_timeout() const {
  return std::chrono::seconds(service.config.get()->limits.card_timeout_s);
}

void SlotLabels::remember(const std::string& token, const std::vector<drivers::SlotInfo>& slots) {
  std::lock_guard lock(mutex_);
  auto& labels = labels_[token];
  for (const auto& slot : slots) labels[slot.slot] = slot.label;
}

std::string SlotLabels::label(const std::string& token, const std::string& slot) const {
  std::lock_guard lock(mutex_);
  auto t = labels_.find(token);
  if (t == labels_.end()) return "";
  auto s = t->second.find(slot);
  return s == t->second.end() ? "" : s->second;
}

void SlotLabels::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  labels_.erase(token);
}

std::string slot_param(const nlohmann::json& params) {
  auto slot = ipc::required_string(params, "slot");
  const bool ok = slot.size() == 2 && std::isxdigit(static_cast<unsigned char>(slot[0])) &&
                  std::isxdigit(static_cast<unsigned char>(slot[1]));
  if (!ok)
    throw ipc::InvalidParams("'slot' must be a slot id of two hex digits (PIV: 9a, 9c, 9d, 9e, 82-95)");
  for (auto& c : slot) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return slot;
}

void fail(const ipc::Reply& reply, const Failure& failure) {
  if (failure.code != ipc::kApplicationError) return reply.error(failure.code, failure.message);
  reply.fail(failure.reason, failure.message, failure.extra);
}

void wipe(std::string& secret) { ipc::secure_clear(secret); }

}  // namespace eport::cardops

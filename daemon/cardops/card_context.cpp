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
  labels.clear();
  for (const auto& slot : slots) labels[slot.slot] = slot.label;
}

std::string SlotLabels::label(const std::string& token, const std::string& slot) const {
  std::lock_guard lock(mutex_);
  auto t = labels_.find(token);
  if (t == labels_.end()) return "";
  auto s = t->second.find(slot);
  return s == t->second.end() ? "" : s->second;
}

std::vector<drivers::SlotInfo> SlotLabels::slots(const std::string& token) const {
  std::lock_guard lock(mutex_);
  std::vector<drivers::SlotInfo> out;
  const auto t = labels_.find(token);
  if (t != labels_.end())
    for (const auto& [slot, label] : t->second) out.push_back({slot, label, std::nullopt, std::nullopt});
  return out;
}

void SlotLabels::forget(const std::string& token) {
  std::lock_guard lock(mutex_);
  labels_.erase(token);
}

std::string slot_param(const nlohmann::json& params) {
  // A slot is whatever the token's driver lists (token.status `slots`); the token checks it.
  auto slot = ipc::required_string(params, "slot");
  bool ok = !slot.empty() && slot.size() <= 128;
  for (char c : slot) ok = ok && c > ' ' && c < 0x7f;
  if (!ok)
    throw ipc::InvalidParams(
        "'slot' must be a slot id as the token lists it (token.status `slots`), "
        "1 to 128 printable characters without spaces");
  return slot;
}

void fail(const ipc::Reply& reply, const Failure& failure) {
  if (failure.code != ipc::kApplicationError) return reply.error(failure.code, failure.message);
  reply.fail(failure.reason, failure.message, failure.extra);
}

void wipe(std::string& secret) { ipc::secure_clear(secret); }

}  // namespace eport::cardops

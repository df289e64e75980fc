#include "cardops/slot_names.hpp"

#include <strings.h>

#include <eport/driver.h>

#include "ipc/error_codes.hpp"

namespace eport::cardops {

std::vector<drivers::SlotInfo> token_slots(devices::TokenSession& session) {
  if (!session.driver().supports(EPORT_CAP_CERT_LIST)) return {};
  auto listed = session.driver().cert_list(session.handle(), session.channel());
  return listed ? listed.value : std::vector<drivers::SlotInfo>{};
}

std::vector<drivers::SlotInfo> known_or_listed(devices::TokenSession& session,
                                               const std::vector<drivers::SlotInfo>& known) {
  return known.empty() ? token_slots(session) : known;
}

std::optional<std::string> listed_slot(const std::vector<drivers::SlotInfo>& slots, const std::string& slot) {
  for (const auto& s : slots)
    if (s.slot == slot) return s.slot;
  for (const auto& s : slots)
    if (::strcasecmp(s.slot.c_str(), slot.c_str()) == 0) return s.slot;
  return std::nullopt;
}

Failure unknown_slot(const std::string& slot, const std::vector<drivers::SlotInfo>& slots) {
  std::string names;
  for (const auto& s : slots) names += (names.empty() ? "" : ", ") + s.slot;
  Failure failure{"",
                  "'" + slot + "' is not a slot of this token; " +
                      (names.empty() ? std::string("it lists no slots.") : "its slots are: " + names + ".") +
                      " Nothing was sent.",
                  nlohmann::json::object()};
  failure.code = ipc::kInvalidParams;
  failure.extra = {{"slots", nlohmann::json::array()}};
  for (const auto& s : slots) failure.extra["slots"].push_back(s.slot);
  return failure;
}

}  // namespace eport::cardops

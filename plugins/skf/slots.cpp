#include "slots.hpp"

#include <cstdio>

namespace eport::skf {

std::string slot_part(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (c > 0x20 && c < 0x7F && c != '%' && c != '/') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::vector<SlotRef> list_slots(const Device& device) {
  std::vector<SlotRef> slots;
  for (const auto& app_name : device.applications()) {
    Application app(device, app_name);
    for (const auto& container : app.containers()) {
      for (bool sign : {true, false}) {
        SlotRef slot{app_name, container, sign,
                     slot_part(app_name) + "/" + slot_part(container) + (sign ? "/sign" : "/enc")};
        if (slot.id.size() <= kMaxSlotId) slots.push_back(std::move(slot));
      }
    }
  }
  return slots;
}

std::optional<SlotRef> find_slot(const Device& device, const std::string& id) {
  if (id.empty() || id.size() > kMaxSlotId) return std::nullopt;
  for (auto& slot : list_slots(device))
    if (slot.id == id) return slot;
  return std::nullopt;
}

}  // namespace eport::skf

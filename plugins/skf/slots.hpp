#pragma once
// Slots of an SKF token: each container's signing and encryption key pairs are two slots named
// "<application>/<container>/sign" and ".../enc".
#include <optional>
#include <string>
#include <vector>

#include "skf_session.hpp"

namespace eport::skf {

/// Longest slot id the ABI carries (eport_slot_info.slot_id).
constexpr std::size_t kMaxSlotId = 128;

/// One slot of a token.
struct SlotRef {
  std::string application;  ///< application name as the library spells it
  std::string container;    ///< container name as the library spells it
  bool sign = true;         ///< signing (TRUE) or encryption (FALSE) key pair
  std::string id;           ///< "<app>/<container>/sign|enc", names escaped (slot_part)
};

/// A name as part of a slot id: printable ASCII kept, '%', '/' and everything else as %XX
/// (UTF-8 container names stay unambiguous and space-free).
std::string slot_part(const std::string& name);

/// Every slot of the device: for each application, each container, sign then enc. Slots whose
/// id would be longer than kMaxSlotId are left out.
std::vector<SlotRef> list_slots(const Device& device);

/// The slot with this id, or nullopt (-> EPORT_ERR_BAD_ARGS: not a slot of this token).
std::optional<SlotRef> find_slot(const Device& device, const std::string& id);

}  // namespace eport::skf

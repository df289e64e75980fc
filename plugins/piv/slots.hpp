#pragma once
// The PIV key slots the driver knows: the four standard ones and the 20 retired key-management
// slots, with the data object that holds each slot's certificate.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eport::piv {

/// One key slot.
struct Slot {
  uint8_t key_ref = 0;      ///< key reference, e.g. 0x9A; also the slot's name in hex ("9a")
  uint32_t object_tag = 0;  ///< the certificate's data object, e.g. 0x5FC105
  std::string label;        ///< human name, e.g. "PIV Authentication"

  /// The slot's name as the ABI passes it: two lower-case hex digits.
  std::string name() const;
};

/// 9A, 9C, 9D, 9E in that order.
std::vector<Slot> standard_slots();

/// The first `count` retired slots (82, 83, ...; at most 20).
std::vector<Slot> retired_slots(int count);

/// The slot named `name` ("9a" or "9A", "82".."95"); nullopt for anything else.
std::optional<Slot> find_slot(const std::string& name);

}  // namespace eport::piv

#include "slots.hpp"

#include <cctype>

#include "bytes.hpp"

namespace eport::piv {

namespace {
constexpr uint8_t kFirstRetired = 0x82;
constexpr int kRetiredCount = 20;
constexpr uint32_t kFirstRetiredObject = 0x5FC10D;
}  // namespace

std::string Slot::name() const { return to_hex(&key_ref, 1); }

std::vector<Slot> standard_slots() {
  return {
      {0x9A, 0x5FC105, "PIV Authentication"},
      {0x9C, 0x5FC10A, "Digital Signature"},
      {0x9D, 0x5FC10B, "Key Management"},
      {0x9E, 0x5FC101, "Card Authentication"},
  };
}

std::vector<Slot> retired_slots(int count) {
  std::vector<Slot> slots;
  for (int i = 0; i < count && i < kRetiredCount; ++i) {
    slots.push_back({static_cast<uint8_t>(kFirstRetired + i), kFirstRetiredObject + static_cast<uint32_t>(i),
                     "Retired Key Management " + std::to_string(i + 1)});
  }
  return slots;
}

std::optional<Slot> find_slot(const std::string& name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const Slot& slot : standard_slots()) {
    if (slot.name() == lower) return slot;
  }
  for (const Slot& slot : retired_slots(kRetiredCount)) {
    if (slot.name() == lower) return slot;
  }
  return std::nullopt;
}

}  // namespace eport::piv

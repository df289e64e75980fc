#pragma once
/// Command APDU decoding (ISO 7816-4 short and extended cases) and status words.
#include <cstdint>
#include <optional>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// Status words the card answers with.
namespace sw {
/// Success.
constexpr uint16_t ok = 0x9000;
/// Wrong length.
constexpr uint16_t wrong_length = 0x6700;
/// Security status not satisfied (PIN or management key needed).
constexpr uint16_t security_not_satisfied = 0x6982;
/// Authentication method blocked (PIN or PUK blocked).
constexpr uint16_t auth_blocked = 0x6983;
/// Conditions of use not satisfied.
constexpr uint16_t conditions_not_satisfied = 0x6985;
/// Incorrect parameters in the data field.
constexpr uint16_t wrong_data = 0x6A80;
/// Function not supported.
constexpr uint16_t func_not_supported = 0x6A81;
/// File or application not found.
constexpr uint16_t not_found = 0x6A82;
/// Not enough memory.
constexpr uint16_t no_memory = 0x6A84;
/// Incorrect P1 or P2.
constexpr uint16_t wrong_p1p2 = 0x6A86;
/// Referenced data (key reference) not found.
constexpr uint16_t ref_not_found = 0x6A88;
/// Wrong P1/P2 (key reference out of range).
constexpr uint16_t wrong_params = 0x6B00;
/// Instruction not supported.
constexpr uint16_t ins_not_supported = 0x6D00;
/// Class not supported.
constexpr uint16_t cla_not_supported = 0x6E00;
/// Verification failed, `tries` tries left (63Cx).
constexpr uint16_t tries_left(unsigned tries) { return static_cast<uint16_t>(0x63C0 | (tries & 0x0F)); }
}  // namespace sw

/// A decoded command APDU.
struct CommandApdu {
  /// Class byte (bit 0x10 = command chaining).
  uint8_t cla = 0;
  /// Instruction byte.
  uint8_t ins = 0;
  /// Parameter 1.
  uint8_t p1 = 0;
  /// Parameter 2.
  uint8_t p2 = 0;
  /// Command data (empty for cases 1 and 2).
  Bytes data;
  /// Expected response length; absent Le counts as 256, as clients like yubico-piv-tool omit it.
  std::size_t le = 256;
};

/// Decodes a command APDU; nullopt when its length bytes do not add up.
std::optional<CommandApdu> parse_command(const Bytes& apdu);

}  // namespace eport::vcard

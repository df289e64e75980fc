#pragma once
// What PIV status words mean for the driver: tries left, and the ABI status to report.

#include <cstdint>
#include <string>

namespace eport::piv {

/// 9000.
constexpr uint16_t kSwOk = 0x9000;
/// 6A82: file / data object not found (an empty certificate slot).
constexpr uint16_t kSwNotFound = 0x6A82;
/// 6982: security status not satisfied (e.g. no management-key authentication).
constexpr uint16_t kSwSecurityStatus = 0x6982;
/// 6983: authentication method blocked (PIN / PUK blocked).
constexpr uint16_t kSwBlocked = 0x6983;

/// Tries left a verification status word reports: 63Cx -> x, 6983 -> 0, anything else -> -1.
int tries_from_sw(uint16_t sw);

/// True for 6D00 (INS not supported), 6E00 (CLA not supported), 6A81 (function not supported)
/// and 6A86/6B00 (wrong P1/P2): the card does not know the command at all.
bool is_unsupported_sw(uint16_t sw);

/// The ABI status (EPORT_OK / EPORT_ERR_*) for a status word in a context where it is not
/// expected: 9000 -> OK, 6A82 -> NOT_FOUND, 63Cx -> WRONG_PIN, 6983 -> PIN_BLOCKED, unknown
/// commands -> UNSUPPORTED, anything else -> CARD_ERROR.
int32_t status_for_sw(uint16_t sw);

/// "6a82 (not found)" — a status word with its ISO meaning, for log lines and error details.
std::string describe_sw(uint16_t sw);

}  // namespace eport::piv

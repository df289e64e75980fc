#pragma once
// What the driver knows about a PIN or the PUK, where each figure came from, and how that is
// written into the ABI's eport_pin_info (respecting the caller's struct_size).

#include <cstdint>

#include <eport/driver.h>

#include "card_data.hpp"

namespace eport::piv {

/// Figures about one PIN; -1 = unknown, as the ABI has it.
struct PinFigures {
  int tries_left = -1;                      ///< tries before it blocks
  int max_tries = -1;                       ///< tries after a reset
  int is_default = -1;                      ///< 1 default value, 0 changed
  int blocked = -1;                         ///< 1 blocked, 0 not
  uint32_t source = EPORT_SOURCE_NONE;      ///< where tries_left / blocked came from
  uint32_t max_source = EPORT_SOURCE_NONE;  ///< where max_tries came from
};

/// Figures from an empty VERIFY's status word: 63Cx -> x left; 6983 -> blocked; 9000 -> the PIN
/// is verified in this card session: not blocked, but the count is not told (yubico-piv-tool #77).
/// Any other status word -> nullopt-like: source stays EPORT_SOURCE_NONE.
PinFigures figures_from_verify_sw(uint16_t sw);

/// Figures from a 63Cx / 6983 answer to a command that carried the PIN or PUK.
PinFigures figures_from_attempt_sw(uint16_t sw);

/// Figures from GET METADATA of a PIN or the PUK (tag 06 retries, tag 05 default flag).
PinFigures figures_from_metadata(const Metadata& meta);

/// Write `figures` and the PIV length rules (6-8) into `out`, only the fields its struct_size
/// covers. A NULL `out` is ignored.
void write_pin_info(const PinFigures& figures, eport_pin_info* out);

}  // namespace eport::piv

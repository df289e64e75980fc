// Internal to eport_drivers: C out-structs <-> C++ types. Pure functions.
#pragma once

#include <eport/driver.h>

#include "drivers/types.hpp"

namespace eport::drivers {

/// A token-info out-struct with struct_size set and every field unknown ("").
eport_token_info blank_token_info();
/// A PIN-info out-struct with struct_size set and every field unknown (-1 / NONE).
eport_pin_info blank_pin_info();
/// A slot-info out-struct with struct_size set and every field unknown.
eport_slot_info blank_slot_info();

/// C++ view of a token-info the driver filled (strings read up to their array size).
TokenIdentity to_identity(const eport_token_info& info);
/// C++ view of a PIN-info; out-of-range numbers become "unknown".
PinInfo to_pin_info(const eport_pin_info& info);
/// C++ view of a slot-info.
SlotInfo to_slot_info(const eport_slot_info& info);
/// "verify-status", "metadata", "pkcs11-flags", "skf", "config" or "none".
const char* source_name(std::uint32_t source);

}  // namespace eport::drivers

#pragma once
// PROTOCOL.md's PinState, computed from what a driver reports. Pure.

#include <string>

#include <nlohmann/json.hpp>

#include "drivers/types.hpp"

namespace eport::cardops {

/// "ok", "low", "final_try", "blocked" or "unknown" for a driver's PIN figures.
/// Blocked when the driver says so or no try is left; unknown when the tries left are not known.
std::string pin_state_name(const drivers::PinInfo& pin);

/// {"state","tries_left","max_tries","is_default","source"} (nulls for unknown figures).
nlohmann::json pin_state_json(const drivers::PinInfo& pin);

/// The PinState of a credential the driver cannot report at all.
nlohmann::json unknown_pin_state_json();

}  // namespace eport::cardops

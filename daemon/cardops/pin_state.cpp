#include "cardops/pin_state.hpp"

namespace eport::cardops {

std::string pin_state_name(const drivers::PinInfo& pin) {
  if (pin.blocked.value_or(false) || (pin.tries_left && *pin.tries_left <= 0)) return "blocked";
  if (!pin.state.empty() && !pin.tries_left) return pin.state;  // stated without a count (PKCS#11)
  if (!pin.tries_left) return "unknown";
  if (*pin.tries_left == 1) return "final_try";
  if (pin.max_tries && *pin.tries_left < *pin.max_tries) return "low";
  return "ok";
}

namespace {
template <class T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json pin_state_json(const drivers::PinInfo& pin) {
  const bool blocked = pin_state_name(pin) == "blocked";
  return {{"state", pin_state_name(pin)},
          // A blocked PIN has no tries left even when the card only said "blocked".
          {"tries_left", blocked && !pin.tries_left ? nlohmann::json(0) : or_null(pin.tries_left)},
          {"max_tries", or_null(pin.max_tries)},
          {"is_default", or_null(pin.is_default)},
          {"source", pin.source.empty() ? std::string("none") : pin.source}};
}

nlohmann::json unknown_pin_state_json() { return pin_state_json(drivers::PinInfo{}); }

}  // namespace eport::cardops

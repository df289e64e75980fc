#include "drivers/abi_convert.hpp"

#include <cstring>
#include <string>

namespace eport::drivers {

namespace {

// A driver may forget the NUL: never read past the array.
template <std::size_t N>
std::string bounded(const char (&text)[N]) {
  return std::string(text, strnlen(text, N));
}

std::optional<int> count(std::int32_t value) { return value >= 0 ? std::optional<int>(value) : std::nullopt; }

std::optional<bool> tri_state(std::int32_t value) {
  if (value == 0) return false;
  if (value == 1) return true;
  return std::nullopt;
}

}  // namespace

eport_token_info blank_token_info() {
  eport_token_info info;
  std::memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  return info;
}

eport_pin_info blank_pin_info() {
  eport_pin_info info;
  std::memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  info.tries_left = info.max_tries = info.is_default = info.blocked = -1;
  info.min_length = info.max_length = -1;
  info.state = -1;
  info.source = info.max_source = EPORT_SOURCE_NONE;
  return info;
}

eport_slot_info blank_slot_info() {
  eport_slot_info info;
  std::memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  info.has_certificate = info.has_key = -1;
  return info;
}

TokenIdentity to_identity(const eport_token_info& info) {
  // The host pre-fills its whole struct, so the v1.1 members read "" from a v1.0 plug-in.
  return {bounded(info.serial), bounded(info.label), bounded(info.model), bounded(info.manufacturer),
          bounded(info.id),     bounded(info.kind),  bounded(info.reader)};
}

PinInfo to_pin_info(const eport_pin_info& info) {
  PinInfo out;
  out.tries_left = count(info.tries_left);
  out.max_tries = count(info.max_tries);
  out.is_default = tri_state(info.is_default);
  out.blocked = tri_state(info.blocked);
  out.source = source_name(info.source);
  out.max_source = source_name(info.max_source);
  out.min_length = count(info.min_length);
  out.max_length = count(info.max_length);
  switch (info.state) {  // v1.1; a 1.0 plug-in leaves the host's -1
    case EPORT_PIN_STATE_OK: out.state = "ok"; break;
    case EPORT_PIN_STATE_LOW: out.state = "low"; break;
    case EPORT_PIN_STATE_FINAL_TRY: out.state = "final_try"; break;
    case EPORT_PIN_STATE_BLOCKED: out.state = "blocked"; break;
    default: break;
  }
  return out;
}

SlotInfo to_slot_info(const eport_slot_info& info) {
  const std::string long_id = bounded(info.slot_id);  // v1.1: "" from a v1.0 plug-in
  return {long_id.empty() ? bounded(info.slot) : long_id, bounded(info.label),
          tri_state(info.has_certificate), tri_state(info.has_key)};
}

const char* source_name(std::uint32_t source) {
  switch (source) {
    case EPORT_SOURCE_VERIFY_STATUS: return "verify-status";
    case EPORT_SOURCE_METADATA: return "metadata";
    case EPORT_SOURCE_PKCS11_FLAGS: return "pkcs11-flags";
    case EPORT_SOURCE_SKF: return "skf";
    case EPORT_SOURCE_CONFIG: return "config";
    default: return "none";
  }
}

}  // namespace eport::drivers

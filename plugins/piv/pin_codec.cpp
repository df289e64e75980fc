#include "pin_codec.hpp"

namespace eport::piv {

namespace {
constexpr uint8_t kPad = 0xFF;

bool has_pad_byte(const char* pin, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (static_cast<uint8_t>(pin[i]) == kPad) return true;
  }
  return false;
}
}  // namespace

bool is_valid_new_pin(const char* pin, size_t len) {
  return pin != nullptr && len >= kPinMinLength && len <= kPinMaxLength && !has_pad_byte(pin, len);
}

bool is_sendable_pin(const char* pin, size_t len) {
  return pin != nullptr && len >= 1 && len <= kPinMaxLength && !has_pad_byte(pin, len);
}

void append_padded_pin(Bytes& out, const char* pin, size_t len) {
  for (size_t i = 0; i < kPinMaxLength; ++i) {
    out.push_back(i < len ? static_cast<uint8_t>(pin[i]) : kPad);
  }
}

}  // namespace eport::piv

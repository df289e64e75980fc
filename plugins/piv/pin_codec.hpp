#pragma once
// PIV PIN and PUK encoding: at most 8 bytes, padded with FF to exactly 8 (SP 800-73-4 part 2,
// 3.2.1). A new PIN must be 6 to 8 characters, none of them FF.

#include <cstddef>

#include "bytes.hpp"

namespace eport::piv {

/// Shortest PIN / PUK the driver lets a card be given.
constexpr size_t kPinMinLength = 6;
/// Longest PIN / PUK (the padded reference data is 8 bytes).
constexpr size_t kPinMaxLength = 8;

/// True when `pin` may be set as a new PIN or PUK: 6-8 bytes, no FF (the padding byte).
bool is_valid_new_pin(const char* pin, size_t len);

/// True when `pin` can be sent at all: 1-8 bytes, no FF. A longer value cannot be right, and
/// sending it would spend a try for nothing.
bool is_sendable_pin(const char* pin, size_t len);

/// Append `pin` padded with FF to 8 bytes (the caller checked is_sendable_pin).
void append_padded_pin(Bytes& out, const char* pin, size_t len);

}  // namespace eport::piv

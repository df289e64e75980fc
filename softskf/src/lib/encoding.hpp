#pragma once
// Hex and base64 for the state file.
#include <string>

#include <eport/softskf/state.hpp>

namespace eport::softskf {

/// Lower-case hex.
std::string to_hex(const Bytes& bytes);
/// Parses hex (even length, 0-9a-fA-F); throws std::runtime_error otherwise.
Bytes from_hex(const std::string& text);
/// Standard base64 without line breaks.
std::string to_base64(const Bytes& bytes);
/// Parses base64 (no whitespace); throws std::runtime_error when malformed.
Bytes from_base64(const std::string& text);

}  // namespace eport::softskf

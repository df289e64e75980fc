#pragma once
// Hex for the state file, logs and `show`: eport-vcard's one encoder (private to vcard/src).
#include <cstddef>
#include <cstdint>
#include <string>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// Lower-case hex of `size` bytes at `data`.
std::string to_hex(const uint8_t* data, std::size_t size);
/// Lower-case hex of `data`.
std::string to_hex(const Bytes& data);
/// Parses hex (whitespace and ':' ignored); throws std::invalid_argument on bad input.
Bytes from_hex(const std::string& text);

}  // namespace eport::vcard

#pragma once
// Hex encoding for the state file and logs (private to vcard/src).
#include <string>

#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// Lower-case hex of `data`.
std::string to_hex(const Bytes& data);
/// Parses hex (whitespace and ':' ignored); throws std::invalid_argument on bad input.
Bytes from_hex(const std::string& text);

}  // namespace eport::vcard

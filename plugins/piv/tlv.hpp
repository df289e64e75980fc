#pragma once
// BER-TLV as PIV uses it (SP 800-73-4 part 2 and ISO 7816-4): tags of one to three bytes,
// definite lengths in one (00-7F), two (81 xx) or three (82 xx xx) bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bytes.hpp"

namespace eport::piv {

/// One decoded TLV: the tag as a big-endian number (e.g. 0x5FC105) and a view of its value.
struct Tlv {
  uint32_t tag = 0;                ///< tag bytes as a number, e.g. 0x53, 0x5FC105, 0x7F49
  const uint8_t* value = nullptr;  ///< first value byte (inside the decoded buffer)
  size_t length = 0;               ///< value length
  size_t total = 0;                ///< bytes of tag + length + value

  /// A copy of the value bytes.
  Bytes value_bytes() const { return Bytes(value, value + length); }
};

/// Append the BER length encoding of `length` (1, 2 or 3 bytes; up to 0xFFFF).
void append_length(Bytes& out, size_t length);

/// Append tag (1-3 bytes, big-endian, no leading zero bytes) + length + value.
void append_tlv(Bytes& out, uint32_t tag, const uint8_t* value, size_t length);
/// Append tag + length + value.
inline void append_tlv(Bytes& out, uint32_t tag, const Bytes& value) {
  append_tlv(out, tag, value.data(), value.size());
}

/// Decode the TLV at the start of [data, data+len). nullopt when the tag or length is malformed
/// or the value runs past the end.
std::optional<Tlv> decode_tlv(const uint8_t* data, size_t len);

/// Decode a sequence of TLVs filling [data, data+len) exactly. nullopt when any is malformed.
std::optional<std::vector<Tlv>> decode_tlv_list(const uint8_t* data, size_t len);

/// Find the first TLV with `tag` among `list`; nullptr when absent.
const Tlv* find_tlv(const std::vector<Tlv>& list, uint32_t tag);

}  // namespace eport::piv

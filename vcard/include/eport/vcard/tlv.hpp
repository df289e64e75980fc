#pragma once
/// BER-TLV helpers for the simple tag/length/value layouts PIV uses (1-3 byte tags, short
/// and long-form lengths up to 0xFFFF).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace eport::vcard {

/// Byte string used for APDUs, TLV values and keys.
using Bytes = std::vector<uint8_t>;

/// One parsed TLV: the tag (up to three bytes, big-endian) and its value.
struct Tlv {
  /// Tag as an integer, e.g. 0x7C, 0x5FC105.
  uint32_t tag = 0;
  /// Value bytes.
  Bytes value;
};

/// Appends a BER length (short form, 81 xx or 82 xx xx).
void append_length(Bytes& out, std::size_t length);

/// Appends tag, length and value; the tag is written with as many bytes as it needs.
void append_tlv(Bytes& out, uint32_t tag, const Bytes& value);

/// Returns tag, length and value as a new byte string.
Bytes make_tlv(uint32_t tag, const Bytes& value);

/// Parses a sequence of TLVs filling exactly `data`; nullopt when malformed.
std::optional<std::vector<Tlv>> parse_tlvs(const Bytes& data);

/// Parses one TLV at `pos`, advancing it; nullopt when malformed or past the end.
std::optional<Tlv> parse_tlv(const Bytes& data, std::size_t& pos);

/// Finds the first TLV with `tag` in `tlvs`, or nullptr.
const Tlv* find_tlv(const std::vector<Tlv>& tlvs, uint32_t tag);

}  // namespace eport::vcard

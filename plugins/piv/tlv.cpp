#include "tlv.hpp"

namespace eport::piv {

void append_length(Bytes& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
  } else if (length <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(length));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(length >> 8));
    out.push_back(static_cast<uint8_t>(length & 0xFF));
  }
}

void append_tlv(Bytes& out, uint32_t tag, const uint8_t* value, size_t length) {
  if (tag > 0xFFFF) out.push_back(static_cast<uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<uint8_t>(tag >> 8));
  out.push_back(static_cast<uint8_t>(tag & 0xFF));
  append_length(out, length);
  out.insert(out.end(), value, value + length);
}

namespace {

/// Reads a tag at data[pos]; a low five bits of 1F means more bytes follow while bit 8 is set.
std::optional<uint32_t> read_tag(const uint8_t* data, size_t len, size_t& pos) {
  if (pos >= len) return std::nullopt;
  uint32_t tag = data[pos++];
  if ((tag & 0x1F) != 0x1F) return tag;
  for (int extra = 0; extra < 2; ++extra) {
    if (pos >= len) return std::nullopt;
    const uint8_t byte = data[pos++];
    tag = (tag << 8) | byte;
    if ((byte & 0x80) == 0) return tag;
  }
  return std::nullopt;  // tags longer than three bytes do not occur in PIV
}

std::optional<size_t> read_length(const uint8_t* data, size_t len, size_t& pos) {
  if (pos >= len) return std::nullopt;
  const uint8_t first = data[pos++];
  if (first < 0x80) return first;
  const size_t count = first & 0x7F;
  if (count == 0 || count > 2 || pos + count > len) return std::nullopt;
  size_t length = 0;
  for (size_t i = 0; i < count; ++i) length = (length << 8) | data[pos++];
  return length;
}

}  // namespace

std::optional<Tlv> decode_tlv(const uint8_t* data, size_t len) {
  size_t pos = 0;
  const auto tag = read_tag(data, len, pos);
  if (!tag) return std::nullopt;
  const auto length = read_length(data, len, pos);
  if (!length || *length > len - pos) return std::nullopt;
  Tlv tlv;
  tlv.tag = *tag;
  tlv.value = data + pos;
  tlv.length = *length;
  tlv.total = pos + *length;
  return tlv;
}

std::optional<std::vector<Tlv>> decode_tlv_list(const uint8_t* data, size_t len) {
  std::vector<Tlv> list;
  size_t pos = 0;
  while (pos < len) {
    const auto tlv = decode_tlv(data + pos, len - pos);
    if (!tlv) return std::nullopt;
    list.push_back(*tlv);
    pos += tlv->total;
  }
  return list;
}

const Tlv* find_tlv(const std::vector<Tlv>& list, uint32_t tag) {
  for (const Tlv& tlv : list) {
    if (tlv.tag == tag) return &tlv;
  }
  return nullptr;
}

}  // namespace eport::piv

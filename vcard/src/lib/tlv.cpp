#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

void append_length(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
  } else if (length <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(length));
  } else {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(length >> 8));
    out.push_back(static_cast<uint8_t>(length));
  }
}

void append_tlv(Bytes& out, uint32_t tag, const Bytes& value) {
  if (tag > 0xFFFF) out.push_back(static_cast<uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<uint8_t>(tag >> 8));
  out.push_back(static_cast<uint8_t>(tag));
  append_length(out, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

Bytes make_tlv(uint32_t tag, const Bytes& value) {
  Bytes out;
  append_tlv(out, tag, value);
  return out;
}

std::optional<Tlv> parse_tlv(const Bytes& data, std::size_t& pos) {
  if (pos >= data.size()) return std::nullopt;
  Tlv tlv;
  uint8_t first = data[pos++];
  tlv.tag = first;
  // Multi-byte tags: low five bits all set, continuation while bit 8 is set.
  if ((first & 0x1F) == 0x1F) {
    do {
      if (pos >= data.size() || tlv.tag > 0xFFFF) return std::nullopt;
      tlv.tag = (tlv.tag << 8) | data[pos];
    } while (data[pos++] & 0x80);
  }
  if (pos >= data.size()) return std::nullopt;
  std::size_t length = data[pos++];
  if (length == 0x81 || length == 0x82) {
    std::size_t count = length - 0x80;
    if (pos + count > data.size()) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | data[pos++];
  } else if (length > 0x80) {
    return std::nullopt;
  }
  if (length > data.size() - pos) return std::nullopt;
  tlv.value.assign(data.begin() + static_cast<std::ptrdiff_t>(pos),
                   data.begin() + static_cast<std::ptrdiff_t>(pos + length));
  pos += length;
  return tlv;
}

std::optional<std::vector<Tlv>> parse_tlvs(const Bytes& data) {
  std::vector<Tlv> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    auto tlv = parse_tlv(data, pos);
    if (!tlv) return std::nullopt;
    out.push_back(std::move(*tlv));
  }
  return out;
}

const Tlv* find_tlv(const std::vector<Tlv>& tlvs, uint32_t tag) {
  for (const auto& tlv : tlvs) {
    if (tlv.tag == tag) return &tlv;
  }
  return nullptr;
}

}  // namespace eport::vcard

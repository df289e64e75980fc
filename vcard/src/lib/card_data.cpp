// GET DATA and PUT DATA.
#include <optional>

#include <eport/vcard/card.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

namespace {

constexpr uint32_t kDiscoveryTag = 0x7E;

// Discovery object: PIV AID, PIN usage policy "PIV PIN only" (40 00).
const Bytes& discovery_object() {
  static const Bytes object{0x7E, 0x12, 0x4F, 0x0B, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00,
                            0x00, 0x10, 0x00, 0x01, 0x00, 0x5F, 0x2F, 0x02, 0x40, 0x00};
  return object;
}

// Reads the `5C <tag>` tag list at the front of GET/PUT DATA; advances pos.
std::optional<uint32_t> object_tag(const Bytes& data, std::size_t& pos) {
  auto tlv = parse_tlv(data, pos);
  if (!tlv || tlv->tag != 0x5C || tlv->value.empty() || tlv->value.size() > 3) return std::nullopt;
  uint32_t tag = 0;
  for (uint8_t b : tlv->value) tag = tag << 8 | b;
  return tag;
}

// Changes one byte of a stored `53 L ...` object: the last byte of the certificate in its tag 70
// (the end of the signature: the DER still parses, it just is not what was written), else the
// object's last byte.
void corrupt_one_byte(Bytes& object) {
  std::size_t pos = 0;
  auto outer = parse_tlv(object, pos);
  if (!outer || outer->value.empty()) return;
  std::size_t target = object.size() - 1;
  std::size_t inner_pos = 0;
  if (auto first = parse_tlv(outer->value, inner_pos); first && first->tag == 0x70 && !first->value.empty())
    target = (object.size() - outer->value.size()) + inner_pos - 1;
  object[target] ^= 0x01;
}

}  // namespace

Card::Response Card::get_data(const CommandApdu& cmd) {
  if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) return {{}, sw::wrong_p1p2};
  std::size_t pos = 0;
  auto tag = object_tag(cmd.data, pos);
  if (!tag || pos != cmd.data.size()) return {{}, sw::wrong_data};
  if (*tag == kDiscoveryTag) return {discovery_object(), sw::ok};
  // OpenSC probes these after a 63Cx to learn whether the PIN is verified.
  if (piv::is_pin_protected_object(*tag) && !pin_verified_) return {{}, sw::security_not_satisfied};
  auto it = state_.objects.find(*tag);
  if (it == state_.objects.end()) return {{}, sw::not_found};
  return {it->second, sw::ok};
}

Card::Response Card::put_data(const CommandApdu& cmd) {
  if (cmd.p1 != 0x3F || cmd.p2 != 0xFF) return {{}, sw::wrong_p1p2};
  if (!mgmt_authenticated_) return {{}, sw::security_not_satisfied};
  std::size_t pos = 0;
  auto tag = object_tag(cmd.data, pos);
  if (!tag || *tag == kDiscoveryTag) return {{}, sw::wrong_data};
  std::size_t start = pos;
  auto body = parse_tlv(cmd.data, pos);
  if (!body || body->tag != 0x53 || pos != cmd.data.size()) return {{}, sw::wrong_data};
  if (body->value.empty()) {
    state_.objects.erase(*tag);
  } else {
    Bytes stored(cmd.data.begin() + static_cast<std::ptrdiff_t>(start), cmd.data.end());
    if (corrupt_writes_ != 0) {
      corrupt_one_byte(stored);
      if (corrupt_writes_ > 0) --corrupt_writes_;
    }
    state_.objects[*tag] = std::move(stored);
  }
  mark_dirty();
  return {{}, sw::ok};
}

}  // namespace eport::vcard

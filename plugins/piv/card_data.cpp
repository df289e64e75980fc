#include "card_data.hpp"

#include <algorithm>

#include "tlv.hpp"

namespace eport::piv {

namespace {
constexpr uint32_t kTagObject = 0x53;
constexpr int kRetiredSlots = 20;

/// The TLV list inside a `53 L ...` container; nullopt when it is not one.
std::optional<std::vector<Tlv>> object_content(const Bytes& object) {
  const auto outer = decode_tlv(object.data(), object.size());
  if (!outer || outer->tag != kTagObject) return std::nullopt;
  return decode_tlv_list(outer->value, outer->length);
}

bool all_zero(const Tlv& tlv) {
  return std::all_of(tlv.value, tlv.value + tlv.length, [](uint8_t b) { return b == 0; });
}

int first_byte(const Tlv* tlv) { return tlv != nullptr && tlv->length >= 1 ? tlv->value[0] : -1; }
}  // namespace

std::string serial_from_chuid(const Bytes& object) {
  const auto content = object_content(object);
  if (!content) return "";
  const Tlv* guid = find_tlv(*content, 0x34);
  if (guid != nullptr && guid->length > 0 && !all_zero(*guid)) {
    return to_hex(guid->value, guid->length);
  }
  const Tlv* fascn = find_tlv(*content, 0x30);
  if (fascn != nullptr && fascn->length > 0 && !all_zero(*fascn)) {
    return to_hex(fascn->value, fascn->length);
  }
  return "";
}

std::optional<KeyHistory> parse_key_history(const Bytes& object) {
  const auto content = object_content(object);
  if (!content) return std::nullopt;
  KeyHistory history;
  history.on_card_certs = std::clamp(first_byte(find_tlv(*content, 0xC1)), 0, kRetiredSlots);
  history.off_card_certs = std::clamp(first_byte(find_tlv(*content, 0xC2)), 0, kRetiredSlots);
  return history;
}

std::optional<Metadata> parse_metadata(const Bytes& data) {
  const auto list = decode_tlv_list(data.data(), data.size());
  if (!list) return std::nullopt;
  Metadata meta;
  meta.algorithm = first_byte(find_tlv(*list, 0x01));
  if (const Tlv* policy = find_tlv(*list, 0x02); policy != nullptr && policy->length >= 2) {
    meta.pin_policy = policy->value[0];
    meta.touch_policy = policy->value[1];
  }
  meta.origin = first_byte(find_tlv(*list, 0x03));
  if (const Tlv* key = find_tlv(*list, 0x04)) meta.public_key = key->value_bytes();
  const int is_default = first_byte(find_tlv(*list, 0x05));
  meta.is_default = is_default < 0 ? -1 : (is_default != 0 ? 1 : 0);
  if (const Tlv* retries = find_tlv(*list, 0x06); retries != nullptr && retries->length >= 2) {
    meta.retries_total = retries->value[0];
    meta.retries_left = retries->value[1];
  }
  return meta;
}

std::string serial_from_f8(const Bytes& data) {
  if (data.size() != 4) return "";
  return to_hex(data);
}

}  // namespace eport::piv

// GENERATE ASYMMETRIC KEY PAIR, YubiKey IMPORT KEY (FE) and GET METADATA (F7).
#include <eport/vcard/card.hpp>
#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

namespace {

constexpr uint8_t kTouchNever = 0x01;

bool supported_key_algorithm(uint8_t algorithm) { return piv::is_rsa(algorithm) || piv::is_ec(algorithm); }

// Reads the optional AA (PIN policy) and AB (touch policy) values; false when out of range.
bool read_policies(const std::vector<Tlv>& tlvs, SlotKey& key) {
  if (const Tlv* t = find_tlv(tlvs, 0xAA)) {
    if (t->value.size() != 1 || t->value[0] > piv::pin_policy::always) return false;
    key.pin_policy = t->value[0];
  }
  if (const Tlv* t = find_tlv(tlvs, 0xAB)) {
    if (t->value.size() != 1 || t->value[0] > 0x03) return false;
    key.touch_policy = t->value[0];
  }
  return true;
}

Bytes single(uint8_t b) { return Bytes{b}; }

}  // namespace

Card::Response Card::generate(const CommandApdu& cmd) {
  if (cmd.p1 != 0x00) return {{}, sw::wrong_p1p2};
  if (!piv::is_key_slot(cmd.p2)) return {{}, sw::wrong_params};
  if (!mgmt_authenticated_) return {{}, sw::security_not_satisfied};
  auto outer = parse_tlvs(cmd.data);
  if (!outer || outer->size() != 1 || (*outer)[0].tag != 0xAC) return {{}, sw::wrong_data};
  auto tlvs = parse_tlvs((*outer)[0].value);
  if (!tlvs) return {{}, sw::wrong_data};
  const Tlv* alg = find_tlv(*tlvs, 0x80);
  if (alg == nullptr || alg->value.size() != 1 || !supported_key_algorithm(alg->value[0])) {
    return {{}, sw::wrong_data};
  }
  SlotKey key;
  key.algorithm = alg->value[0];
  key.origin = piv::origin_generated;
  if (!read_policies(*tlvs, key)) return {{}, sw::wrong_data};
  key.private_der = generate_private_key(key.algorithm);
  Bytes response = make_tlv(0x7F49, public_key_tlvs(key.private_der));
  state_.keys[cmd.p2] = std::move(key);
  mark_dirty();
  return {response, sw::ok};
}

Card::Response Card::import_key(const CommandApdu& cmd) {
  if (!piv::is_key_slot(cmd.p2)) return {{}, sw::wrong_params};
  if (!mgmt_authenticated_) return {{}, sw::security_not_satisfied};
  if (!supported_key_algorithm(cmd.p1)) return {{}, sw::wrong_p1p2};
  auto tlvs = parse_tlvs(cmd.data);
  if (!tlvs) return {{}, sw::wrong_data};
  SlotKey key;
  key.algorithm = cmd.p1;
  key.origin = piv::origin_imported;
  if (!read_policies(*tlvs, key)) return {{}, sw::wrong_data};
  std::optional<Bytes> der;
  if (piv::is_rsa(cmd.p1)) {
    const Tlv* parts[5];
    for (uint32_t tag = 1; tag <= 5; ++tag) {
      parts[tag - 1] = find_tlv(*tlvs, tag);
      if (parts[tag - 1] == nullptr || parts[tag - 1]->value.empty()) return {{}, sw::wrong_data};
    }
    der = import_rsa_key(parts[0]->value, parts[1]->value, parts[2]->value, parts[3]->value, parts[4]->value);
  } else {
    const Tlv* scalar = find_tlv(*tlvs, 0x06);
    std::size_t field = cmd.p1 == piv::alg::p384 ? 48 : 32;
    if (scalar == nullptr || scalar->value.size() != field) return {{}, sw::wrong_data};
    der = import_ec_key(cmd.p1, scalar->value);
  }
  // The key must really be of the algorithm P1 announced (e.g. 2048-bit for 07).
  if (!der || key_algorithm(*der) != cmd.p1) return {{}, sw::wrong_data};
  key.private_der = std::move(*der);
  state_.keys[cmd.p2] = std::move(key);
  mark_dirty();
  return {{}, sw::ok};
}

Card::Response Card::metadata(const CommandApdu& cmd) {
  if (cmd.p1 != 0x00) return {{}, sw::wrong_p1p2};
  Bytes out;
  if (cmd.p2 == piv::ref_pin || cmd.p2 == piv::ref_puk) {
    const Credential& c = cmd.p2 == piv::ref_pin ? state_.pin : state_.puk;
    append_tlv(out, 0x01, single(piv::alg::pin));
    append_tlv(out, 0x05, single(c.hash == c.default_hash ? 1 : 0));
    append_tlv(out, 0x06, {c.max_tries, c.remaining});
    return {out, sw::ok};
  }
  if (cmd.p2 == piv::ref_management_key) {
    bool is_default = state_.management_algorithm == piv::alg::tdes &&
                      state_.management_key == piv::default_management_key();
    append_tlv(out, 0x01, single(state_.management_algorithm));
    append_tlv(out, 0x02, {0x00, kTouchNever});
    append_tlv(out, 0x05, single(is_default ? 1 : 0));
    return {out, sw::ok};
  }
  if (!piv::is_key_slot(cmd.p2)) return {{}, sw::ref_not_found};
  auto it = state_.keys.find(cmd.p2);
  if (it == state_.keys.end()) return {{}, sw::ref_not_found};
  const SlotKey& key = it->second;
  uint8_t pin_policy = key.pin_policy != 0 ? key.pin_policy : piv::default_pin_policy(cmd.p2);
  uint8_t touch = key.touch_policy != 0 ? key.touch_policy : kTouchNever;
  append_tlv(out, 0x01, single(key.algorithm));
  append_tlv(out, 0x02, {pin_policy, touch});
  append_tlv(out, 0x03, single(key.origin));
  append_tlv(out, 0x04, public_key_tlvs(key.private_der));
  return {out, sw::ok};
}

}  // namespace eport::vcard

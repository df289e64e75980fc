// GENERAL AUTHENTICATE: management-key authentication and private-key operations.
#include <eport/vcard/card.hpp>
#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

namespace {

// The response template `7C L <tag> L <value>` clients parse at fixed offsets.
Bytes dynamic_template(uint32_t tag, const Bytes& value) { return make_tlv(0x7C, make_tlv(tag, value)); }

struct AuthFields {
  const Tlv* witness = nullptr;    // 80
  const Tlv* challenge = nullptr;  // 81
  const Tlv* response = nullptr;   // 82
  const Tlv* exponent = nullptr;   // 85
};

AuthFields fields_of(const std::vector<Tlv>& tlvs) {
  return {find_tlv(tlvs, 0x80), find_tlv(tlvs, 0x81), find_tlv(tlvs, 0x82), find_tlv(tlvs, 0x85)};
}

bool has_value(const Tlv* t) { return t != nullptr && !t->value.empty(); }
bool is_request(const Tlv* t) { return t != nullptr && t->value.empty(); }

}  // namespace

Card::Response Card::general_authenticate(const CommandApdu& cmd) {
  auto outer = parse_tlvs(cmd.data);
  if (!outer || outer->size() != 1 || (*outer)[0].tag != 0x7C) return {{}, sw::wrong_data};
  auto inner = parse_tlvs((*outer)[0].value);
  if (!inner) return {{}, sw::wrong_data};
  if (cmd.p2 == piv::ref_management_key) return management_auth(cmd, *inner);
  if (piv::is_key_slot(cmd.p2)) return private_key_operation(cmd, *inner);
  return {{}, sw::wrong_params};
}

Card::Response Card::management_auth(const CommandApdu& cmd, const std::vector<Tlv>& tlvs) {
  if (cmd.p1 != state_.management_algorithm) return {{}, sw::wrong_data};
  const std::size_t block = piv::management_block_size(state_.management_algorithm);
  const Bytes& key = state_.management_key;
  AuthFields f = fields_of(tlvs);
  PendingAuth pending = std::move(pending_auth_);
  pending_auth_ = {};

  if (is_request(f.witness) && f.challenge == nullptr && f.response == nullptr) {
    // Mutual step 1: the card encrypts a witness; the host must decrypt it.
    mgmt_authenticated_ = false;
    pending_auth_ = {PendingAuth::Kind::witness, random_bytes(block)};
    return {dynamic_template(0x80, management_encrypt(state_.management_algorithm, key, pending_auth_.value)),
            sw::ok};
  }
  if (has_value(f.witness) && has_value(f.challenge)) {
    // Mutual step 2: check the decrypted witness, then prove the card knows the key too.
    if (pending.kind != PendingAuth::Kind::witness || f.witness->value != pending.value ||
        f.challenge->value.size() != block) {
      mgmt_authenticated_ = false;
      return {{}, sw::security_not_satisfied};
    }
    mgmt_authenticated_ = true;
    return {dynamic_template(0x82, management_encrypt(state_.management_algorithm, key, f.challenge->value)),
            sw::ok};
  }
  if (is_request(f.challenge) && !has_value(f.witness) && f.response == nullptr) {
    // Single auth step 1: the host gets a plain challenge to encrypt.
    mgmt_authenticated_ = false;
    pending_auth_ = {PendingAuth::Kind::challenge, random_bytes(block)};
    return {dynamic_template(0x81, pending_auth_.value), sw::ok};
  }
  if (has_value(f.response) && !has_value(f.witness) && !has_value(f.challenge)) {
    bool ok = pending.kind == PendingAuth::Kind::challenge &&
              f.response->value == management_encrypt(state_.management_algorithm, key, pending.value);
    mgmt_authenticated_ = ok;
    return {{}, ok ? sw::ok : sw::security_not_satisfied};
  }
  mgmt_authenticated_ = false;
  return {{}, sw::wrong_data};
}

bool Card::key_use_allowed(uint8_t slot, const SlotKey& key) {
  uint8_t policy =
      key.pin_policy != piv::pin_policy::default_policy ? key.pin_policy : piv::default_pin_policy(slot);
  if (policy == piv::pin_policy::never) return true;
  if (policy == piv::pin_policy::always) return pin_verified_ && pin_fresh_;
  return pin_verified_;
}

Card::Response Card::private_key_operation(const CommandApdu& cmd, const std::vector<Tlv>& tlvs) {
  auto it = state_.keys.find(cmd.p2);
  if (it == state_.keys.end()) return {{}, sw::ref_not_found};
  const SlotKey& key = it->second;
  if (cmd.p1 != key.algorithm) return {{}, sw::wrong_data};
  AuthFields f = fields_of(tlvs);
  if (!is_request(f.response) || (!has_value(f.challenge) && !has_value(f.exponent))) {
    return {{}, sw::wrong_data};
  }
  if (!key_use_allowed(cmd.p2, key)) return {{}, sw::security_not_satisfied};
  std::optional<Bytes> result;
  if (piv::is_rsa(key.algorithm) && has_value(f.challenge)) {
    result = rsa_raw_private(key.private_der, f.challenge->value);
  } else if (piv::is_ec(key.algorithm) && has_value(f.challenge)) {
    result = ecdsa_sign_digest(key.private_der, f.challenge->value);
  } else if (piv::is_ec(key.algorithm) && has_value(f.exponent)) {
    result = ecdh_derive(key.private_der, f.exponent->value);
  }
  if (!result) return {{}, sw::wrong_data};
  // A PIN-always key needs a new VERIFY before its next use.
  pin_fresh_ = false;
  return {dynamic_template(0x82, *result), sw::ok};
}

}  // namespace eport::vcard

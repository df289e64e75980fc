// YubiKey administration: SET MANAGEMENT KEY (FF), SET PIN RETRIES (FA), RESET (FB).
#include <eport/vcard/card.hpp>
#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

Card::Response Card::set_management_key(const CommandApdu& cmd) {
  // P1 FF; P2 FF (no touch) or FE (touch, accepted and ignored).
  if (cmd.p1 != 0xFF || (cmd.p2 != 0xFF && cmd.p2 != 0xFE)) return {{}, sw::wrong_p1p2};
  if (!mgmt_authenticated_) return {{}, sw::security_not_satisfied};
  // Data: algorithm, then 9B L key.
  if (cmd.data.size() < 3 || cmd.data[1] != piv::ref_management_key) return {{}, sw::wrong_data};
  uint8_t algorithm = cmd.data[0];
  std::size_t length = piv::management_key_length(algorithm);
  if (length == 0 || cmd.data[2] != length || cmd.data.size() != 3 + length) {
    return {{}, sw::wrong_data};
  }
  state_.management_algorithm = algorithm;
  state_.management_key.assign(cmd.data.begin() + 3, cmd.data.end());
  mark_dirty();
  return {{}, sw::ok};
}

Card::Response Card::set_retries(const CommandApdu& cmd) {
  if (!mgmt_authenticated_ || !pin_verified_) return {{}, sw::security_not_satisfied};
  if (cmd.p1 == 0 || cmd.p2 == 0 || cmd.p1 > 15 || cmd.p2 > 15) return {{}, sw::wrong_p1p2};
  // As on a YubiKey: new counts, and PIN and PUK back to their defaults.
  state_.pin.max_tries = state_.pin.remaining = cmd.p1;
  state_.puk.max_tries = state_.puk.remaining = cmd.p2;
  state_.pin.hash = state_.pin.default_hash;
  state_.puk.hash = state_.puk.default_hash;
  pin_verified_ = false;
  pin_fresh_ = false;
  mark_dirty();
  return {{}, sw::ok};
}

Card::Response Card::factory_reset(const CommandApdu& cmd) {
  (void)cmd;
  if (state_.pin.remaining != 0 || state_.puk.remaining != 0) {
    return {{}, sw::conditions_not_satisfied};
  }
  CardState fresh = std::move(state_);
  fresh.pin.hash = fresh.pin.default_hash;
  fresh.puk.hash = fresh.puk.default_hash;
  fresh.pin.max_tries = fresh.pin.remaining = 3;
  fresh.puk.max_tries = fresh.puk.remaining = 3;
  fresh.management_algorithm = piv::alg::tdes;
  fresh.management_key = piv::default_management_key();
  fresh.keys.clear();
  fresh.objects.clear();
  fresh.objects[0x5FC102] = make_chuid(fresh.serial, clock_());
  fresh.objects[0x5FC107] = make_ccc(fresh.serial);
  state_ = std::move(fresh);
  clear_volatile();
  mark_dirty();
  return {{}, sw::ok};
}

}  // namespace eport::vcard

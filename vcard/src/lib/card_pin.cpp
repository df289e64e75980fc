// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER.
#include <eport/vcard/card.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

namespace {

// A PIN/PUK field is 6-8 bytes padded to 8 with FF, and nothing but FF after the padding.
bool well_formed(const Bytes& padded) {
  if (padded.size() != 8) return false;
  std::size_t length = 0;
  while (length < 8 && padded[length] != 0xFF) ++length;
  for (std::size_t i = length; i < 8; ++i) {
    if (padded[i] != 0xFF) return false;
  }
  return length >= 6;
}

Bytes slice(const Bytes& data, std::size_t from, std::size_t count) {
  return Bytes(data.begin() + static_cast<std::ptrdiff_t>(from),
               data.begin() + static_cast<std::ptrdiff_t>(from + count));
}

}  // namespace

uint16_t Card::check_credential(Credential& cred, const Bytes& padded) {
  if (cred.remaining == 0) return sw::auth_blocked;
  if (credential_hash(state_.salt, padded) == cred.hash) {
    if (cred.remaining != cred.max_tries) {
      cred.remaining = cred.max_tries;
      mark_dirty();
    }
    return sw::ok;
  }
  --cred.remaining;
  mark_dirty();
  return sw::tries_left(cred.remaining);
}

Card::Response Card::verify(const CommandApdu& cmd) {
  if (cmd.p1 == 0xFF && cmd.data.empty()) {
    pin_verified_ = false;
    pin_fresh_ = false;
    return {{}, sw::ok};
  }
  if (cmd.p1 != 0x00) return {{}, sw::wrong_p1p2};
  if (cmd.p2 != piv::ref_pin) return {{}, sw::ref_not_found};
  Credential& pin = state_.pin;
  if (cmd.data.empty()) {
    // Status query: costs no try.
    if (pin_verified_) return {{}, sw::ok};
    if (pin.remaining == 0) return {{}, sw::auth_blocked};
    return {{}, sw::tries_left(pin.remaining)};
  }
  if (cmd.data.size() != 8) return {{}, sw::wrong_data};
  uint16_t result = check_credential(pin, cmd.data);
  pin_verified_ = result == sw::ok;
  pin_fresh_ = pin_verified_;
  return {{}, result};
}

Card::Response Card::change_reference(const CommandApdu& cmd) {
  if (cmd.p1 != 0x00) return {{}, sw::wrong_p1p2};
  if (cmd.p2 != piv::ref_pin && cmd.p2 != piv::ref_puk) return {{}, sw::ref_not_found};
  if (cmd.data.size() != 16) return {{}, sw::wrong_data};
  Bytes old_value = slice(cmd.data, 0, 8);
  Bytes new_value = slice(cmd.data, 8, 8);
  // A malformed new value is refused before the old one is checked: it costs no try.
  if (!well_formed(new_value)) return {{}, sw::wrong_data};
  bool is_pin = cmd.p2 == piv::ref_pin;
  Credential& cred = is_pin ? state_.pin : state_.puk;
  uint16_t result = check_credential(cred, old_value);
  if (result != sw::ok) {
    if (is_pin) pin_verified_ = false;
    return {{}, result};
  }
  cred.hash = credential_hash(state_.salt, new_value);
  cred.remaining = cred.max_tries;
  mark_dirty();
  if (is_pin) pin_verified_ = true;
  return {{}, sw::ok};
}

Card::Response Card::reset_retry_counter(const CommandApdu& cmd) {
  if (cmd.p1 != 0x00) return {{}, sw::wrong_p1p2};
  if (cmd.p2 != piv::ref_pin) return {{}, sw::ref_not_found};
  if (cmd.data.size() != 16) return {{}, sw::wrong_data};
  Bytes new_pin = slice(cmd.data, 8, 8);
  if (!well_formed(new_pin)) return {{}, sw::wrong_data};
  uint16_t result = check_credential(state_.puk, slice(cmd.data, 0, 8));
  if (result != sw::ok) return {{}, result};
  state_.pin.hash = credential_hash(state_.salt, new_pin);
  state_.pin.remaining = state_.pin.max_tries;
  pin_verified_ = false;
  mark_dirty();
  return {{}, sw::ok};
}

}  // namespace eport::vcard

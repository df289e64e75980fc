#include <eport/vcard/card.hpp>

#include <algorithm>

#include <eport/vcard/key_crypto.hpp>
#include <eport/vcard/piv.hpp>

namespace eport::vcard {

namespace {

// Commands may be chained up to this size (a YubiKey object is at most ~3 KB; RSA-3072 import
// and certificates fit easily).
constexpr std::size_t kMaxChain = 16384;
// pcscd's receive buffer: never more than 256 data bytes in one response.
constexpr std::size_t kMaxChunk = 256;

Bytes status(uint16_t sw) { return {static_cast<uint8_t>(sw >> 8), static_cast<uint8_t>(sw)}; }

}  // namespace

Card::Card(CardState state, RandomSource random, Clock clock)
    : state_(std::move(state)), random_(std::move(random)), clock_(std::move(clock)) {
  if (!random_) random_ = system_random;
  if (!clock_) clock_ = [] { return std::time(nullptr); };
}

Bytes Card::atr() {
  // TS 3B, T0 8A (TD1, 10 historical bytes), TD1 80 (TD2), TD2 01 (T=1), "eport-vPIV", TCK.
  // No vendor prefix, so OpenSC treats it as a generic PIV card found by probing.
  Bytes atr{0x3B, 0x8A, 0x80, 0x01, 'e', 'p', 'o', 'r', 't', '-', 'v', 'P', 'I', 'V'};
  uint8_t tck = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
  atr.push_back(tck);
  return atr;
}

void Card::clear_volatile() {
  pin_verified_ = false;
  pin_fresh_ = false;
  mgmt_authenticated_ = false;
  pending_auth_ = {};
  pending_response_.clear();
  pending_offset_ = 0;
  chaining_ = false;
  chain_data_.clear();
}

void Card::power_off() { clear_volatile(); }
void Card::power_on() { clear_volatile(); }
void Card::reset() { clear_volatile(); }

Bytes Card::random_bytes(std::size_t length) {
  Bytes out(length);
  random_(out.data(), out.size());
  return out;
}

Bytes Card::transmit(const Bytes& apdu) {
  auto parsed = parse_command(apdu);
  if (!parsed) {
    chaining_ = false;
    chain_data_.clear();
    return status(sw::wrong_length);
  }
  CommandApdu cmd = std::move(*parsed);
  if (cmd.ins == 0xC0 && (cmd.cla & 0xEF) == 0x00) return next_chunk(cmd.le);
  // Any other command abandons an unread response, as on a real card.
  pending_response_.clear();
  pending_offset_ = 0;
  if ((cmd.cla & 0xEF) != 0x00) {
    chaining_ = false;
    chain_data_.clear();
    return status(sw::cla_not_supported);
  }
  if (cmd.cla & 0x10) {
    if (!chaining_ || chain_ins_ != cmd.ins) {
      chain_data_.clear();
      chaining_ = true;
      chain_ins_ = cmd.ins;
    }
    if (chain_data_.size() + cmd.data.size() > kMaxChain) {
      chaining_ = false;
      chain_data_.clear();
      return status(sw::no_memory);
    }
    chain_data_.insert(chain_data_.end(), cmd.data.begin(), cmd.data.end());
    return status(sw::ok);
  }
  if (chaining_) {
    if (chain_ins_ == cmd.ins) {
      chain_data_.insert(chain_data_.end(), cmd.data.begin(), cmd.data.end());
      cmd.data = std::move(chain_data_);
    }
    chaining_ = false;
    chain_data_.clear();
  }
  return deliver(dispatch(cmd), cmd.le);
}

Bytes Card::deliver(Response response, std::size_t le) {
  if (response.data.empty() || response.sw != sw::ok) return status(response.sw);
  pending_response_ = std::move(response.data);
  pending_offset_ = 0;
  return next_chunk(le);
}

Bytes Card::next_chunk(std::size_t le) {
  if (pending_offset_ >= pending_response_.size()) return status(sw::conditions_not_satisfied);
  std::size_t remaining = pending_response_.size() - pending_offset_;
  std::size_t n = std::min({le, kMaxChunk, remaining});
  auto first = pending_response_.begin() + static_cast<std::ptrdiff_t>(pending_offset_);
  Bytes out(first, first + static_cast<std::ptrdiff_t>(n));
  pending_offset_ += n;
  remaining -= n;
  if (remaining == 0) {
    pending_response_.clear();
    pending_offset_ = 0;
    out.push_back(0x90);
    out.push_back(0x00);
  } else {
    out.push_back(0x61);
    out.push_back(static_cast<uint8_t>(remaining >= 256 ? 0 : remaining));
  }
  return out;
}

namespace {
// YubiKey's own instructions; a plain PIV card has none of them.
bool is_yubikey_instruction(uint8_t ins) {
  switch (ins) {
    case 0xF7:
    case 0xF8:
    case 0xFA:
    case 0xFB:
    case 0xFD:
    case 0xFE:
    case 0xFF: return true;
    default: return false;
  }
}
}  // namespace

Card::Response Card::dispatch(const CommandApdu& cmd) {
  if (state_.plain_piv && is_yubikey_instruction(cmd.ins)) return {{}, sw::ins_not_supported};
  switch (cmd.ins) {
    case 0xA4: return select(cmd);
    case 0x20: return verify(cmd);
    case 0x24: return change_reference(cmd);
    case 0x2C: return reset_retry_counter(cmd);
    case 0xCB: return get_data(cmd);
    case 0xDB: return put_data(cmd);
    case 0x87: return general_authenticate(cmd);
    case 0x47: return generate(cmd);
    case 0xFE: return import_key(cmd);
    case 0xF7: return metadata(cmd);
    case 0xFD: return {{state_.version[0], state_.version[1], state_.version[2]}, sw::ok};
    case 0xF8: {
      uint32_t s = state_.serial;
      return {{static_cast<uint8_t>(s >> 24), static_cast<uint8_t>(s >> 16), static_cast<uint8_t>(s >> 8),
               static_cast<uint8_t>(s)},
              sw::ok};
    }
    case 0xFF: return set_management_key(cmd);
    case 0xFA: return set_retries(cmd);
    case 0xFB: return factory_reset(cmd);
    default: return {{}, sw::ins_not_supported};
  }
}

Card::Response Card::select(const CommandApdu& cmd) {
  // The PIV applet stays selected whatever other middleware probes for: an unknown AID is
  // answered 6A82 and changes nothing, as a YubiKey's PIV interface does.
  const Bytes& aid = piv::piv_aid();
  if (cmd.p1 != 0x04) return {{}, sw::not_found};
  if (cmd.data == piv::ykcs11_aid()) return {{}, state_.plain_piv ? sw::not_found : sw::ok};
  bool prefix = cmd.data.size() >= 5 && cmd.data.size() <= aid.size() &&
                std::equal(cmd.data.begin(), cmd.data.end(), aid.begin());
  if (!prefix) return {{}, sw::not_found};
  Bytes inner;
  append_tlv(inner, 0x4F, {0x00, 0x00, 0x10, 0x00, 0x01, 0x00});
  append_tlv(inner, 0x79, make_tlv(0x4F, Bytes(aid.begin(), aid.begin() + 5)));
  return {make_tlv(0x61, inner), sw::ok};
}

}  // namespace eport::vcard

#pragma once
/// The virtual PIV card: a pure APDU-in/response-out state machine (no sockets, no files).
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>

#include <eport/vcard/apdu.hpp>
#include <eport/vcard/card_state.hpp>
#include <eport/vcard/tlv.hpp>

namespace eport::vcard {

/// Source of random bytes for witnesses and challenges (fills `length` bytes at `out`).
using RandomSource = std::function<void(uint8_t* out, std::size_t length)>;
/// Wall clock (seconds since the epoch), used when the card rebuilds its objects.
using Clock = std::function<std::time_t()>;

/// A PIV card applet in the style of a YubiKey 5, answering one APDU at a time.
class Card {
 public:
  /// Creates a powered card; empty `random`/`clock` mean OpenSSL's RNG and the system clock.
  explicit Card(CardState state, RandomSource random = {}, Clock clock = {});

  /// Processes one command APDU and returns response data followed by SW1 SW2.
  Bytes transmit(const Bytes& apdu);
  /// Power off: clears volatile state (selection, PIN and key auth, pending chains/responses).
  void power_off();
  /// Power on: clears volatile state like power_off.
  void power_on();
  /// Warm reset: clears volatile state.
  void reset();
  /// The answer-to-reset: a generic T=1 ATR no middleware maps to vendor quirks.
  static Bytes atr();

  /// True when persistent state changed since the last clear_dirty().
  bool dirty() const { return dirty_; }
  /// Marks the persistent state as saved.
  void clear_dirty() { dirty_ = false; }
  /// The persistent state (save it when dirty()).
  const CardState& state() const { return state_; }
  /// True while the PIN is verified in this session (for tests).
  bool pin_verified() const { return pin_verified_; }
  /// True while the management key is authenticated in this session (for tests).
  bool management_authenticated() const { return mgmt_authenticated_; }
  /// A faulty card: the next `count` PUT DATA commands (-1 = every one) store their object with
  /// one byte changed — the last byte of a certificate (tag 70), else of the object — and still
  /// answer 9000. For testing a host's read-back check.
  void corrupt_writes(long count) { corrupt_writes_ = count; }

 private:
  struct Response {
    Bytes data;
    uint16_t sw = sw::ok;
  };
  /// A management-key GENERAL AUTHENTICATE step awaiting the host's answer.
  struct PendingAuth {
    enum class Kind { none, witness, challenge } kind = Kind::none;
    Bytes value;
  };

  void clear_volatile();
  Response dispatch(const CommandApdu& cmd);
  Bytes deliver(Response response, std::size_t le);
  Bytes next_chunk(std::size_t le);

  Response select(const CommandApdu& cmd);
  Response verify(const CommandApdu& cmd);
  Response change_reference(const CommandApdu& cmd);
  Response reset_retry_counter(const CommandApdu& cmd);
  uint16_t check_credential(Credential& cred, const Bytes& padded);

  Response get_data(const CommandApdu& cmd);
  Response put_data(const CommandApdu& cmd);

  Response general_authenticate(const CommandApdu& cmd);
  Response management_auth(const CommandApdu& cmd, const std::vector<Tlv>& tlvs);
  Response private_key_operation(const CommandApdu& cmd, const std::vector<Tlv>& tlvs);
  bool key_use_allowed(uint8_t slot, const SlotKey& key);

  Response generate(const CommandApdu& cmd);
  Response import_key(const CommandApdu& cmd);
  Response metadata(const CommandApdu& cmd);

  Response set_management_key(const CommandApdu& cmd);
  Response set_retries(const CommandApdu& cmd);
  Response factory_reset(const CommandApdu& cmd);

  Bytes random_bytes(std::size_t length);
  void mark_dirty() { dirty_ = true; }

  CardState state_;
  RandomSource random_;
  Clock clock_;
  bool dirty_ = false;
  long corrupt_writes_ = 0;  // PUT DATAs still to corrupt; -1 = all

  // Volatile state, cleared by power off/on and reset.
  bool pin_verified_ = false;
  bool pin_fresh_ = false;  // a VERIFY since the last PIN-always key use
  bool mgmt_authenticated_ = false;
  PendingAuth pending_auth_;
  Bytes pending_response_;
  std::size_t pending_offset_ = 0;
  bool chaining_ = false;
  uint8_t chain_ins_ = 0;
  Bytes chain_data_;
};

}  // namespace eport::vcard

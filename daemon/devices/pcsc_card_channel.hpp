#pragma once
// The host's transmit for card drivers, over one PC/SC card connection.

#include <cstdint>
#include <vector>

#include "devices/pcsc_error.hpp"
#include "drivers/card_channel.hpp"

namespace eport::devices {

class PcscCard;

/// drivers::CardChannel over an SCARDHANDLE (SCardTransmit). Used only on the token's worker
/// thread, inside a card transaction. Remembers what went wrong so that the worker can tell a
/// removed card from a card someone else reset.
class PcscCardChannel final : public drivers::CardChannel {
 public:
  /// Sends over `card`, which must outlive the channel.
  explicit PcscCardChannel(PcscCard& card);

  /// One APDU: Ok; CardRemoved when the card left or was reset by someone else (then
  /// reset_seen() tells which); Timeout; Transmit for any other PC/SC failure.
  drivers::Status transmit(const std::vector<std::uint8_t>& command,
                           std::vector<std::uint8_t>& response) override;

  /// True when a transmit saw SCARD_W_RESET_CARD since the last clear(): reconnect needed.
  bool reset_seen() const { return reset_seen_; }
  /// True when a transmit saw the card gone since the last clear().
  bool removed_seen() const { return removed_seen_; }
  /// The last PC/SC failure (0 = none since clear()).
  PcscCode last_error() const { return last_error_; }
  /// Forgets reset/removed/last error (before the next attempt).
  void clear();
  /// Number of APDUs sent through this channel (for tests and diagnostics).
  std::uint64_t apdu_count() const { return apdu_count_; }

  /// A card transaction began: a new session number, never used before in this process.
  void begin_session();
  /// The transaction ended (or the card was reset): session() is 0 until the next one.
  void end_session() { session_ = 0; }
  /// The current transaction's number; 0 outside one and after a reset was seen in it.
  std::uint64_t session() const override { return reset_seen_ || removed_seen_ ? 0 : session_; }

 private:
  /// After a failed transmission: did the card leave? (waits for pcscd to notice, ~1 s max)
  bool card_gone_after_failure();

  PcscCard& card_;
  std::vector<std::uint8_t> buffer_;
  bool reset_seen_ = false;
  bool removed_seen_ = false;
  PcscCode last_error_ = 0;
  std::uint64_t apdu_count_ = 0;
  std::uint64_t session_ = 0;
};

}  // namespace eport::devices

#pragma once
// Exchanges commands with the card through the host's transmit: command chaining out, 6Cxx
// (wrong Le) and 61xx (more data: GET RESPONSE until 9000) in. Counts every APDU it sends so
// that tests and the log can state what an operation costs.

#include <cstddef>
#include <cstdint>
#include <functional>

#include "apdu.hpp"

namespace eport::piv {

/// The host's transmit: send `command`, write data + SW into `response` (capacity in
/// *response_len, bytes written out). Returns an EPORT_* status.
using RawTransmit = std::function<int32_t(const uint8_t* command, size_t command_len, uint8_t* response,
                                          size_t* response_len)>;

/// Sends whole commands and returns whole responses.
class ApduChannel {
 public:
  /// Largest response (all GET RESPONSE chunks together) the channel accepts from a card.
  static constexpr size_t kMaxResponse = 64 * 1024;

  /// `transmit` must stay valid while the channel is used; `session`: the host's
  /// eport_host.channel_session for this call (0 = unknown).
  explicit ApduChannel(RawTransmit transmit, uint64_t session = 0)
      : transmit_(std::move(transmit)), session_(session) {}

  /// The stretch of exclusive card access this call runs in (0 = unknown).
  uint64_t session() const { return session_; }

  /// Send `command` (chained when its data is longer than 255 bytes) and collect the complete
  /// response. A status word other than 9000 is returned, not thrown; a failed transmit throws
  /// PivError with the host's status (e.g. EPORT_ERR_CARD_REMOVED).
  Response exchange(const Command& command);

  /// APDUs sent since construction (chained parts and GET RESPONSEs count one each).
  size_t apdu_count() const { return count_; }

 private:
  Response send_one(const Command& command);
  Response send_final(const Command& command);

  RawTransmit transmit_;
  uint64_t session_ = 0;
  size_t count_ = 0;
};

}  // namespace eport::piv

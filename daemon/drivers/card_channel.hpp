// The host's connection to one card, as drivers see it: one APDU in, one response out.
#pragma once

#include <cstdint>
#include <vector>

#include "drivers/status.hpp"

namespace eport::drivers {

/// One card connection the host lends to a card driver for the length of one call. The devices
/// layer implements it over PC/SC (inside a card transaction); tests implement it over a
/// virtual card. Called only from the thread that called the Driver method.
class CardChannel {
 public:
  virtual ~CardChannel() = default;

  /// Send one command APDU; `response` receives the response data followed by SW1 SW2.
  /// Returns Ok, CardRemoved, Transmit or Timeout. Status words are not interpreted here.
  virtual Status transmit(const std::vector<std::uint8_t>& command, std::vector<std::uint8_t>& response) = 0;

  /// The stretch of exclusive access the current call runs in (eport_host.channel_session):
  /// equal non-zero numbers mean no other program reached the card in between and it was not
  /// reset; 0 = unknown (the default: a driver then selects its application as always).
  virtual std::uint64_t session() const { return 0; }
};

/// The channel to pass for token-provider drivers, which talk to their tokens themselves (the
/// plug-in receives NULL); transmit always fails with Unsupported.
class NoChannel final : public CardChannel {
 public:
  /// Always Unsupported: there is no card connection.
  Status transmit(const std::vector<std::uint8_t>&, std::vector<std::uint8_t>&) override {
    return Status::Unsupported;
  }
};

}  // namespace eport::drivers

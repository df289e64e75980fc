// A CardChannel that plays the made-up card of tests/fixtures/plugins/good.c (see the protocol
// there). The channel is the host's own interface, so a fake is the honest test double here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "drivers/card_channel.hpp"

namespace eport::drivers::test {

/// The fixture card: PIN/PUK counters, two object slots, a management key.
class FakeCard final : public CardChannel {
 public:
  std::vector<std::uint8_t> serial{0x00, 0x01, 0xE2, 0x40};   ///< reported by GET SERIAL
  std::string pin = "123456";                                 ///< user PIN
  std::string puk = "12345678";                               ///< PUK
  int pin_tries = 3;                                          ///< user PIN tries left
  int puk_tries = 3;                                          ///< PUK tries left
  std::vector<std::uint8_t> management_key{1, 2, 3, 4};       ///< for PUT OBJECT
  std::map<std::uint8_t, std::vector<std::uint8_t>> objects;  ///< slot byte -> object
  bool removed = false;                                       ///< transmit fails with CardRemoved
  std::vector<std::vector<std::uint8_t>> log;                 ///< every command received

  /// Answers one APDU as the fixture card would.
  Status transmit(const std::vector<std::uint8_t>& command, std::vector<std::uint8_t>& response) override;

 private:
  bool authenticated_ = false;

  std::vector<std::uint8_t> verify_status(std::uint8_t reference) const;
  std::vector<std::uint8_t> check(std::string& secret, int& tries, const std::vector<std::uint8_t>& given);
  std::vector<std::uint8_t> object_command(const std::vector<std::uint8_t>& command);
};

}  // namespace eport::drivers::test

#pragma once
// Short command APDUs (ISO 7816-4 cases 1-4) and their responses. Long data fields are split for
// command chaining (CLA | 0x10) by chain_commands(); the exchange itself is ApduChannel's job.

#include <cstdint>
#include <vector>

#include "bytes.hpp"

namespace eport::piv {

/// Le value meaning "no Le byte" (case 1 and case 3 commands).
constexpr int kNoLe = -1;
/// Le value 00 = up to 256 bytes.
constexpr int kLeMax = 256;
/// Longest data field of one short command; longer ones are chained.
constexpr size_t kMaxChunk = 255;

/// One command APDU before encoding.
struct Command {
  uint8_t cla = 0x00;      ///< class byte
  uint8_t ins = 0x00;      ///< instruction
  uint8_t p1 = 0x00;       ///< parameter 1
  uint8_t p2 = 0x00;       ///< parameter 2
  Bytes data;              ///< data field (Lc = its size); may be longer than 255 before chaining
  int le = kNoLe;          ///< expected length: kNoLe, 1..256 (256 encodes as 00)
  bool secret = false;     ///< data holds a PIN, PUK or key: every copy is wiped after use
  bool fetch_more = true;  ///< follow 61xx with GET RESPONSE (SELECT does not need its FCI)

  Command() = default;
  Command(const Command&) = default;
  Command(Command&&) = default;
  Command& operator=(const Command&) = default;
  Command& operator=(Command&&) = default;
  /// A command that carried a secret wipes it however it goes away (return or exception).
  ~Command() {
    if (secret) wipe(data);
  }
};

/// A response: data without the status word, and the status word SW1SW2.
struct Response {
  Bytes data;       ///< response data
  uint16_t sw = 0;  ///< SW1 << 8 | SW2

  /// SW1.
  uint8_t sw1() const { return static_cast<uint8_t>(sw >> 8); }
  /// SW2.
  uint8_t sw2() const { return static_cast<uint8_t>(sw & 0xFF); }
};

/// Encode a short APDU. The data field must be at most 255 bytes (chain longer ones first).
/// A command with neither data nor Le encodes as 4 bytes (case 1).
Bytes encode_command(const Command& command);

/// Split a command whose data is longer than 255 bytes into chained commands: every command but
/// the last has CLA | 0x10 and no Le; the last keeps CLA and Le. A short command comes back as
/// the only element.
std::vector<Command> chain_commands(const Command& command);

/// GET RESPONSE for the `sw2` bytes a 61xx status announced (00 = 256).
Command get_response_command(uint8_t sw2);

/// Split "data || SW1 SW2" into a Response; false when fewer than two bytes.
bool parse_response(const uint8_t* raw, size_t len, Response& out);

}  // namespace eport::piv

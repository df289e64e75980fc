#pragma once
// `eport-vcard run`: plug the card into vpcd and answer until stopped (program-private).
#include <cstdint>
#include <optional>
#include <string>

namespace eport::vcard::tool {

/// Options of `eport-vcard run`.
struct RunOptions {
  /// State file to load and to save after every APDU that changed it.
  std::string state_path;
  /// vpcd host (loopback only) and port.
  std::string host = "127.0.0.1";
  /// vpcd port (slot 0 of the reader; slot n listens on port + n).
  uint16_t port = 0;
  /// Exchange log, one line per APDU; empty = none.
  std::string apdu_log;
  /// Close the connection and exit 0 after this many APDUs (card pulled).
  std::optional<long> drop_after;
  /// Stop answering after this many APDUs (hung card).
  std::optional<long> mute_after;
  /// Delay before every answer, in milliseconds.
  int delay_ms = 0;
  /// PUT DATA commands stored with one byte changed: 0 none, N the first N, -1 every one.
  long corrupt_writes = 0;
};

/// Runs the card; returns the process exit code.
int run_card(const RunOptions& options);

/// Splits "HOST:PORT"; throws std::invalid_argument with a usable message.
void parse_endpoint(const std::string& text, RunOptions& options);

}  // namespace eport::vcard::tool

#pragma once
// The --apdu-log file: `<ISO time> <command hex> <response hex>` per exchange (program-private).
#include <cstdio>
#include <string>
#include <vector>

namespace eport::vcard::tool {

/// Appends exchange lines, flushed per line; secrets in the command are masked.
class ApduLog {
 public:
  /// Opens `path` for appending; an empty path logs nothing. Throws when unopenable.
  explicit ApduLog(const std::string& path);
  ~ApduLog();
  ApduLog(const ApduLog&) = delete;
  ApduLog& operator=(const ApduLog&) = delete;

  /// Writes one line for a command and its response.
  void write(const std::vector<uint8_t>& command, const std::vector<uint8_t>& response);
  /// Writes `<time> <event>` for what vpcd did to the card without an APDU: "power-off",
  /// "power-on", "reset" (two fields, so readers of exchanges skip it).
  void event(const char* what);

  /// The hex a command is logged as: the data of VERIFY, CHANGE REFERENCE DATA, RESET RETRY
  /// COUNTER, IMPORT KEY and SET MANAGEMENT KEY (PINs, PUKs, keys) becomes 'x' digits.
  static std::string masked_hex(const std::vector<uint8_t>& command);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace eport::vcard::tool

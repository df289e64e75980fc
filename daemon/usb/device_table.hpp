#pragma once
// The USB device table eportd uses: config/usb-tokens.yaml (installed as
// /etc/eportd/usb-tokens.yaml, extendable by the admin), or the built-in list when that file is
// missing. Each row: VID:PID, a name, and what serves the device (CCID, an SKF library, a
// PKCS#11 module).

#include <cstdint>
#include <string>
#include <vector>

#include "usb/known_devices.hpp"

namespace eport::usb {

/// "ccid", "skf", "pkcs11" or "unknown".
const char* serves_name(Serves serves);

/// One row of the table.
struct TableEntry {
  std::uint16_t vid = 0;            ///< USB vendor id
  std::uint16_t pid = 0;            ///< USB product id; 0 = every product of the vendor
  std::string name;                 ///< shown when the device's own strings are unavailable
  std::string reader_hint;          ///< lower-case word in PC/SC reader names ("" = none)
  Serves serves = Serves::unknown;  ///< what serves it
  std::string library;              ///< skf / pkcs11: the vendor library's path ("" = not known)
};

/// A device table.
class DeviceTable {
 public:
  /// The list compiled into eportd (known_devices.cpp).
  static const DeviceTable& built_in();
  /// Parses usb-tokens.yaml text; throws std::runtime_error naming `origin`, the line and what
  /// is wrong.
  static DeviceTable parse(const std::string& yaml_text, const std::string& origin);

  /// The most specific row for vid:pid (the exact product, else the vendor-wide row), or nullptr.
  const TableEntry* find(std::uint16_t vid, std::uint16_t pid) const;
  /// Every row, in file order.
  const std::vector<TableEntry>& entries() const { return entries_; }
  /// Where the rows came from: a file path, or "built-in".
  const std::string& origin() const { return origin_; }

 private:
  std::vector<TableEntry> entries_;
  std::string origin_;
};

/// The table at `path`; when it cannot be read or parsed, the built-in table and `warning` saying
/// why (empty when the file was used, or when it simply does not exist: a build tree has none).
DeviceTable load_device_table(const std::string& path, std::string& warning);

}  // namespace eport::usb

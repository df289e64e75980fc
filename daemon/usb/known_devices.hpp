#pragma once
// A small, documented starting list of USB smart-card readers and USBKeys that help desks meet.
// It only decides which devices are worth reporting and gives them a name when their own string
// descriptors cannot be read; anything with a CCID interface is reported whatever this list says.

#include <cstdint>
#include <optional>
#include <string>

namespace eport::usb {

/// What makes a device usable: pcscd's CCID driver (a PC/SC reader), an SKF library or a
/// PKCS#11 module of its vendor, or not known.
enum class Serves { ccid, skf, pkcs11, unknown };

/// One entry of the table: `pid == 0` matches every product of `vid`.
struct KnownDevice {
  std::uint16_t vid;        ///< USB vendor id
  std::uint16_t pid;        ///< USB product id, 0 = any product of the vendor
  const char* name;         ///< name shown when the device's own strings are unavailable
  const char* reader_hint;  ///< lower-case word a PC/SC reader name contains for this device
  Serves serves;            ///< what serves it
};

/// The built-in table (config/usb-tokens.yaml ships the same rows and more can be added there).
const KnownDevice* known_devices_begin();
/// End of the built-in table.
const KnownDevice* known_devices_end();

/// The most specific entry for `vid:pid` (exact product first, then vendor-wide), if any.
std::optional<KnownDevice> find_known_device(std::uint16_t vid, std::uint16_t pid);

/// Number of entries (for tests and docs).
std::size_t known_device_count();

}  // namespace eport::usb

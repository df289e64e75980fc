#pragma once
// Per-device diagnosis for diag.report and `eportctl doctor`: from "a USBKey is plugged in" to
// "which library serves it, and what is missing". Pure: everything it looks at comes in as facts.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "usb/device_table.hpp"
#include "usb/usb_device.hpp"

namespace eport::usb {

/// What the daemon knows about the things that serve USB devices.
struct ServingFacts {
  bool skf_driver = false;                  ///< a `skf` driver is configured
  std::vector<std::string> skf_libraries;   ///< its options.libraries[].library
  bool pkcs11_driver = false;               ///< a `pkcs11` driver is configured
  std::vector<std::string> pkcs11_modules;  ///< its options.modules[].module
  std::vector<std::string> token_ids;       ///< ids of the tokens present now
  /// pcscd's CCID driver.
  std::string ccid_driver = "/usr/lib/pcsc/drivers/ifd-ccid.bundle";
  /// Whether a file exists (default: stat).
  std::function<bool(const std::string&)> exists;
  /// 0 when this process may read and write the path, else the errno (default: access(2)).
  std::function<int(const std::string&)> access_error;
};

/// The facts for a daemon configured with these drivers ({name, options}) and tokens.
ServingFacts serving_facts(const std::vector<std::pair<std::string, nlohmann::json>>& drivers,
                           std::vector<std::string> token_ids);

/// One device's state.
struct Diagnosis {
  std::string state;    ///< "ok", "needs_driver", "no_permission", "no_reader" or "unknown"
  std::string detail;   ///< what was found and what to do, one or two sentences
  std::string library;  ///< the file that serves it (or would), when known
};

/// `/dev/bus/usb/BBB/DDD` of a device.
std::string device_node(const UsbDevice& device);

/// The udev rule line that gives group eportd read/write access to the device.
std::string udev_rule(const UsbDevice& device);

/// The state of one device. `entry` is its table row (nullptr: a CCID reader not in the table);
/// `reader_seen` as usb_report computes it (nullopt: PC/SC cannot tell).
Diagnosis diagnose(const UsbDevice& device, const TableEntry* entry, std::optional<bool> reader_seen,
                   const ServingFacts& facts);

}  // namespace eport::usb

#pragma once
// diag.report's `usb` section (PROTOCOL.md, docs/protocol.md): pure, built from a watcher
// snapshot and the PC/SC reader list so that it can be tested without hardware.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "usb/device_table.hpp"
#include "usb/usb_device.hpp"
#include "usb/usb_diagnosis.hpp"

namespace eport::usb {

/// What the USB watcher knows at one moment.
struct UsbStatus {
  bool running = false;            ///< libusb initialised and the device list read
  bool hotplug = false;            ///< attach/detach are followed live
  std::string detail;              ///< why not running / why no hotplug; empty when all is well
  std::vector<UsbDevice> devices;  ///< reported devices (ccid_reader and token), stable order
};

/// Whether a PC/SC reader whose name loosely matches the device is present. nullopt when that
/// cannot be told: no reader list (PC/SC down or disabled) or nothing to match on.
std::optional<bool> reader_seen(const UsbDevice& device, const std::vector<std::string>* reader_names,
                                const DeviceTable& table);
/// reader_seen() with the built-in table.
std::optional<bool> reader_seen(const UsbDevice& device, const std::vector<std::string>* reader_names);

/// Reader names out of readers.list entries ({name, ...}); ignores anything else.
std::vector<std::string> reader_names(const nlohmann::json& readers);

/// `{enabled, hotplug, [detail], devices: [{vid, pid, name, bus, address, kind, reader_seen}],
/// without_reader: [...]}`. `readers` is readers.list's list, or null when PC/SC is not up.
nlohmann::json usb_report(bool enabled, const UsbStatus& status, const nlohmann::json& readers);

/// The same with each device's diagnosis (`serves`, `state`, `detail`, `library`), the table's
/// origin (`device_table`) and `problems`: one sentence per device that needs something done.
nlohmann::json usb_report(bool enabled, const UsbStatus& status, const nlohmann::json& readers,
                          const DeviceTable& table, const ServingFacts& facts);

}  // namespace eport::usb

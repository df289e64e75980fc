#pragma once
// What eportd knows about one USB device, and the pure rules that decide whether it matters
// (a CCID reader or a known USBKey) and how it appears in events and diag.report.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eport::usb {

/// Why a device is reported; `other` devices are neither reported nor opened.
enum class Kind { ccid_reader, token, other };

/// "ccid_reader", "token" or "other".
std::string kind_name(Kind kind);

/// The descriptor facts classification needs (no I/O).
struct Descriptors {
  std::uint16_t vid = 0;                        ///< idVendor
  std::uint16_t pid = 0;                        ///< idProduct
  std::uint8_t device_class = 0;                ///< bDeviceClass
  std::vector<std::uint8_t> interface_classes;  ///< bInterfaceClass of every alt setting
};

/// USB class code of Smart Card (CCID) devices and interfaces.
constexpr std::uint8_t kCcidClass = 0x0b;

class DeviceTable;

/// ccid_reader when the device or any interface has class 0x0B (pcscd's CCID driver should then
/// show it as a reader); token when it is in the device table; otherwise other.
Kind classify(const Descriptors& descriptors, const DeviceTable& table);
/// classify() with the built-in table.
Kind classify(const Descriptors& descriptors);

/// One reported device.
struct UsbDevice {
  std::uint16_t vid = 0;     ///< idVendor
  std::uint16_t pid = 0;     ///< idProduct
  std::uint8_t bus = 0;      ///< bus number
  std::uint8_t address = 0;  ///< device address on the bus
  std::string name;          ///< from the device's strings, else the table, else "unknown"
  Kind kind = Kind::other;   ///< classification
};

/// 4-digit lower-case hex, e.g. "076b".
std::string hex4(std::uint16_t value);

/// The device's display name: "<manufacturer> <product>" from its strings when known (without
/// repeating the manufacturer), else the table's name, else "unknown".
std::string display_name(std::uint16_t vid, std::uint16_t pid, const std::string& manufacturer,
                         const std::string& product, const DeviceTable& table);
/// display_name() with the built-in table.
std::string display_name(std::uint16_t vid, std::uint16_t pid, const std::string& manufacturer,
                         const std::string& product);

/// `usb.attached` / `usb.detached` parameters: {vid, pid, name, bus, address}.
nlohmann::json event_params(const UsbDevice& device);

}  // namespace eport::usb

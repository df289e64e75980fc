#pragma once
// The USB side of eportd: one libusb context, and with hotplug support one event thread that
// follows attach/detach (ARCHITECTURE.md "Threads"). Only CCID readers and known USBKeys are
// tracked, opened (to read their name strings) and published as usb.attached / usb.detached.
// This header includes nothing from libusb.

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "usb/device_table.hpp"
#include "usb/usb_report.hpp"

namespace eport::usb {

/// Watches USB devices; thread-safe status(). Publishing happens on the watcher's thread.
class UsbWatcher {
 public:
  /// Receives ("usb.attached" | "usb.detached", {vid, pid, name, bus, address}).
  using Publish = std::function<void(const std::string& topic, const nlohmann::json& params)>;

  /// Nothing starts before start(). `table` decides which devices are USBKeys and names them.
  explicit UsbWatcher(Publish publish, DeviceTable table = DeviceTable::built_in());
  /// Stops the thread and releases libusb.
  ~UsbWatcher();
  UsbWatcher(const UsbWatcher&) = delete;
  UsbWatcher& operator=(const UsbWatcher&) = delete;

  /// Initialises libusb and lists the devices present (publishing usb.attached for each); with
  /// hotplug support starts the event thread. A libusb failure does not throw: status().detail
  /// says what happened. Call once.
  void start();
  /// Wakes and joins the event thread; no publish happens after it returns. Idempotent.
  void stop();
  /// A consistent snapshot of what is known.
  UsbStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eport::usb

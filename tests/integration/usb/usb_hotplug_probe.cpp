// eport-usb-hotplug-probe: attach and detach a mocked USB reader while the watcher runs, to show
// that the hotplug path publishes usb.attached / usb.detached. Must run under umockdev-wrapper
// (libumockdev's testbed sends the uevents libusb's udev monitor listens to). Prints one JSON
// line: the events seen and how long each took to arrive; exit 77 when not under umockdev.
#include <umockdev.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "usb/usb_watcher.hpp"

namespace {

// OMNIKEY 3121 (076b:3021) with one CCID interface, as in test_usb_umockdev.py.
const char* const kDescriptors =
    "12010002000000086B07213001010102000109021900010100A03209040000010B00000007058103080010";

std::string record() {
  const std::string blob = kDescriptors;
  return "P: /devices/pci0000:00/0000:00:14.0/usb1/1-5\nN: bus/usb/001/005=" + blob +
         "\nE: DEVNAME=/dev/bus/usb/001/005\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: SUBSYSTEM=usb\n"
         "E: BUSNUM=001\nE: DEVNUM=005\nA: busnum=1\nA: devnum=5\nA: idVendor=076b\nA: idProduct=3021\n"
         "A: bConfigurationValue=1\nA: bNumConfigurations=1\nA: speed=12\nH: descriptors=" +
         blob + "\n";
}

struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<nlohmann::json> events;

  bool wait_for(std::size_t count) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return events.size() >= count; });
  }
};

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main() {
  // umockdev_in_mock_environment() answers false under umockdev-wrapper 0.17, so look at the
  // preload list itself.
  const char* preload = std::getenv("LD_PRELOAD");
  if (preload == nullptr || std::string(preload).find("umockdev-preload") == std::string::npos) {
    std::cerr << "eport-usb-hotplug-probe: run me under umockdev-wrapper\n";
    return 77;
  }
  UMockdevTestbed* testbed = umockdev_testbed_new();
  Seen seen;
  eport::usb::UsbWatcher watcher([&seen](const std::string& topic, const nlohmann::json& params) {
    std::lock_guard<std::mutex> lock(seen.mutex);
    seen.events.push_back({{"event", topic}, {"params", params}});
    seen.changed.notify_all();
  });
  watcher.start();
  nlohmann::json out{{"hotplug", watcher.status().hotplug}};

  GError* error = nullptr;
  if (!umockdev_testbed_add_from_string(testbed, record().c_str(), &error)) {
    std::cerr << "cannot add the mocked device: " << (error ? error->message : "?") << "\n";
    return 1;
  }
  const std::string syspath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5";
  auto start = std::chrono::steady_clock::now();
  umockdev_testbed_uevent(testbed, syspath.c_str(), "add");
  out["attached_ms"] = seen.wait_for(1) ? nlohmann::json(ms_since(start)) : nlohmann::json();
  out["devices_while_attached"] = watcher.status().devices.size();

  start = std::chrono::steady_clock::now();
  umockdev_testbed_uevent(testbed, syspath.c_str(), "remove");
  umockdev_testbed_remove_device(testbed, syspath.c_str());
  out["detached_ms"] = seen.wait_for(2) ? nlohmann::json(ms_since(start)) : nlohmann::json();
  out["devices_after_detach"] = watcher.status().devices.size();
  watcher.stop();
  {
    std::lock_guard<std::mutex> lock(seen.mutex);
    out["events"] = seen.events;
  }
  std::cout << out.dump() << std::endl;
  g_object_unref(testbed);
  return 0;
}

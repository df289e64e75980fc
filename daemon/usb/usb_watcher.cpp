#include "usb/usb_watcher.hpp"

#include <libusb.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace eport::usb {

namespace {

struct ContextDeleter {
  void operator()(libusb_context* context) const { libusb_exit(context); }
};
struct DeviceUnref {
  void operator()(libusb_device* device) const { libusb_unref_device(device); }
};
struct HandleCloser {
  void operator()(libusb_device_handle* handle) const { libusb_close(handle); }
};
struct ConfigFree {
  void operator()(libusb_config_descriptor* config) const { libusb_free_config_descriptor(config); }
};
using ContextPtr = std::unique_ptr<libusb_context, ContextDeleter>;
using DevicePtr = std::unique_ptr<libusb_device, DeviceUnref>;
using HandlePtr = std::unique_ptr<libusb_device_handle, HandleCloser>;
using ConfigPtr = std::unique_ptr<libusb_config_descriptor, ConfigFree>;

DevicePtr take_ref(libusb_device* device) { return DevicePtr(libusb_ref_device(device)); }

std::string usb_error(int code) { return libusb_error_name(code); }

std::vector<std::uint8_t> interface_classes(libusb_device* device) {
  libusb_config_descriptor* raw = nullptr;
  if (libusb_get_active_config_descriptor(device, &raw) != 0 &&
      libusb_get_config_descriptor(device, 0, &raw) != 0)
    return {};
  ConfigPtr config(raw);
  std::vector<std::uint8_t> classes;
  for (int i = 0; i < config->bNumInterfaces; ++i) {
    const auto& interface = config->interface[i];
    for (int a = 0; a < interface.num_altsetting; ++a)
      classes.push_back(interface.altsetting[a].bInterfaceClass);
  }
  return classes;
}

std::string string_descriptor(libusb_device_handle* handle, std::uint8_t index) {
  if (index == 0) return {};
  unsigned char text[256] = {};
  const int length = libusb_get_string_descriptor_ascii(handle, index, text, sizeof text - 1);
  return length > 0 ? std::string(reinterpret_cast<char*>(text), static_cast<std::size_t>(length))
                    : std::string();
}

// Reads what we report about a device. Only candidates (ccid_reader/token) are opened, and only
// to read their name strings; a device that cannot be opened keeps the table's name.
std::optional<UsbDevice> describe(libusb_device* device, const DeviceTable& table) {
  libusb_device_descriptor descriptor{};
  if (libusb_get_device_descriptor(device, &descriptor) != 0) return std::nullopt;
  const Kind kind = classify(
      {descriptor.idVendor, descriptor.idProduct, descriptor.bDeviceClass, interface_classes(device)}, table);
  if (kind == Kind::other) return std::nullopt;
  std::string manufacturer, product;
  libusb_device_handle* raw = nullptr;
  if (libusb_open(device, &raw) == 0) {
    HandlePtr handle(raw);
    manufacturer = string_descriptor(handle.get(), descriptor.iManufacturer);
    product = string_descriptor(handle.get(), descriptor.iProduct);
  }
  UsbDevice found;
  found.vid = descriptor.idVendor;
  found.pid = descriptor.idProduct;
  found.bus = libusb_get_bus_number(device);
  found.address = libusb_get_device_address(device);
  found.name = display_name(found.vid, found.pid, manufacturer, product, table);
  found.kind = kind;
  return found;
}

}  // namespace

struct UsbWatcher::Impl {
  Impl(Publish publish_, DeviceTable table_) : publish(std::move(publish_)), table(std::move(table_)) {}

  static int LIBUSB_CALL on_hotplug(libusb_context*, libusb_device* device, libusb_hotplug_event event,
                                    void* self) {
    // Hotplug callbacks may not do synchronous I/O (libusb docs): queue, handle after the event.
    auto* impl = static_cast<Impl*>(self);
    std::lock_guard<std::mutex> lock(impl->pending_mutex);
    impl->pending.emplace_back(event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, take_ref(device));
    return 0;
  }

  void arrived(DevicePtr device) {
    auto found = describe(device.get(), table);
    if (!found) return;
    {
      std::lock_guard<std::mutex> lock(state_mutex);
      for (const auto& entry : tracked)
        if (entry.first.get() == device.get()) return;  // enumerated and hot-plugged at once
      tracked.emplace_back(std::move(device), *found);
    }
    if (publish) publish("usb.attached", event_params(*found));
  }

  void left(libusb_device* device) {
    std::optional<UsbDevice> gone;
    {
      std::lock_guard<std::mutex> lock(state_mutex);
      for (auto it = tracked.begin(); it != tracked.end(); ++it) {
        if (it->first.get() != device) continue;
        gone = it->second;
        tracked.erase(it);
        break;
      }
    }
    if (gone && publish) publish("usb.detached", event_params(*gone));
  }

  void process_pending() {
    std::vector<std::pair<bool, DevicePtr>> batch;
    {
      std::lock_guard<std::mutex> lock(pending_mutex);
      batch.swap(pending);
    }
    for (auto& [is_arrival, device] : batch) {
      if (is_arrival) arrived(std::move(device));
      else left(device.get());
    }
  }

  void enumerate_once() {
    libusb_device** list = nullptr;
    const ssize_t count = libusb_get_device_list(context.get(), &list);
    if (count < 0) {
      set_detail("libusb could not list USB devices (" + usb_error(static_cast<int>(count)) + ")");
      return;
    }
    for (ssize_t i = 0; i < count; ++i) arrived(take_ref(list[i]));
    libusb_free_device_list(list, 1);
  }

  void run() {
    pthread_setname_np(pthread_self(), "eportd-usb");  // visible in top -H / ps -L
    while (!stopping.load()) {
      // Blocks until an event or libusb_interrupt_event_handler(); eportd does not poll.
      libusb_handle_events_completed(context.get(), nullptr);
      process_pending();
    }
  }

  void set_detail(const std::string& text) {
    std::lock_guard<std::mutex> lock(state_mutex);
    detail = text;
  }

  Publish publish;
  const DeviceTable table;  // read-only after construction: shared by both threads without a lock
  ContextPtr context;
  libusb_hotplug_callback_handle callback = 0;
  bool callback_registered = false;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::mutex pending_mutex;
  std::vector<std::pair<bool, DevicePtr>> pending;
  mutable std::mutex state_mutex;
  std::vector<std::pair<DevicePtr, UsbDevice>> tracked;
  bool running = false;
  bool hotplug = false;
  std::string detail;
};

UsbWatcher::UsbWatcher(Publish publish, DeviceTable table)
    : impl_(std::make_unique<Impl>(std::move(publish), std::move(table))) {}

UsbWatcher::~UsbWatcher() { stop(); }

void UsbWatcher::start() {
  Impl& impl = *impl_;
  libusb_context* raw = nullptr;
  if (const int rc = libusb_init(&raw); rc != 0) {
    impl.set_detail("libusb could not start (" + usb_error(rc) +
                    "); USB devices are not watched. Is /dev/bus/usb available?");
    return;
  }
  impl.context.reset(raw);
  const int flags = LIBUSB_HOTPLUG_ENUMERATE;
  if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
      libusb_hotplug_register_callback(
          impl.context.get(), LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT, flags,
          LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::on_hotplug,
          &impl, &impl.callback) == 0) {
    impl.callback_registered = true;
    impl.process_pending();  // the devices already present (ENUMERATE ran the callback here)
    if (::access("/run/udev/control", F_OK) != 0)
      impl.set_detail(
          "udevd does not seem to run (/run/udev/control is missing): USB devices attached or "
          "removed later may go unnoticed until eportd restarts");
    impl.thread = std::thread([&impl] { impl.run(); });
  } else {
    impl.enumerate_once();
    impl.set_detail(
        "libusb has no hotplug support here: USB devices were listed once when eportd started; "
        "restart eportd after plugging in a reader or USBKey");
  }
  std::lock_guard<std::mutex> lock(impl.state_mutex);
  impl.running = true;
  impl.hotplug = impl.callback_registered;
}

void UsbWatcher::stop() {
  Impl& impl = *impl_;
  if (!impl.context) return;
  impl.stopping = true;
  if (impl.thread.joinable()) {
    libusb_interrupt_event_handler(impl.context.get());
    impl.thread.join();
  }
  if (impl.callback_registered) libusb_hotplug_deregister_callback(impl.context.get(), impl.callback);
  impl.callback_registered = false;
  {
    std::lock_guard<std::mutex> lock(impl.pending_mutex);
    impl.pending.clear();
  }
  {
    std::lock_guard<std::mutex> lock(impl.state_mutex);
    impl.tracked.clear();
    impl.running = false;
    impl.hotplug = false;
  }
  impl.context.reset();  // after every device reference is gone
}

UsbStatus UsbWatcher::status() const {
  std::lock_guard<std::mutex> lock(impl_->state_mutex);
  UsbStatus status;
  status.running = impl_->running;
  status.hotplug = impl_->hotplug;
  status.detail = impl_->detail;
  for (const auto& entry : impl_->tracked) status.devices.push_back(entry.second);
  return status;
}

}  // namespace eport::usb

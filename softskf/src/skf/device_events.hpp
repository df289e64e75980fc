#pragma once
// SKF_WaitForDevEvent / SKF_CancelWaitForDevEvent over the device directory: inotify wakes the
// waiter when a state file appears or disappears (a key plugged or pulled).
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include <eport/softskf/skf.h>

namespace eport::softskf {

/// Device arrivals and departures since the library first looked at the directory.
class DeviceEvents {
 public:
  DeviceEvents();
  ~DeviceEvents();
  DeviceEvents(const DeviceEvents&) = delete;
  DeviceEvents& operator=(const DeviceEvents&) = delete;

  /// Records the present devices as the starting point, once per directory (SKF_EnumDev and the
  /// first wait call this), so that a key plugged between SKF_EnumDev and the first wait is
  /// reported. A different directory (only tests change EPORT_SOFTSKF_DIR) starts afresh.
  void start(const std::string& dir);

  /// Blocks until a device arrives or leaves, then reports one of them: name (NUL-terminated;
  /// *len = its length with the NUL) and DEV_EVENT_INSERTED / DEV_EVENT_REMOVED. A buffer too
  /// small gives SAR_BUFFER_TOO_SMALL and keeps the event. SAR_FAIL after
  /// SKF_CancelWaitForDevEvent, or when another thread is already waiting.
  ULONG wait(const std::string& dir, LPSTR name, ULONG* len, ULONG* event);

  /// Wakes the thread blocked in wait() (it returns SAR_FAIL). A cancel while nobody waits has
  /// no effect on later waits.
  ULONG cancel();

 private:
  bool pending(const std::string& dir, std::string& name, ULONG& event);

  std::mutex mutex_;
  std::set<std::string> known_;
  std::string dir_;
  bool started_ = false;
  bool waiting_ = false;
  std::uint64_t cancels_ = 0;
  int wake_fd_ = -1;
};

}  // namespace eport::softskf

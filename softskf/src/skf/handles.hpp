#pragma once
// The process's open SKF handles (DEVHANDLE, HAPPLICATION, HCONTAINER). A handle is an opaque
// number that is never reused, so a stale or forged handle is refused (SAR_INVALIDHANDLEERR)
// instead of being dereferenced.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <eport/softskf/skf.h>

namespace eport::softskf {

/// What a handle designates: device `name` in `dir`, and for application and container
/// handles the application and container names.
struct HandleTarget {
  std::string dir;        ///< device directory
  std::string name;       ///< device name (file stem)
  std::string app;        ///< application (application and container handles)
  std::string container;  ///< container (container handles)
};

/// The handle table. One per process: the C API hands out handles without a context to keep
/// them in, so the library owns exactly one table (see library.cpp).
class Handles {
 public:
  /// A new device handle.
  DEVHANDLE open_device(const std::string& dir, const std::string& name);
  /// A new application handle under an open device; nullptr when `device` is not open.
  HAPPLICATION open_application(DEVHANDLE device, const std::string& app);
  /// A new container handle under an open application; nullptr when `app` is not open.
  HCONTAINER open_container(HAPPLICATION app, const std::string& container);

  /// The device of a device handle.
  std::optional<HandleTarget> device(DEVHANDLE handle) const;
  /// The device and application of an application handle.
  std::optional<HandleTarget> application(HAPPLICATION handle) const;
  /// Device, application and container of a container handle.
  std::optional<HandleTarget> container(HCONTAINER handle) const;

  /// Closes a device handle and every handle opened under it. Returns the SKF_LockDev file
  /// descriptor it held (-1 when none) for the caller to close; nullopt when not open.
  std::optional<int> close_device(DEVHANDLE handle);
  /// Closes an application handle and its containers; false when not open.
  bool close_application(HAPPLICATION handle);
  /// Closes a container handle; false when not open.
  bool close_container(HCONTAINER handle);

  /// The SKF_LockDev descriptor of a device handle (-1 none); nullopt when not open.
  std::optional<int> lock_fd(DEVHANDLE handle) const;
  /// Records the SKF_LockDev descriptor; false when not open.
  bool set_lock_fd(DEVHANDLE handle, int fd);

 private:
  enum class Kind { device, application, container };
  struct Entry {
    Kind kind;
    HandleTarget target;
    std::uintptr_t parent = 0;
    int lock_fd = -1;
  };

  std::optional<HandleTarget> find(void* handle, Kind kind) const;
  std::uintptr_t add(Entry entry);

  mutable std::mutex mutex_;
  std::map<std::uintptr_t, Entry> entries_;
  std::uintptr_t next_ = 0x5f4b0001;
};

}  // namespace eport::softskf

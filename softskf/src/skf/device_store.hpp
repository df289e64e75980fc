#pragma once
// The device directory: which state files exist (= which keys are plugged in), and one locked
// load/modify/save of a device's state per SKF call (several processes may use the same keys).
#include <optional>
#include <string>
#include <vector>

#include <eport/softskf/skf.h>
#include <eport/softskf/state.hpp>

namespace eport::softskf {

/// The device directory from the environment (EPORT_SOFTSKF_DIR; the 8-byte-BOOL build reads
/// EPORT_SOFTSKF_BOOL64_DIR); "" when unset.
std::string device_dir();

/// Names of the plugged-in devices: stems of the regular `*.json` files in `dir` that do not
/// start with '.', sorted. Empty when the directory does not exist.
std::vector<std::string> list_devices(const std::string& dir);

/// `<dir>/<name>.json`.
std::string device_path(const std::string& dir, const std::string& name);

/// Holds flock(LOCK_EX) on the device directory for one SKF call.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

/// One SKF call on one device: lock, load, (modify), save. Applies the PullAt test hook.
class DeviceCall {
 public:
  /// Locks the directory and loads the device. status() is SAR_DEVICE_REMOVED when the file is
  /// gone (or the hook pulled the key before `function`), SAR_FILEERR when it is unreadable.
  DeviceCall(const std::string& dir, const std::string& name, const char* function);
  DeviceCall(const DeviceCall&) = delete;
  DeviceCall& operator=(const DeviceCall&) = delete;

  /// SAR_OK when the state is loaded and usable.
  ULONG status() const { return status_; }
  /// The loaded state (only when status() is SAR_OK).
  DeviceState& state() { return *state_; }
  /// The state must be written back at finish().
  void changed() { dirty_ = true; }
  /// Saves a changed state and applies a PullAt "after" hook. Returns `result`, or
  /// SAR_DEVICE_REMOVED when the key left (pulled meanwhile, or by the hook).
  ULONG finish(ULONG result);

 private:
  void pull();

  DirectoryLock lock_;
  std::string dir_, name_, path_;
  std::optional<DeviceState> state_;
  ULONG status_ = SAR_OK;
  bool dirty_ = false;
  bool pull_after_ = false;
};

}  // namespace eport::softskf

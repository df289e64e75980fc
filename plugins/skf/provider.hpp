#pragma once
// The plug-in's context (eport_driver): the configured SKF libraries, their device watches, and
// the tokens found in them.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "device_watch.hpp"
#include "options.hpp"
#include "skf_library.hpp"

namespace eport::skf {

/// One configured library: loaded (lib) or not (error), with its watch when it has events.
struct LibraryEntry {
  LibraryOptions options;              ///< from the configuration
  std::unique_ptr<SkfLibrary> lib;     ///< nullptr when it failed to load
  std::string error;                   ///< why it failed to load
  std::unique_ptr<DeviceWatch> watch;  ///< nullptr: polled
};

/// One device found by enumerate().
struct TokenEntry {
  std::string id;            ///< "skf:<label>:<serial>"
  std::string serial;        ///< DEVINFO.SerialNumber (the device name when empty)
  std::string device_name;   ///< SKF_EnumDev name
  std::string label;         ///< DEVINFO.Label
  std::string manufacturer;  ///< DEVINFO.Manufacturer
  std::string model;         ///< "SKF USBKey, firmware X.Y"
  LibraryEntry* library = nullptr;
};

/// Everything init() sets up.
class Provider {
 public:
  /// Loads every library (a failing one is reported and skipped) and starts the watches.
  Provider(Options options, LogFn log);
  /// Stops and joins the watches before the libraries unload.
  ~Provider();
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;

  const Options& options() const { return options_; }
  /// Logs one line through the host.
  void log(int level, const std::string& line) const { log_(level, line); }

  /// Every device of every loaded library, in configuration order. A library whose listing
  /// fails is logged and skipped; a device that cannot be identified is skipped.
  std::vector<TokenEntry> enumerate();
  /// The token with this id (from the last enumerate, re-checked), or nullopt.
  std::optional<TokenEntry> find(const std::string& id);
  /// EPORT_OK when the devices may have changed within `timeout_ms`, else EPORT_ERR_TIMEOUT.
  /// Libraries without device events count as "may have changed" at every timeout.
  int32_t wait_change(std::uint32_t timeout_ms);

  /// {libraries: [{label, library, loaded, error, missing, disabled, events}], problems: [...]}.
  nlohmann::json status() const;
  /// True once after status() changed (a library's event wait gave up): report it again.
  bool take_status_change() { return status_changed_.exchange(false); }

 private:
  std::optional<TokenEntry> identify_device(LibraryEntry& entry, const std::string& name) const;

  Options options_;
  LogFn log_;
  std::shared_ptr<ChangeSignal> changes_;
  std::vector<std::unique_ptr<LibraryEntry>> libraries_;
  std::mutex known_mutex_;
  std::vector<TokenEntry> known_;
  std::atomic<bool> status_changed_{false};
};

/// "skf:<label>:<serial>" with characters outside [A-Za-z0-9._-] in the serial as '_'.
std::string token_id(const std::string& label, const std::string& serial);

}  // namespace eport::skf

// Loading driver plug-ins: the directory rule, ABI negotiation, init, and rollback.
//
// Public API:
//   struct DriverSpec  {name, options}     one entry of the config's `drivers` list
//   enum LoadMode      {Full, CheckOnly}   CheckOnly runs every step, then shuts down and unloads
//   struct LoadFailure {name, library, reason}
//   struct LoadResult  {drivers, failures, checked}
//   load_drivers(plugin_dir, specs, mode[, logger])  or  DriverLoader(plugin_dir[, logger]).load()
//
// For each spec: name rule -> eport-<name>.so inside plugin_dir (symlinks may not lead out) ->
// dlopen(RTLD_NOW|RTLD_LOCAL) -> dlsym(eport_driver_entry) -> entry(1, 0, &ops) -> validate the
// table -> init(host, &ctx). A failing step undoes the earlier ones (nothing stays loaded) and
// adds a LoadFailure; the other drivers still load. Never throws for a bad plug-in.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <nlohmann/json.hpp>

#include "drivers/driver.hpp"

namespace eport::drivers {

/// One driver the configuration asks for.
struct DriverSpec {
  std::string name;        ///< plug-in file eport-<name>.so in the plug-in directory
  nlohmann::json options;  ///< the driver's `options` (an object, or null for none)
};

/// What to do after a plug-in loaded and initialised.
enum class LoadMode {
  Full,       ///< keep it loaded (the daemon)
  CheckOnly,  ///< shut it down and unload it (`eportd --check-config`)
};

/// A plug-in that could not be loaded.
struct LoadFailure {
  std::string name;     ///< the driver name from the configuration
  std::string library;  ///< the file it tried (or would have tried)
  std::string reason;   ///< what happened and what to do
};

/// Outcome of loading the configured drivers.
struct LoadResult {
  std::vector<std::unique_ptr<Driver>> drivers;  ///< loaded drivers (Full mode), config order
  std::vector<LoadFailure> failures;             ///< one per driver that failed
  std::vector<DriverInfo> checked;               ///< every driver that passed (both modes)
};

/// Serves a token provider outside this process (the daemon: in a helper process, see
/// daemon/providers). Called in Full mode after the plug-in's table was read and accepted here
/// (the library is unloaded again first); returns the Driver, or nullptr with `reason`.
using ProviderHostFn = std::function<std::unique_ptr<Driver>(const std::filesystem::path& plugin_dir,
                                                             const DriverSpec& spec, std::string& reason)>;

/// Loads plug-ins from one directory. Holds no plug-in itself.
class DriverLoader {
 public:
  /// `logger` receives host messages and plug-in log lines; default: spdlog's default logger.
  explicit DriverLoader(std::filesystem::path plugin_dir, std::shared_ptr<spdlog::logger> logger = nullptr);

  /// Load every spec in order; a failure of one does not stop the others. With
  /// `provider_host`, token providers are handed to it in Full mode instead of being
  /// initialised in this process.
  LoadResult load(const std::vector<DriverSpec>& specs, LoadMode mode,
                  const ProviderHostFn& provider_host = nullptr) const;

 private:
  std::filesystem::path plugin_dir_;
  std::shared_ptr<spdlog::logger> logger_;
};

/// Same as DriverLoader(plugin_dir, logger).load(specs, mode, provider_host).
LoadResult load_drivers(const std::filesystem::path& plugin_dir, const std::vector<DriverSpec>& specs,
                        LoadMode mode, std::shared_ptr<spdlog::logger> logger = nullptr,
                        const ProviderHostFn& provider_host = nullptr);

}  // namespace eport::drivers

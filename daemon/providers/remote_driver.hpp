#pragma once
// Token-provider plug-ins served by helper processes, seen by the daemon as ordinary Drivers:
// a Driver over an ops table whose functions send each call to the helper (ProviderProcess)
// and wait, bounded, for the answer.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "drivers/loader.hpp"
#include "providers/provider_process.hpp"

namespace eport::providers {

/// How long the daemon waits for a provider call (wait_change: its timeout plus kGrace).
inline constexpr std::chrono::milliseconds kCallBudget{30000};
/// Extra wait for wait_change beyond its own timeout.
inline constexpr std::chrono::milliseconds kGrace{5000};

/// Makes Drivers for token providers by starting their helpers; remembers which helper serves
/// which Driver. Lives as long as those Drivers.
class ProviderHosts {
 public:
  /// `executable`: the eportd binary to start as `--provider-host` ("/proc/self/exe" in the
  /// daemon, the build's eportd in tests); `log_level` for the helpers.
  ProviderHosts(std::string executable, std::string log_level,
                std::shared_ptr<spdlog::logger> logger = nullptr);

  /// The loader's hook (drivers::LoadOptions::provider_host): starts the helper, waits for the
  /// plug-in's init() and returns a Driver whose calls go to it; nullptr with `reason` set when
  /// the helper could not load or initialise the plug-in.
  std::unique_ptr<drivers::Driver> host(const std::filesystem::path& plugin_dir,
                                        const drivers::DriverSpec& spec, std::string& reason);
  /// drivers::ProviderHostFn bound to this object.
  drivers::ProviderHostFn hook();

  /// ProviderLaunch::list_timeout for the helpers started from now on (tests shorten it).
  void set_list_timeout(std::chrono::milliseconds timeout) { list_timeout_ = timeout; }

  /// The helper behind a Driver made here, or nullptr (an in-process Driver).
  ProviderProcess* process_of(const drivers::Driver* driver) const;

 private:
  std::string executable_;
  std::string log_level_;
  std::shared_ptr<spdlog::logger> logger_;
  std::chrono::milliseconds list_timeout_{30000};
  mutable std::mutex mutex_;
  std::map<const drivers::Driver*, ProviderProcess*> processes_;
};

}  // namespace eport::providers

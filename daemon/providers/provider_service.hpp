#pragma once
// Every token-provider driver's watcher, built once by main():
//
//   providers::ProviderHosts hosts("/proc/self/exe", log_level);        // before loading drivers
//   auto loaded = drivers::load_drivers(dir, specs, Full, nullptr, hosts.hook());
//   ...CardService cards(...)...
//   providers::ProviderService providers(provider_drivers, cards.registry(), &hosts);
//   providers.start();      // after cards.start()
//   ...
//   providers.stop();       // before the card side and the drivers go

#include <memory>
#include <vector>

#include "devices/token_registry.hpp"
#include "drivers/driver.hpp"
#include "providers/provider_watcher.hpp"
#include "providers/remote_driver.hpp"

namespace eport::providers {

/// The token providers' side of the daemon.
class ProviderService {
 public:
  /// `drivers`: loaded drivers in config order (card drivers are skipped); they, `registry` and
  /// `hosts` (may be null: every driver in this process) must outlive the service.
  ProviderService(const std::vector<drivers::Driver*>& drivers, devices::TokenRegistry& registry,
                  const ProviderHosts* hosts, WatcherTuning tuning = {});
  /// stop().
  ~ProviderService();
  ProviderService(const ProviderService&) = delete;
  ProviderService& operator=(const ProviderService&) = delete;

  /// Starts one watcher per token provider.
  void start();
  /// Stops the watchers and every provider token's worker.
  void stop();

 private:
  struct Watched {
    ProviderProcess* process;
    std::unique_ptr<ProviderWatcher> watcher;
  };
  std::vector<Watched> watched_;
  bool started_ = false;
};

}  // namespace eport::providers

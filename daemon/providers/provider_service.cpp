#include "providers/provider_service.hpp"

namespace eport::providers {

ProviderService::ProviderService(const std::vector<drivers::Driver*>& drivers,
                                 devices::TokenRegistry& registry, const ProviderHosts* hosts,
                                 WatcherTuning tuning) {
  for (drivers::Driver* driver : drivers) {
    if (driver == nullptr || driver->is_card_driver()) continue;
    ProviderProcess* process = hosts != nullptr ? hosts->process_of(driver) : nullptr;
    watched_.push_back({process, std::make_unique<ProviderWatcher>(*driver, registry, process, tuning)});
  }
}

ProviderService::~ProviderService() { stop(); }

void ProviderService::start() {
  if (started_) return;
  started_ = true;
  for (auto& w : watched_) {
    ProviderWatcher* watcher = w.watcher.get();
    if (w.process != nullptr) w.process->on_change_hint([watcher] { watcher->rescan_soon(); });
    watcher->start();
  }
}

void ProviderService::stop() {
  for (auto& w : watched_) {
    if (w.process != nullptr) w.process->on_change_hint(nullptr);
    w.watcher->stop();
  }
}

}  // namespace eport::providers

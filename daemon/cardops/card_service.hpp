#pragma once
// Everything eportd needs for cards, built once by main(): the PC/SC watcher, the token
// registry with its workers, the expiry monitor, the events they publish, and the methods.
//
//   CardService cards(service_context, card_drivers);
//   cards.register_methods(table);
//   cards.start();          // after the server is ready to publish events
//   ...
//   cards.stop(grace);      // before the drivers are unloaded (false: a worker is stuck)

#include <chrono>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "cardops/card_context.hpp"
#include "devices/pcsc_watcher.hpp"
#include "devices/token_registry.hpp"

namespace eport::cardops {

/// Publishes reader/token events and reads certificates of new tokens for the expiry monitor.
class RegistryEvents final : public devices::RegistryListener {
 public:
  /// `context` is filled in after construction (the registry needs the listener first).
  explicit RegistryEvents(methods::ServiceContext& service) : service_(service) {}
  /// Set once the CardContext exists.
  void attach(CardContext* context) { context_ = context; }

  void on_pcsc_state(bool up, const std::string& detail) override;
  void on_reader_added(const devices::ReaderInfo& reader) override;
  void on_reader_removed(const std::string& reader) override;
  void on_token_added(const devices::Token& token) override;
  void on_token_removed(const devices::Token& token) override;

 private:
  methods::ServiceContext& service_;
  CardContext* context_ = nullptr;
};

/// Owns the card side of the daemon.
class CardService {
 public:
  /// `card_drivers`: loaded drivers in config order; they must outlive this object.
  CardService(methods::ServiceContext& service, std::vector<drivers::Driver*> card_drivers,
              x509::Clock clock = x509::system_clock());
  /// Stops the watcher, the workers and the monitor.
  ~CardService();
  CardService(const CardService&) = delete;
  CardService& operator=(const CardService&) = delete;

  /// Adds readers.list, tokens.list, token.status, cert.*, pin.*.
  void register_methods(ipc::MethodTable& table);
  /// Starts watching readers (when pcsc.enabled) and the expiry timer.
  void start();
  /// Stops watching, then the workers: waiting jobs end as token_removed, a running job
  /// finishes (its continuation still finds everything it uses), and the workers are joined —
  /// all before the expiry monitor and timer stop. Waits at most `grace` for the workers: false
  /// when one is still blocked on a card that never answers (then do not destroy this object:
  /// exit the process).
  bool stop(std::chrono::steady_clock::duration grace = std::chrono::hours(24 * 365));

  /// readers.list's list (for daemon.info / diag.report).
  nlohmann::json readers_json() const;
  /// tokens.list's list.
  nlohmann::json tokens_json() const;
  /// "up" / "down" as the watcher last saw pcscd; `detail` says why it is down.
  std::string pcsc_state(std::string* detail = nullptr) const;
  /// The token registry, for the token providers' watchers (daemon/providers).
  devices::TokenRegistry& registry() { return registry_; }

 private:
  methods::ServiceContext& service_;
  RegistryEvents events_;
  DeadlineTimer timer_;
  SlotLabels labels_;
  PukMemory puks_;
  CertCache certs_;
  ReadCoalescer coalescer_;
  x509::SummaryMemo summaries_;
  devices::TokenRegistry registry_;
  ExpiryMonitor expiry_;
  CardContext context_;
  std::unique_ptr<devices::PcscWatcher> watcher_;
  bool started_ = false;
};

}  // namespace eport::cardops

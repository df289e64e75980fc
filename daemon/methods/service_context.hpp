#pragma once
// What method handlers may use. main() builds one ServiceContext and passes it by reference to
// every register_*_methods() call; there are no singletons.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "config/shared_config.hpp"
#include "drivers/types.hpp"
#include "events/event_bus.hpp"
#include "methods/background_tasks.hpp"
#include "methods/pcsc_probe.hpp"

namespace eport::methods {

/// A configured plug-in that did not load (shown by drivers.list and diag.report).
struct DriverFailure {
  std::string name;     ///< configured name
  std::string library;  ///< path tried
  std::string error;    ///< what went wrong and what to do
};

/// Shared daemon state for handlers. Members are references to objects main() owns.
struct ServiceContext {
  /// The parts every handler may rely on; the rest is filled in by main() after construction.
  ServiceContext(config::SharedConfig& config_, events::EventBus& events_, audit::AuditLog& audit_,
                 BackgroundTasks& background_, PcscProbe& pcsc_, std::string socket_path_)
      : config(config_),
        events(events_),
        audit(audit_),
        background(background_),
        pcsc(pcsc_),
        socket_path(std::move(socket_path_)) {}

  config::SharedConfig& config;  ///< validated configuration; take a snapshot with get()
  events::EventBus& events;      ///< publish/subscribe
  audit::AuditLog& audit;        ///< privileged-call records
  BackgroundTasks& background;   ///< short blocking jobs off the I/O thread
  PcscProbe& pcsc;               ///< pcscd reachability
  std::string socket_path;       ///< the socket actually served (may differ from config)
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();  ///< start time
  std::vector<drivers::DriverInfo> drivers;    ///< loaded plug-ins as the loader describes them
  std::vector<DriverFailure> driver_failures;  ///< plug-ins that failed to load
  std::vector<std::string> warnings;           ///< config and start-up warnings for diag.report

  // Live device state for daemon.info and diag.report, set by main() when the card side is
  // built (methods do not depend on it). Each must be thread-safe; unset = nothing known.
  std::function<nlohmann::json()> readers_view;  ///< readers.list's `readers` list
  std::function<nlohmann::json()> tokens_view;   ///< tokens.list's `tokens` list
  /// pcscd as the reader watcher sees it ("up"/"down", detail when down); unset = use `pcsc`.
  std::function<std::string(std::string* detail)> pcsc_view;
  /// A loaded driver's own status report (ABI 1.1 report_status: e.g. which PKCS#11 modules
  /// work), or null; set by main(). drivers.list shows it as `status`, diag.report adds its
  /// `problems`. Unset = none.
  std::function<nlohmann::json(const std::string& driver)> driver_status_view;
  /// diag.report's `usb` section given readers.list's list (null when PC/SC is not up); set by
  /// main() from the USB watcher. Unset = only `{enabled}` from the configuration.
  std::function<nlohmann::json(const nlohmann::json& readers)> usb_view;
  /// diag.report's `metrics` section (the textfile writer's status); unset = not shown.
  std::function<nlohmann::json()> metrics_view;
  /// Where eportd logs: "journal", "stderr" or "syslog" (diag.report's `log`, eportctl's bundle).
  std::string log_target = "stderr";
};

/// readers_view() or an empty list.
nlohmann::json current_readers(const ServiceContext& context);
/// tokens_view() or an empty list.
nlohmann::json current_tokens(const ServiceContext& context);
/// "up"/"down" from the watcher when there is one, else from a (cached) probe. May block
/// briefly: call off the I/O thread. `detail` receives why it is down.
std::string current_pcsc_state(const ServiceContext& context, std::string* detail = nullptr);

/// eportd's version, e.g. "0.1.0".
std::string daemon_version();

/// Seconds since `context.started`.
long long uptime_seconds(const ServiceContext& context);

}  // namespace eport::methods

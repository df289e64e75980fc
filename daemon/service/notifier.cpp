#include "service/notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>

namespace eport::service {

std::string status_assignment(std::string_view text) {
  std::string line = "STATUS=";
  for (char c : text) {
    line += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return line;
}

std::optional<std::chrono::microseconds> ping_interval_for(std::chrono::microseconds watchdog) {
  if (watchdog.count() <= 0) {
    return std::nullopt;
  }
  // Never zero: a 1 µs WatchdogSec would otherwise make the timer spin.
  return std::chrono::microseconds(watchdog.count() / 2 > 0 ? watchdog.count() / 2 : 1);
}

Notifier::Notifier() {
  std::uint64_t usec = 0;
  // unset_environment=0: the value stays readable, e.g. for a re-exec after an upgrade.
  if (sd_watchdog_enabled(0, &usec) > 0) {
    ping_interval_ = ping_interval_for(std::chrono::microseconds(static_cast<std::int64_t>(usec)));
  }
}

bool Notifier::enabled() const {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

bool Notifier::send(const std::string& message) const {
  if (!enabled()) {
    return true;
  }
  return sd_notify(0, message.c_str()) > 0;
}

bool Notifier::ready(std::string_view status) const {
  std::string message = "READY=1";
  if (!status.empty()) {
    message += "\n" + status_assignment(status);
  }
  return send(message);
}

bool Notifier::stopping() const { return send("STOPPING=1"); }

bool Notifier::reloading() const { return send("RELOADING=1"); }

bool Notifier::status(std::string_view text) const { return send(status_assignment(text)); }

bool Notifier::watchdog_ping() const { return send("WATCHDOG=1"); }

}  // namespace eport::service

// systemd readiness, status and watchdog notifications (Type=notify); no-ops outside systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace eport::service {

/// "STATUS=<text>" with newlines flattened, because the notify protocol is one assignment a line.
std::string status_assignment(std::string_view text);

/// How often to ping the watchdog for a given WatchdogSec: half of it, as systemd recommends,
/// so that one late timer tick never kills a healthy daemon. Empty for a zero interval.
std::optional<std::chrono::microseconds> ping_interval_for(std::chrono::microseconds watchdog);

/// Talks to the service manager over $NOTIFY_SOCKET. Every call is harmless without systemd,
/// so main can call them unconditionally. Calls return false only when a message was due but
/// could not be sent (a reason to log a warning, never to stop).
class Notifier {
 public:
  /// Reads the watchdog settings ($WATCHDOG_USEC, $WATCHDOG_PID) once.
  Notifier();

  /// READY=1 (with an optional STATUS=): the socket is listening and requests will be served.
  bool ready(std::string_view status = {}) const;
  /// STOPPING=1: shutdown has begun; systemd stops waiting for more notifications.
  bool stopping() const;
  /// RELOADING=1: a SIGHUP reload is running; call ready() again when it is done.
  bool reloading() const;
  /// STATUS=<text>: one line shown by `systemctl status eportd`.
  bool status(std::string_view text) const;
  /// WATCHDOG=1: the event loop is alive. Schedule it every watchdog_interval().
  bool watchdog_ping() const;

  /// True when systemd gave us a notification socket.
  bool enabled() const;
  /// How often the server must call watchdog_ping(); empty when the watchdog is off.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return ping_interval_; }

 private:
  bool send(const std::string& message) const;

  std::optional<std::chrono::microseconds> ping_interval_;
};

}  // namespace eport::service

#pragma once
// What every connection of the web part shares: the running configuration (read per
// connection, so a reload's web.allowed_origins and limits apply to the next one), the
// dispatcher and event bus of the Unix socket, the open connections and the refusal log.

#include <cstddef>
#include <string>

#include "config/shared_config.hpp"
#include "events/event_bus.hpp"
#include "ipc/dispatcher.hpp"
#include "ipc/log_throttle.hpp"
#include "web/origin_policy.hpp"
#include "web/web_client.hpp"

namespace eport::web {

/// Shared state of the web part; owned by WebServer, used on the I/O thread only.
struct WebContext {
  const config::SharedConfig& config;  ///< web.* and limits.* in force
  const ipc::Dispatcher& dispatcher;   ///< the same methods and roles as the Unix socket
  events::EventBus& events;            ///< events for /ws subscribers and the status page
  WebClients clients;                  ///< open connections
  ipc::LogThrottle refusal_log{};      ///< 403s and refused connections: one line per 10 s
  std::size_t refusals = 0;            ///< 403s and refused connections since start

  /// The Host/Origin policy of the configuration in force now.
  OriginPolicy policy() const {
    const auto now = config.get();
    return OriginPolicy(now->web.host, now->web.port, now->web.allowed_origins);
  }
  /// Logs a refusal, at most one line per 10 s with the count of those left out.
  void log_refusal(const std::string& what);
};

}  // namespace eport::web

#include "methods/service_context.hpp"

namespace eport::methods {

std::string daemon_version() { return EPORT_VERSION; }

long long uptime_seconds(const ServiceContext& context) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - context.started)
      .count();
}

}  // namespace eport::methods

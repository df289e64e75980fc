#include "methods/service_context.hpp"

namespace eport::methods {

std::string daemon_version() { return EPORT_VERSION; }

long long uptime_seconds(const ServiceContext& context) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - context.started)
      .count();
}

nlohmann::json current_readers(const ServiceContext& context) {
  return context.readers_view ? context.readers_view() : nlohmann::json::array();
}

nlohmann::json current_tokens(const ServiceContext& context) {
  return context.tokens_view ? context.tokens_view() : nlohmann::json::array();
}

std::string current_pcsc_state(const ServiceContext& context, std::string* detail) {
  if (context.pcsc_view) return context.pcsc_view(detail);
  context.pcsc.refresh();
  if (detail) *detail = context.pcsc.detail();
  return context.pcsc.state();
}

}  // namespace eport::methods

// daemon.info: version, uptime, drivers and whether pcscd answers.
#include "methods/registry.hpp"

namespace eport::methods {

namespace {
/// The status page's address when the web part runs (docs/web.md), else null.
nlohmann::json web_address(const config::Config& config) {
  if (!config.web.enabled) return nullptr;
  const bool v6 = config.web.host.find(':') != std::string::npos;
  const std::string host = v6 ? "[" + config.web.host + "]" : config.web.host;
  return "http://" + host + ":" + std::to_string(config.web.port) + "/";
}
}  // namespace

void register_daemon_methods(ipc::MethodTable& table, ServiceContext& context) {
  table.add({"daemon.info", ipc::Role::all,
             [&context](const ipc::Request&, ipc::Reply reply) {
               // The pcscd probe may block: answer from the background thread.
               context.background.post_or_busy(reply, [&context, reply] {
                 const std::string pcsc = current_pcsc_state(context);
                 auto drivers = nlohmann::json::array();
                 for (const auto& d : context.drivers)
                   drivers.push_back({{"name", d.name}, {"version", d.version}, {"abi", d.abi}});
                 reply.result({{"version", daemon_version()},
                               {"uptime_s", uptime_seconds(context)},
                               {"drivers", drivers},
                               {"readers", current_readers(context)},
                               {"tokens", current_tokens(context)},
                               {"pcsc", pcsc},
                               {"web", web_address(*context.config.get())}});
               });
             },
             false, "version, uptime, drivers, readers, tokens, pcsc state"});
}

void register_driver_methods(ipc::MethodTable& table, ServiceContext& context) {
  table.add({"drivers.list", ipc::Role::all,
             [&context](const ipc::Request&, ipc::Reply reply) {
               auto drivers = nlohmann::json::array();
               for (const auto& d : context.drivers) {
                 drivers.push_back(d);  // drivers::to_json
                 auto status = context.driver_status_view ? context.driver_status_view(d.name) : nullptr;
                 if (status.is_object()) drivers.back()["status"] = std::move(status);
               }
               auto failed = nlohmann::json::array();
               for (const auto& f : context.driver_failures)
                 failed.push_back({{"name", f.name}, {"library", f.library}, {"error", f.error}});
               reply.result({{"drivers", drivers}, {"failed", failed}});
             },
             false, "loaded driver plug-ins and the ones that failed to load"});
}

void register_guidance_methods(ipc::MethodTable& table, ServiceContext& context) {
  table.add(
      {"guidance.get", ipc::Role::all,
       [&context](const ipc::Request&, ipc::Reply reply) { reply.result(context.config.get()->guidance); },
       false, "help-desk guidance: business sites and what to bring"});
}

void register_core_methods(ipc::MethodTable& table, ServiceContext& context) {
  register_session_methods(table, context);
  register_daemon_methods(table, context);
  register_driver_methods(table, context);
  register_event_methods(table, context);
  register_diag_methods(table, context);
  register_audit_methods(table, context);
  register_guidance_methods(table, context);
}

}  // namespace eport::methods

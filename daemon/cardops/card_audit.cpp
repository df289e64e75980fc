#include "cardops/card_audit.hpp"

#include <spdlog/spdlog.h>

#include "audit/audit_log.hpp"
#include "ipc/method_table.hpp"
#include "methods/registry.hpp"
#include "methods/service_context.hpp"

namespace eport::cardops {

bool record_attempt(methods::ServiceContext& service, const CardCall& call, const std::string& job) {
  audit::AuditRecord record;
  record.time = std::chrono::system_clock::now();
  record.uid = call.peer.uid;
  record.gid = call.peer.gid;
  record.pid = call.peer.pid;
  record.process =
      call.peer.web_origin.empty() ? audit::process_name(call.peer.pid) : "web " + call.peer.web_origin;
  record.method = call.method;
  record.token = call.token.substr(0, 128);
  record.outcome = "attempt";
  record.job = job;
  if (service.audit.append(record)) return true;
  spdlog::error("could not write the audit record of {} on {} to {}: nothing was sent to the card",
                call.method, call.token, service.audit.path());
  return false;
}

void record_late_outcome(methods::ServiceContext& service, const CardCall& call, const std::string& job,
                         nlohmann::json response) {
  // The dispatcher's own record builder, fed with the call's named fields only.
  ipc::Request request;
  request.id = call.id;
  request.method = call.method;
  request.params = {{"token", call.token}};
  request.peer = call.peer;
  response["job"] = job;
  methods::make_audit_hook(service)(request, response, [] {});  // nobody waits: the caller heard timeout
}

}  // namespace eport::cardops

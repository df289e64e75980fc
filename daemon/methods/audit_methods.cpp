// audit.tail (admin) and the audit hook that records every audited call.
#include <spdlog/spdlog.h>

#include "eport/common/reasons.hpp"
#include "ipc/params.hpp"
#include "methods/registry.hpp"

namespace eport::methods {

namespace {

audit::AuditRecord record_for(const ipc::Request& request, const nlohmann::json& response) {
  audit::AuditRecord record;
  record.time = std::chrono::system_clock::now();
  record.uid = request.peer.uid;
  record.gid = request.peer.gid;
  record.pid = request.peer.pid;
  // A web client has no process to name: the page's origin says who it was (docs/web.md).
  record.process = request.peer.web_origin.empty() ? audit::process_name(request.peer.pid)
                                                   : "web " + request.peer.web_origin;
  record.method = request.method;
  // Only the token id is taken from the params: everything else there may be a secret.
  if (const auto token = request.params.find("token"); token != request.params.end() && token->is_string())
    record.token = token->get<std::string>().substr(0, 128);
  // Non-secret facts a card job adds to its answer (cardops): which job, what the card holds.
  const auto text_of = [](const nlohmann::json& object, const char* key) {
    const auto it = object.is_object() ? object.find(key) : object.end();
    return it != object.end() && it->is_string() ? it->get<std::string>().substr(0, 4096) : std::string();
  };
  const auto& result = response.value("result", nlohmann::json::object());
  const auto& data =
      response.value("error", nlohmann::json::object()).value("data", nlohmann::json::object());
  // The job: beside the answer for a late outcome (card_audit), else inside the result or the
  // error's data (cardops' with_job).
  record.job = text_of(response, "job");
  if (record.job.empty())
    record.job = response.contains("result") ? text_of(result, "job") : text_of(data, "job");
  record.write_state = text_of(data, "write_state");
  record.backup = text_of(response.contains("result") ? result : data, "backup");
  if (response.contains("result")) {
    record.outcome = "ok";
  } else {
    const auto& error = response.value("error", nlohmann::json::object());
    const auto& data = error.value("data", nlohmann::json::object());
    const std::string reason = data.is_object() ? data.value("reason", "") : "";
    record.outcome = reason == reasons::not_authorized ? "refused" : "error";
    record.reason = !reason.empty() ? reason : "code " + std::to_string(error.value("code", 0));
  }
  return record;
}

}  // namespace

ipc::AuditHook make_audit_hook(ServiceContext& context) {
  return [&context](const ipc::Request& request, const nlohmann::json& response, std::function<void()> send) {
    context.audit.post(record_for(request, response),
                       [&context, method = request.method, send = std::move(send)](bool written) {
                         if (!written)
                           spdlog::error("could not write the audit record for {} to {}: check the disk",
                                         method, context.audit.path());
                         send();
                       });
  };
}

void register_audit_methods(ipc::MethodTable& table, ServiceContext& context) {
  table.add({"audit.tail", ipc::Role::admin,
             [&context](const ipc::Request& request, ipc::Reply reply) {
               const auto limit = ipc::optional_integer(request.params, "limit", 1, 10000).value_or(50);
               context.background.post_or_busy(reply, [&context, reply, limit] {
                 reply.result({{"records", context.audit.tail(static_cast<std::size_t>(limit))}});
               });
             },
             true, "the last audit records (admin)"});
}

}  // namespace eport::methods

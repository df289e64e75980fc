#include "ipc/dispatcher.hpp"

#include "eport/common/reasons.hpp"
#include "ipc/error_codes.hpp"
#include "ipc/json_message.hpp"
#include "ipc/secure_wipe.hpp"

namespace eport::ipc {

namespace {

bool valid_id(const nlohmann::json& id) {
  return id.is_string() || id.is_number() || id.is_null() || raw_number_text(id).has_value();
}

/// Checks the envelope; returns an error message, or "" when the request is well formed.
std::string envelope_problem(const nlohmann::json& message) {
  if (message.is_array()) return "batches are not supported; send one request object per line";
  if (!message.is_object()) return "a request must be a JSON object";
  const auto version = message.find("jsonrpc");
  if (version == message.end() || *version != "2.0") return "\"jsonrpc\" must be \"2.0\"";
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string()) return "\"method\" must be a string";
  if (message.contains("id") && !valid_id(message["id"])) return "\"id\" must be a string, a number or null";
  if (message.contains("params") && !message["params"].is_object() && !message["params"].is_array() &&
      !message["params"].is_null())
    return "\"params\" must be an object";
  return {};
}

}  // namespace

void wipe_strings(nlohmann::json& value) {
  if (value.is_string()) {
    secure_clear(value.get_ref<std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) wipe_strings(item);
  }
}

Dispatcher::Dispatcher(const MethodTable& table, AccessPolicy policy, AuditHook audit)
    : table_(table), policy_(std::move(policy)), audit_(std::move(audit)) {}

nlohmann::json Dispatcher::too_long_response(std::size_t limit) {
  return make_error_response(nullptr, kInvalidRequest,
                             "message longer than " + std::to_string(limit) +
                                 " bytes; the connection is closed. Send smaller requests, one "
                                 "per line",
                             {{"limit", limit}});
}

void Dispatcher::dispatch(std::string_view line, const CallerContext& caller, Reply::Sink sink) const {
  try {
    dispatch_line(line, caller, sink);
  } catch (const std::exception& e) {
    // Only a bug (or memory exhaustion) gets here; the client hears about it, the daemon goes on.
    sink(make_error_response(
        nullptr, kInternalError,
        std::string("internal error: ") + e.what() + "; please report this as an eportd bug"));
  }
}

void Dispatcher::dispatch_line(std::string_view line, const CallerContext& caller,
                               const Reply::Sink& sink) const {
  ParsedMessage parsed = parse_message(line);
  if (!parsed) {
    sink(make_error_response(nullptr, kParseError,
                             "parse error: the line is not valid JSON; send one JSON-RPC request "
                             "object per line",
                             {{"detail", parsed.error()}}));
    return;
  }
  dispatch_value(std::move(*parsed), caller, sink);
}

void Dispatcher::dispatch_value(nlohmann::json message, const CallerContext& caller, Reply::Sink sink) const {
  if (const std::string problem = envelope_problem(message); !problem.empty()) {
    nlohmann::json id = message.is_object() && message.contains("id") && valid_id(message["id"])
                            ? message["id"]
                            : nlohmann::json(nullptr);
    sink(make_error_response(id, kInvalidRequest, "invalid request: " + problem));
    return;
  }
  const bool notification = !message.contains("id");
  Request request;
  request.id = notification ? nlohmann::json(nullptr) : message["id"];
  request.method = message["method"].get<std::string>();
  request.peer = caller.peer;
  request.admin = policy_.is_admin(caller.peer);
  request.session = caller.session;
  if (notification) {
    // JSON-RPC: a notification is never answered, even with an error.
    sink = [inner = std::move(sink)](nlohmann::json) { inner(nullptr); };
  }
  // Moved, not copied: the params may hold a PIN, PUK or key (wiped after the handler ran).
  nlohmann::json params = nlohmann::json::object();
  if (auto it = message.find("params"); it != message.end()) params = std::move(*it);
  if (params.is_array()) {
    wipe_strings(params);
    sink(make_error_response(request.id, kInvalidParams,
                             "invalid params: params must be an object with named members"));
    return;
  }
  request.params = params.is_null() ? nlohmann::json::object() : std::move(params);
  const MethodSpec* spec = table_.find(request.method);
  if (!spec) {
    sink(make_error_response(
        request.id, kMethodNotFound,
        "method not found: " + request.method + "; session.hello lists the methods this eportd offers"));
    return;
  }
  run(*spec, std::move(request), std::move(sink));
}

void Dispatcher::run(const MethodSpec& spec, Request request, Reply::Sink sink) const {
  if (call_hook_)
    sink = [hook = call_hook_, method = spec.name, inner = std::move(sink)](nlohmann::json response) {
      hook(method, response);
      inner(std::move(response));
    };
  if (spec.audited && audit_) {
    // The hook gets only what a record is built from — never the params (PIN, PUK, key).
    Request audited{request.id,   request.method, nlohmann::json::object(),
                    request.peer, request.admin,  nullptr};
    if (auto token = request.params.find("token"); token != request.params.end() && token->is_string())
      audited.params["token"] = *token;
    sink = [audit = audit_, audited = std::move(audited), inner = std::move(sink)](nlohmann::json response) {
      auto held = std::make_shared<nlohmann::json>(std::move(response));
      audit(audited, *held, [inner, held] { inner(std::move(*held)); });
    };
  }
  // Handlers copy what they keep (and wipe their secrets); what the parser made is wiped here.
  struct WipeParams {
    nlohmann::json& params;
    ~WipeParams() { wipe_strings(params); }
  } wipe_params{request.params};
  Reply reply(request.id, std::move(sink));
  if (spec.role == Role::admin && !request.admin) {
    reply.fail(reasons::not_authorized,
               spec.name +
                   " needs the admin role: run it as root or as a member of a group "
                   "listed in access.admin_groups",
               {{"required", "admin"}});
    return;
  }
  try {
    spec.handler(request, reply);
  } catch (const InvalidParams& e) {
    reply.error(kInvalidParams, std::string("invalid params: ") + e.what());
  } catch (const std::exception& e) {
    reply.error(kInternalError, std::string("internal error in ") + spec.name + ": " + e.what());
  } catch (...) {
    reply.error(kInternalError, "internal error in " + spec.name + ": an unknown exception");
  }
}

}  // namespace eport::ipc

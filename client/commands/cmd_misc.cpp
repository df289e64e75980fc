// watch, audit, call, and the command dispatcher.
#include "commands.hpp"

#include "cli.hpp"
#include "format.hpp"

#include <csignal>
#include <functional>
#include <map>

namespace eport::client {

using nlohmann::json;

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void request_stop(int) { g_stop = 1; }

}  // namespace

int cmd_watch(const Context& ctx) {
  auto rpc = ctx.connect();
  json sub = rpc->call("events.subscribe", json::object());
  if (!ctx.opt.json) ctx.err << tr(ctx.lang, "watch.started") << std::endl;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  while (!g_stop) {
    auto note = rpc->next_notification(std::chrono::milliseconds(500));
    if (!note) continue;
    json params = note->value("params", json::object());
    if (note->value("method", std::string()) != "event" && !params.contains("topic"))
      params["topic"] = note->value("method", std::string());
    if (ctx.opt.json) ctx.out << params.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
    else ctx.out << render_event(ctx.lang, params) << std::endl;
  }
  return exit_ok;
}

int cmd_audit(const Context& ctx) {
  auto rpc = ctx.connect();
  json records = rpc->call("audit.tail", {{"limit", ctx.opt.audit_limit}}).value("records", json::array());
  if (ctx.opt.json) {
    ctx.print_json({{"records", records}});
    return exit_ok;
  }
  if (records.empty()) ctx.out << tr(ctx.lang, "audit.empty") << "\n";
  for (const auto& r : records) ctx.out << render_audit_record(ctx.lang, r) << "\n";
  return exit_ok;
}

int cmd_open(const Context& ctx) {
  auto rpc = ctx.connect();
  const json info = rpc->call("daemon.info", json::object());
  const json web = info.value("web", json());
  if (ctx.opt.json) {
    ctx.print_json({{"web", web}});
    return web.is_string() ? exit_ok : exit_failed;
  }
  if (!web.is_string())
    return ctx.report({"web_off", tr(ctx.lang, "open.off"), tr(ctx.lang, "open.off.todo")}, exit_failed);
  ctx.out << web.get<std::string>() << "\n";
  ctx.err << tr(ctx.lang, "open.hint") << "\n";
  return exit_ok;
}

int cmd_call(const Context& ctx) {
  json params = nullptr;
  if (!ctx.opt.params.empty()) {
    params = json::parse(ctx.opt.params, nullptr, false);
    if (params.is_discarded() || !params.is_object())
      return ctx.report({"bad_json", tr(ctx.lang, "call.bad_json"), tr(ctx.lang, "call.bad_json.todo")},
                        kExitUsage);
  }
  auto rpc = ctx.connect();
  json result = rpc->call(ctx.opt.method, params);
  ctx.out << result.dump(ctx.opt.json ? -1 : 2, ' ', false, json::error_handler_t::replace) << "\n";
  return exit_ok;
}

int run_command(const Context& ctx) {
  static const std::map<std::string, std::function<int(const Context&)>> commands = {
      {"status", cmd_status},         {"tokens", cmd_tokens}, {"readers", cmd_readers},
      {"check", cmd_check},           {"unlock", cmd_unlock}, {"renew", cmd_renew},
      {"change-pin", cmd_change_pin}, {"watch", cmd_watch},   {"doctor", cmd_doctor},
      {"audit", cmd_audit},           {"call", cmd_call},     {"open", cmd_open}};
  auto it = commands.find(ctx.opt.command);
  if (it == commands.end()) return kExitUsage;
  try {
    return it->second(ctx);
  } catch (const ConnectError& e) {
    return ctx.report(explain_connect_error(ctx.lang, e), exit_unreachable);
  } catch (const RpcError& e) {
    json data = e.data.is_object() ? e.data : json::object();
    if (!ctx.opt.token.empty() && !data.contains("token")) data["token"] = ctx.opt.token;
    auto ex = explain_reason(ctx.lang, explain_rpc_error(ctx.lang, e).reason, data, e.what());
    return ctx.report(ex, exit_failed);
  }
}

}  // namespace eport::client

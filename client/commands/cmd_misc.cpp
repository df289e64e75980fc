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

int cmd_watch(const Invocation& inv) {
  auto rpc = inv.connect();
  json sub = rpc->call("events.subscribe", json::object());
  if (!inv.opt.json) inv.err << tr(inv.lang, "watch.started") << std::endl;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  while (!g_stop) {
    auto note = rpc->next_notification(std::chrono::milliseconds(500));
    if (!note) continue;
    json params = note->value("params", json::object());
    if (note->value("method", std::string()) != "event" && !params.contains("topic"))
      params["topic"] = note->value("method", std::string());
    if (inv.opt.json) inv.out << params.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
    else inv.out << render_event(inv.lang, params) << std::endl;
  }
  return exit_ok;
}

int cmd_audit(const Invocation& inv) {
  auto rpc = inv.connect();
  json records = rpc->call("audit.tail", {{"limit", inv.opt.audit_limit}}).value("records", json::array());
  if (inv.opt.json) {
    inv.print_json({{"records", records}});
    return exit_ok;
  }
  if (records.empty()) inv.out << tr(inv.lang, "audit.empty") << "\n";
  for (const auto& r : records) inv.out << render_audit_record(inv.lang, r) << "\n";
  return exit_ok;
}

int cmd_open(const Invocation& inv) {
  auto rpc = inv.connect();
  const json info = rpc->call("daemon.info", json::object());
  const json web = info.value("web", json());
  if (inv.opt.json) {
    inv.print_json({{"web", web}});
    return web.is_string() ? exit_ok : exit_failed;
  }
  if (!web.is_string())
    return inv.report({"web_off", tr(inv.lang, "open.off"), tr(inv.lang, "open.off.todo")}, exit_failed);
  inv.out << web.get<std::string>() << "\n";
  inv.err << tr(inv.lang, "open.hint") << "\n";
  return exit_ok;
}

int cmd_call(const Invocation& inv) {
  json params = nullptr;
  if (!inv.opt.params.empty()) {
    params = json::parse(inv.opt.params, nullptr, false);
    if (params.is_discarded() || !params.is_object())
      return inv.report({"bad_json", tr(inv.lang, "call.bad_json"), tr(inv.lang, "call.bad_json.todo")},
                        kExitUsage);
  }
  auto rpc = inv.connect();
  json result = rpc->call(inv.opt.method, params);
  inv.out << result.dump(inv.opt.json ? -1 : 2, ' ', false, json::error_handler_t::replace) << "\n";
  return exit_ok;
}

int run_command(const Invocation& inv) {
  static const std::map<std::string, std::function<int(const Invocation&)>> commands = {
      {"status", cmd_status},         {"tokens", cmd_tokens}, {"readers", cmd_readers},
      {"check", cmd_check},           {"unlock", cmd_unlock}, {"renew", cmd_renew},
      {"change-pin", cmd_change_pin}, {"watch", cmd_watch},   {"doctor", cmd_doctor},
      {"audit", cmd_audit},           {"call", cmd_call},     {"open", cmd_open},
      {"verify-pin", cmd_verify_pin}};
  auto it = commands.find(inv.opt.command);
  if (it == commands.end()) return kExitUsage;
  try {
    return it->second(inv);
  } catch (const ConnectError& e) {
    return inv.report(explain_connect_error(inv.lang, e), exit_unreachable);
  } catch (const RpcError& e) {
    json data = e.data.is_object() ? e.data : json::object();
    if (!inv.opt.token.empty() && !data.contains("token")) data["token"] = inv.opt.token;
    auto ex = explain_reason(inv.lang, explain_rpc_error(inv.lang, e).reason, data, e.what());
    return inv.report(ex, exit_failed);
  }
}

}  // namespace eport::client

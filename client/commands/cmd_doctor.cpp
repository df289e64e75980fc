// doctor: diag.report and friends as a checklist where every failed item says what to do.
#include "commands.hpp"

#include "doctor_checks.hpp"
#include "health.hpp"

#include <cerrno>

namespace eport::client {

using nlohmann::json;

namespace {

// Asks one method; a method this eportd lacks (or refuses) leaves the fact empty.
json ask(RpcClient& rpc, const char* method, const json& params = nullptr) {
  try {
    return rpc.call(method, params);
  } catch (const RpcError&) {
    return json();
  }
}

json list_of(const json& result, const char* key) {
  return result.is_object() && result.contains(key) && result[key].is_array() ? result[key] : json::array();
}

Level level_of(const std::string& status) {
  if (status == "ok") return Level::ok;
  if (status == "warn") return Level::warn;
  if (status == "skip") return Level::info;
  return Level::bad;
}

int print_items(const Context& ctx, const std::vector<CheckItem>& items, const std::vector<Finding>& findings,
                const Guidance& guidance, int code) {
  if (ctx.opt.json) {
    json list = json::array();
    for (const auto& i : items)
      list.push_back({{"id", i.id}, {"status", i.status}, {"text", i.text}, {"advice", i.advice}});
    ctx.print_json({{"ok", code == exit_ok},
                    {"exit_code", code},
                    {"items", list},
                    {"findings", findings_json(ctx.lang, findings, guidance)}});
    return code;
  }
  ctx.out << ctx.style.bold(tr(ctx.lang, "doctor.heading")) << "\n";
  for (const auto& i : items) {
    ctx.out << "  " << ctx.style.mark(level_of(i.status)) << " " << i.text << "\n";
    if (!i.advice.empty()) ctx.out << "      " << ctx.style.paint(Level::info, "→ ") << i.advice << "\n";
  }
  print_advice(ctx, findings, guidance);
  bool cards_need_care = false;
  for (const auto& f : findings)
    cards_need_care =
        cards_need_care || (f.problem != Problem::pin_default && f.problem != Problem::pin_final_try);
  ctx.out << "\n";
  if (code != exit_ok)
    ctx.out << ctx.style.mark(Level::bad) << " " << tr(ctx.lang, "doctor.verdict.bad") << "\n";
  else if (cards_need_care)
    ctx.out << ctx.style.mark(Level::warn) << " " << tr(ctx.lang, "doctor.verdict.cards") << "\n";
  else ctx.out << ctx.style.mark(Level::ok) << " " << tr(ctx.lang, "doctor.verdict.ok") << "\n";
  return code;
}

}  // namespace

int cmd_doctor(const Context& ctx) {
  std::vector<CheckItem> items;
  std::unique_ptr<RpcClient> rpc;
  DoctorFacts facts;
  try {
    rpc = ctx.connect();
    facts.hello = rpc->call("session.hello", {{"client", "eportctl"}, {"protocol", 1}});
  } catch (const ConnectError& e) {
    auto ex = explain_connect_error(ctx.lang, e);
    items.push_back({"eportd", "fail", ex.what, ex.todo});
    if (e.err != ENOENT) items.push_back(socket_item(ctx.lang, ctx.opt.socket, json()));
    return print_items(ctx, items, {}, default_guidance(), exit_unreachable);
  } catch (const RpcError&) {
    facts.hello = json();  // an eportd without session.hello is still reachable
  }
  items.push_back(
      {"eportd", "ok",
       trf(ctx.lang, "doctor.eportd.ok",
           {{"path", ctx.opt.socket},
            {"server",
             facts.hello.is_object() ? facts.hello.value("server", std::string("eportd")) : "eportd"}}),
       ""});
  items.push_back(socket_item(ctx.lang, ctx.opt.socket, json()));
  facts.info = ask(*rpc, "daemon.info");
  facts.diag = ask(*rpc, "diag.report");
  facts.readers = list_of(ask(*rpc, "readers.list"), "readers");
  facts.tokens = list_of(ask(*rpc, "tokens.list"), "tokens");
  facts.drivers = list_of(ask(*rpc, "drivers.list"), "drivers");
  if (facts.drivers.empty() && facts.diag.is_object())
    facts.drivers = list_of(facts.diag.value("drivers", json::object()), "loaded");
  items.back() = socket_item(ctx.lang, ctx.opt.socket, facts.diag);
  auto more = evaluate_doctor(ctx.lang, facts);
  items.insert(items.end(), more.begin(), more.end());
  std::vector<Finding> findings;
  for (const auto& t : facts.tokens) {
    json status = ask(*rpc, "token.status", {{"token", t.value("id", std::string())}});
    if (!status.is_object()) continue;
    auto f = findings_for_status(status);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  if (findings.empty()) items.push_back({"card_health", "ok", tr(ctx.lang, "doctor.health.ok"), ""});
  else
    items.push_back({"card_health", "warn",
                     trf(ctx.lang, "doctor.health.problems", {{"n", std::to_string(findings.size())}}), ""});
  Guidance guidance = findings.empty() ? default_guidance() : fetch_guidance(*rpc);
  int code = exit_ok;
  for (const auto& i : items)
    if (i.status == "fail") code = exit_failed;
  return print_items(ctx, items, findings, guidance, code);
}

}  // namespace eport::client

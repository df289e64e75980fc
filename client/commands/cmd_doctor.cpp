// doctor: diag.report and friends as a checklist where every failed item says what to do;
// with --bundle FILE also a support bundle for the help desk (cmd_bundle.cpp).
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

/// The checklist when eportd cannot be reached (the bundle is still made from what is local).
DoctorRun unreachable(const Context& ctx, const ConnectError& e) {
  DoctorRun run;
  auto ex = explain_connect_error(ctx.lang, e);
  run.items.push_back({"eportd", "fail", ex.what, ex.todo});
  if (e.err != ENOENT) run.items.push_back(socket_item(ctx.lang, ctx.opt.socket, json()));
  run.guidance = default_guidance();
  run.code = exit_unreachable;
  run.connect_problem = ex.what;
  return run;
}

void check_cards(const Context& ctx, RpcClient& rpc, const DoctorFacts& facts, DoctorRun& run) {
  for (const auto& t : facts.tokens) {
    json status = ask(rpc, "token.status", {{"token", t.value("id", std::string())}});
    if (!status.is_object()) continue;
    auto f = findings_for_status(status);
    run.findings.insert(run.findings.end(), f.begin(), f.end());
  }
  if (run.findings.empty()) run.items.push_back({"card_health", "ok", tr(ctx.lang, "doctor.health.ok"), ""});
  else
    run.items.push_back(
        {"card_health", "warn",
         trf(ctx.lang, "doctor.health.problems", {{"n", std::to_string(run.findings.size())}}), ""});
  run.guidance = run.findings.empty() ? default_guidance() : fetch_guidance(rpc);
}

}  // namespace

DoctorRun run_doctor(const Context& ctx) {
  DoctorRun run;
  DoctorFacts facts;
  try {
    run.rpc = ctx.connect();
    facts.hello = run.rpc->call("session.hello", {{"client", "eportctl"}, {"protocol", 1}});
  } catch (const ConnectError& e) {
    return unreachable(ctx, e);
  } catch (const RpcError&) {
    facts.hello = json();  // an eportd without session.hello is still reachable
  }
  auto& rpc = *run.rpc;
  run.items.push_back(
      {"eportd", "ok",
       trf(ctx.lang, "doctor.eportd.ok",
           {{"path", ctx.opt.socket},
            {"server",
             facts.hello.is_object() ? facts.hello.value("server", std::string("eportd")) : "eportd"}}),
       ""});
  run.items.push_back(socket_item(ctx.lang, ctx.opt.socket, json()));
  facts.info = ask(rpc, "daemon.info");
  facts.diag = ask(rpc, "diag.report");
  facts.readers = list_of(ask(rpc, "readers.list"), "readers");
  facts.tokens = list_of(ask(rpc, "tokens.list"), "tokens");
  facts.drivers = list_of(ask(rpc, "drivers.list"), "drivers");
  if (facts.drivers.empty() && facts.diag.is_object())
    facts.drivers = list_of(facts.diag.value("drivers", json::object()), "loaded");
  run.items.back() = socket_item(ctx.lang, ctx.opt.socket, facts.diag);
  auto more = evaluate_doctor(ctx.lang, facts);
  run.items.insert(run.items.end(), more.begin(), more.end());
  check_cards(ctx, rpc, facts, run);
  run.code = exit_ok;
  for (const auto& i : run.items)
    if (i.status == "fail") run.code = exit_failed;
  return run;
}

json doctor_json(const Context& ctx, const DoctorRun& run) {
  json list = json::array();
  for (const auto& i : run.items)
    list.push_back({{"id", i.id}, {"status", i.status}, {"text", i.text}, {"advice", i.advice}});
  return {{"ok", run.code == exit_ok},
          {"exit_code", run.code},
          {"items", list},
          {"findings", findings_json(ctx.lang, run.findings, run.guidance)}};
}

void print_doctor(const Context& ctx, const DoctorRun& run) {
  ctx.out << ctx.style.bold(tr(ctx.lang, "doctor.heading")) << "\n";
  for (const auto& i : run.items) {
    ctx.out << "  " << ctx.style.mark(level_of(i.status)) << " " << i.text << "\n";
    if (!i.advice.empty()) ctx.out << "      " << ctx.style.paint(Level::info, "→ ") << i.advice << "\n";
  }
  print_advice(ctx, run.findings, run.guidance);
  bool cards_need_care = false;
  for (const auto& f : run.findings)
    cards_need_care =
        cards_need_care || (f.problem != Problem::pin_default && f.problem != Problem::pin_final_try);
  ctx.out << "\n";
  if (run.code != exit_ok)
    ctx.out << ctx.style.mark(Level::bad) << " " << tr(ctx.lang, "doctor.verdict.bad") << "\n";
  else if (cards_need_care)
    ctx.out << ctx.style.mark(Level::warn) << " " << tr(ctx.lang, "doctor.verdict.cards") << "\n";
  else ctx.out << ctx.style.mark(Level::ok) << " " << tr(ctx.lang, "doctor.verdict.ok") << "\n";
}

int cmd_doctor(const Context& ctx) {
  DoctorRun run = run_doctor(ctx);
  json doc = doctor_json(ctx, run);
  int code = run.code;
  if (!ctx.opt.json) print_doctor(ctx, run);
  if (!ctx.opt.bundle.empty()) {
    json bundle;
    if (!write_support_bundle(ctx, run, doc, bundle)) code = exit_failed;
    doc["bundle"] = bundle;
  }
  if (ctx.opt.json) ctx.print_json(doc);
  return code;
}

}  // namespace eport::client

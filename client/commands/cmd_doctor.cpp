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
DoctorRun unreachable(const Invocation& inv, const ConnectError& e) {
  DoctorRun run;
  auto ex = explain_connect_error(inv.lang, e);
  run.items.push_back({"eportd", "fail", ex.what, ex.todo});
  if (e.err != ENOENT) run.items.push_back(socket_item(inv.lang, inv.opt.socket, json()));
  run.guidance = default_guidance();
  run.code = exit_unreachable;
  run.connect_problem = ex.what;
  return run;
}

void check_cards(const Invocation& inv, RpcClient& rpc, const DoctorFacts& facts, DoctorRun& run) {
  for (const auto& t : facts.tokens) {
    json status = ask(rpc, "token.status", {{"token", t.value("id", std::string())}});
    if (!status.is_object()) continue;
    auto f = findings_for_status(status);
    run.findings.insert(run.findings.end(), f.begin(), f.end());
  }
  if (run.findings.empty()) run.items.push_back({"card_health", "ok", tr(inv.lang, "doctor.health.ok"), ""});
  else
    run.items.push_back(
        {"card_health", "warn",
         trf(inv.lang, "doctor.health.problems", {{"n", std::to_string(run.findings.size())}}), ""});
  run.guidance = run.findings.empty() ? default_guidance() : fetch_guidance(rpc);
}

}  // namespace

DoctorRun run_doctor(const Invocation& inv) {
  DoctorRun run;
  DoctorFacts facts;
  try {
    run.rpc = inv.connect();
    facts.hello = run.rpc->call("session.hello", {{"client", "eportctl"}, {"protocol", 1}});
  } catch (const ConnectError& e) {
    return unreachable(inv, e);
  } catch (const RpcError&) {
    facts.hello = json();  // an eportd without session.hello is still reachable
  }
  auto& rpc = *run.rpc;
  run.items.push_back(
      {"eportd", "ok",
       trf(inv.lang, "doctor.eportd.ok",
           {{"path", inv.opt.socket},
            {"server",
             facts.hello.is_object() ? facts.hello.value("server", std::string("eportd")) : "eportd"}}),
       ""});
  run.items.push_back(socket_item(inv.lang, inv.opt.socket, json()));
  facts.info = ask(rpc, "daemon.info");
  facts.diag = ask(rpc, "diag.report");
  facts.readers = list_of(ask(rpc, "readers.list"), "readers");
  facts.tokens = list_of(ask(rpc, "tokens.list"), "tokens");
  facts.drivers = list_of(ask(rpc, "drivers.list"), "drivers");
  if (facts.drivers.empty() && facts.diag.is_object())
    facts.drivers = list_of(facts.diag.value("drivers", json::object()), "loaded");
  run.items.back() = socket_item(inv.lang, inv.opt.socket, facts.diag);
  auto more = evaluate_doctor(inv.lang, facts);
  run.items.insert(run.items.end(), more.begin(), more.end());
  check_cards(inv, rpc, facts, run);
  run.code = exit_ok;
  for (const auto& i : run.items)
    if (i.status == "fail") run.code = exit_failed;
  return run;
}

json doctor_json(const Invocation& inv, const DoctorRun& run) {
  json list = json::array();
  for (const auto& i : run.items)
    list.push_back({{"id", i.id}, {"status", i.status}, {"text", i.text}, {"advice", i.advice}});
  return {{"ok", run.code == exit_ok},
          {"exit_code", run.code},
          {"items", list},
          {"findings", findings_json(inv.lang, run.findings, run.guidance)}};
}

void print_doctor(const Invocation& inv, const DoctorRun& run) {
  inv.out << inv.style.bold(tr(inv.lang, "doctor.heading")) << "\n";
  for (const auto& i : run.items) {
    inv.out << "  " << inv.style.mark(level_of(i.status)) << " " << i.text << "\n";
    if (!i.advice.empty()) inv.out << "      " << inv.style.paint(Level::info, "→ ") << i.advice << "\n";
  }
  print_advice(inv, run.findings, run.guidance);
  bool cards_need_care = false;
  for (const auto& f : run.findings)
    cards_need_care =
        cards_need_care || (f.problem != Problem::pin_default && f.problem != Problem::pin_final_try);
  inv.out << "\n";
  if (run.code != exit_ok)
    inv.out << inv.style.mark(Level::bad) << " " << tr(inv.lang, "doctor.verdict.bad") << "\n";
  else if (cards_need_care)
    inv.out << inv.style.mark(Level::warn) << " " << tr(inv.lang, "doctor.verdict.cards") << "\n";
  else inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "doctor.verdict.ok") << "\n";
}

int cmd_doctor(const Invocation& inv) {
  DoctorRun run = run_doctor(inv);
  json doc = doctor_json(inv, run);
  int code = run.code;
  if (!inv.opt.json) print_doctor(inv, run);
  if (!inv.opt.bundle.empty()) {
    json bundle;
    if (!write_support_bundle(inv, run, doc, bundle)) code = exit_failed;
    doc["bundle"] = bundle;
  }
  if (inv.opt.json) inv.print_json(doc);
  return code;
}

}  // namespace eport::client

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

int print_items(const Invocation& inv, const std::vector<CheckItem>& items,
                const std::vector<Finding>& findings, const Guidance& guidance, int code) {
  if (inv.opt.json) {
    json list = json::array();
    for (const auto& i : items)
      list.push_back({{"id", i.id}, {"status", i.status}, {"text", i.text}, {"advice", i.advice}});
    inv.print_json({{"ok", code == exit_ok},
                    {"exit_code", code},
                    {"items", list},
                    {"findings", findings_json(inv.lang, findings, guidance)}});
    return code;
  }
  inv.out << inv.style.bold(tr(inv.lang, "doctor.heading")) << "\n";
  for (const auto& i : items) {
    inv.out << "  " << inv.style.mark(level_of(i.status)) << " " << i.text << "\n";
    if (!i.advice.empty()) inv.out << "      " << inv.style.paint(Level::info, "→ ") << i.advice << "\n";
  }
  print_advice(inv, findings, guidance);
  bool cards_need_care = false;
  for (const auto& f : findings)
    cards_need_care =
        cards_need_care || (f.problem != Problem::pin_default && f.problem != Problem::pin_final_try);
  inv.out << "\n";
  if (code != exit_ok)
    inv.out << inv.style.mark(Level::bad) << " " << tr(inv.lang, "doctor.verdict.bad") << "\n";
  else if (cards_need_care)
    inv.out << inv.style.mark(Level::warn) << " " << tr(inv.lang, "doctor.verdict.cards") << "\n";
  else inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "doctor.verdict.ok") << "\n";
  return code;
}

}  // namespace

int cmd_doctor(const Invocation& inv) {
  std::vector<CheckItem> items;
  std::unique_ptr<RpcClient> rpc;
  DoctorFacts facts;
  try {
    rpc = inv.connect();
    facts.hello = rpc->call("session.hello", {{"client", "eportctl"}, {"protocol", 1}});
  } catch (const ConnectError& e) {
    auto ex = explain_connect_error(inv.lang, e);
    items.push_back({"eportd", "fail", ex.what, ex.todo});
    if (e.err != ENOENT) items.push_back(socket_item(inv.lang, inv.opt.socket, json()));
    return print_items(inv, items, {}, default_guidance(), exit_unreachable);
  } catch (const RpcError&) {
    facts.hello = json();  // an eportd without session.hello is still reachable
  }
  items.push_back(
      {"eportd", "ok",
       trf(inv.lang, "doctor.eportd.ok",
           {{"path", inv.opt.socket},
            {"server",
             facts.hello.is_object() ? facts.hello.value("server", std::string("eportd")) : "eportd"}}),
       ""});
  items.push_back(socket_item(inv.lang, inv.opt.socket, json()));
  facts.info = ask(*rpc, "daemon.info");
  facts.diag = ask(*rpc, "diag.report");
  facts.readers = list_of(ask(*rpc, "readers.list"), "readers");
  facts.tokens = list_of(ask(*rpc, "tokens.list"), "tokens");
  facts.drivers = list_of(ask(*rpc, "drivers.list"), "drivers");
  if (facts.drivers.empty() && facts.diag.is_object())
    facts.drivers = list_of(facts.diag.value("drivers", json::object()), "loaded");
  items.back() = socket_item(inv.lang, inv.opt.socket, facts.diag);
  auto more = evaluate_doctor(inv.lang, facts);
  items.insert(items.end(), more.begin(), more.end());
  std::vector<Finding> findings;
  for (const auto& t : facts.tokens) {
    json status = ask(*rpc, "token.status", {{"token", t.value("id", std::string())}});
    if (!status.is_object()) continue;
    auto f = findings_for_status(status);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  if (findings.empty()) items.push_back({"card_health", "ok", tr(inv.lang, "doctor.health.ok"), ""});
  else
    items.push_back({"card_health", "warn",
                     trf(inv.lang, "doctor.health.problems", {{"n", std::to_string(findings.size())}}), ""});
  Guidance guidance = findings.empty() ? default_guidance() : fetch_guidance(*rpc);
  int code = exit_ok;
  for (const auto& i : items)
    if (i.status == "fail") code = exit_failed;
  return print_items(inv, items, findings, guidance, code);
}

}  // namespace eport::client

// status, tokens, readers.
#include "commands.hpp"

#include "eport/common/reasons.hpp"
#include "format.hpp"
#include "health.hpp"

namespace eport::client {

using nlohmann::json;

namespace {

// token.status for each token; a token that fails keeps its error instead of ending the listing.
json statuses_for(RpcClient& rpc, const json& tokens) {
  json out = json::array();
  for (const auto& t : tokens) {
    try {
      out.push_back(rpc.call("token.status", {{"token", t.value("id", std::string())}}));
    } catch (const RpcError& e) {
      out.push_back({{"token", t}, {"error", {{"reason", e.reason}, {"message", e.what()}}}});
    }
  }
  return out;
}

// With no reader at all, the usual cause is pcscd: say so instead of only "no reader".
void explain_no_readers(const Invocation& inv, RpcClient& rpc) {
  json info;
  try {
    info = rpc.call("daemon.info");
  } catch (const RpcError&) {
    return;
  }
  if (!info.is_object() || info.value("pcsc", std::string("up")) != "down") return;
  auto e = explain_reason(inv.lang, reasons::pcsc_unavailable, json::object(), "");
  inv.out << "  " << inv.style.mark(Level::bad) << " " << e.what << "\n      " << e.todo << "\n";
}

}  // namespace

int cmd_status(const Invocation& inv) {
  auto rpc = inv.connect();
  json readers = json::array();
  json statuses = json::array();
  if (!inv.opt.token.empty()) {
    statuses.push_back(rpc->call("token.status", {{"token", inv.opt.token}}));
  } else {
    readers = rpc->call("readers.list").value("readers", json::array());
    statuses = statuses_for(*rpc, rpc->call("tokens.list").value("tokens", json::array()));
  }
  std::vector<Finding> findings;
  for (const auto& s : statuses) {
    auto f = findings_for_status(s);
    findings.insert(findings.end(), f.begin(), f.end());
  }
  Guidance guidance = findings.empty() ? default_guidance() : fetch_guidance(*rpc);
  if (inv.opt.json) {
    json doc = {{"tokens", statuses}, {"findings", findings_json(inv.lang, findings, guidance)}};
    if (inv.opt.token.empty()) doc["readers"] = readers;
    inv.print_json(doc);
    return exit_ok;
  }
  if (inv.opt.token.empty()) {
    inv.out << inv.style.bold(tr(inv.lang, "status.readers")) << "\n";
    if (readers.empty()) {
      inv.out << "  " << inv.style.mark(Level::warn) << " " << tr(inv.lang, "status.no_readers") << "\n";
      explain_no_readers(inv, *rpc);
    }
    for (const auto& r : readers)
      inv.out << "  " << inv.style.mark(r.value("card_present", false) ? Level::ok : Level::info) << " "
              << r.value("name", std::string()) << " — "
              << (r.value("card_present", false) ? tr(inv.lang, "status.card_present")
                                                 : tr(inv.lang, "status.empty"))
              << "\n";
    inv.out << "\n";
  }
  if (statuses.empty())
    inv.out << inv.style.mark(Level::warn) << " " << tr(inv.lang, "status.no_tokens") << "\n";
  for (const auto& s : statuses) {
    if (s.contains("error")) {
      inv.out << inv.style.mark(Level::bad) << " " << s["token"].value("id", std::string()) << ": "
              << explain_reason(inv.lang, s["error"].value("reason", std::string()), s["error"],
                                s["error"].value("message", std::string()))
                     .what
              << "\n";
      continue;
    }
    if (&s != &statuses.front()) inv.out << "\n";
    inv.out << render_status(inv.lang, inv.style, s);
  }
  print_advice(inv, findings, guidance);
  return exit_ok;
}

int cmd_tokens(const Invocation& inv) {
  auto rpc = inv.connect();
  json tokens = rpc->call("tokens.list").value("tokens", json::array());
  if (inv.opt.json) {
    inv.print_json({{"tokens", tokens}});
    return exit_ok;
  }
  if (tokens.empty()) inv.out << tr(inv.lang, "status.no_tokens") << "\n";
  else inv.out << render_tokens(inv.lang, tokens);
  return exit_ok;
}

int cmd_readers(const Invocation& inv) {
  auto rpc = inv.connect();
  json readers = rpc->call("readers.list").value("readers", json::array());
  if (inv.opt.json) {
    inv.print_json({{"readers", readers}});
    return exit_ok;
  }
  if (readers.empty()) inv.out << tr(inv.lang, "status.no_readers") << "\n";
  else inv.out << render_readers(inv.lang, readers);
  return exit_ok;
}

}  // namespace eport::client

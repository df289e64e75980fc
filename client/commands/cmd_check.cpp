// check: expiry and PIN state with exit codes for login scripts and monitoring.
#include "commands.hpp"

#include "format.hpp"
#include "health.hpp"

namespace eport::client {

using nlohmann::json;

namespace {

const char* verdict_key(int code) {
  switch (code) {
    case check_all_valid: return "check.verdict.ok";
    case check_expiring: return "check.verdict.expiring";
    case check_expired_or_blocked: return "check.verdict.bad";
    default: return "check.verdict.none";
  }
}

// cert.check says nothing about PINs: read each token's PIN state too (no try is spent).
std::vector<json> pin_statuses(RpcClient& rpc, const json& tokens) {
  std::vector<json> out;
  for (const auto& entry : tokens) {
    try {
      out.push_back(rpc.call("token.status", {{"token", token_id(entry.value("token", json()))}}));
    } catch (const RpcError&) {
      out.push_back(json::object());  // the card went away between the two calls
    }
  }
  return out;
}

void print_human(const Invocation& inv, const json& tokens, const std::vector<json>& statuses) {
  for (size_t i = 0; i < tokens.size(); ++i) {
    const json& entry = tokens[i];
    inv.out << inv.style.bold(trf(inv.lang, "check.card", {{"id", token_id(entry.value("token", json()))}}))
            << "\n";
    if (i < statuses.size() && statuses[i].contains("pin"))
      inv.out << "  " << inv.style.mark(pin_level(statuses[i]["pin"])) << " " << tr(inv.lang, "status.pin")
              << pin_text(inv.lang, statuses[i]["pin"]) << "\n";
    const json certs = entry.value("certificates", json::array());
    if (certs.empty())
      inv.out << "  " << inv.style.mark(Level::info) << " " << tr(inv.lang, "status.no_certs") << "\n";
    for (const auto& c : certs)
      inv.out << "  " << inv.style.mark(cert_level(cert_state(c))) << " " << cert_text(inv.lang, c) << "\n";
  }
}

}  // namespace

int cmd_check(const Invocation& inv) {
  json params = json::object();
  if (!inv.opt.token.empty()) params["token"] = inv.opt.token;
  if (inv.opt.warn_days) params["warn_days"] = *inv.opt.warn_days;
  std::unique_ptr<RpcClient> rpc;
  json result;
  try {
    rpc = inv.connect();
    result = rpc->call("cert.check", params);
  } catch (const ConnectError& e) {
    return inv.report(explain_connect_error(inv.lang, e), check_no_token);
  } catch (const RpcError& e) {
    return inv.report(explain_rpc_error(inv.lang, e), check_no_token);
  }
  const json tokens = result.value("tokens", json::array());
  std::vector<json> statuses = pin_statuses(*rpc, tokens);
  int code = check_exit_code(result, statuses);
  // PIN findings from token.status; certificate findings from cert.check, which applied warn_days.
  std::vector<Finding> findings;
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto pins = findings_for_pins(statuses[i]);
    auto certs = findings_for_certificates(token_id(tokens[i].value("token", json())),
                                           tokens[i].value("certificates", json::array()));
    findings.insert(findings.end(), pins.begin(), pins.end());
    findings.insert(findings.end(), certs.begin(), certs.end());
  }
  Guidance guidance = findings.empty() ? default_guidance() : fetch_guidance(*rpc);
  if (inv.opt.json) {
    json out_tokens = json::array();
    for (size_t i = 0; i < tokens.size(); ++i) {
      json t = tokens[i];
      t["pin"] = statuses[i].value("pin", json());
      out_tokens.push_back(t);
    }
    inv.print_json({{"exit_code", code},
                    {"worst", result.value("worst", json())},
                    {"tokens", out_tokens},
                    {"findings", findings_json(inv.lang, findings, guidance)}});
    return code;
  }
  print_human(inv, tokens, statuses);
  print_advice(inv, findings, guidance);
  inv.out << "\n"
          << inv.style.mark(code == 0   ? Level::ok
                            : code == 1 ? Level::warn
                                        : Level::bad)
          << " " << tr(inv.lang, verdict_key(code)) << "\n";
  return code;
}

}  // namespace eport::client

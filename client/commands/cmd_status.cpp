// status, tokens, readers.
#include "commands.hpp"

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
void explain_no_readers(const Context& ctx, RpcClient& rpc) {
  json info;
  try {
    info = rpc.call("daemon.info");
  } catch (const RpcError&) {
    return;
  }
  if (!info.is_object() || info.value("pcsc", std::string("up")) != "down") return;
  auto e = explain_reason(ctx.lang, "pcsc_unavailable", json::object(), "");
  ctx.out << "  " << ctx.style.mark(Level::bad) << " " << e.what << "\n      " << e.todo << "\n";
}

}  // namespace

int cmd_status(const Context& ctx) {
  auto rpc = ctx.connect();
  json readers = json::array();
  json statuses = json::array();
  if (!ctx.opt.token.empty()) {
    statuses.push_back(rpc->call("token.status", {{"token", ctx.opt.token}}));
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
  if (ctx.opt.json) {
    json doc = {{"tokens", statuses}, {"findings", findings_json(ctx.lang, findings, guidance)}};
    if (ctx.opt.token.empty()) doc["readers"] = readers;
    ctx.print_json(doc);
    return exit_ok;
  }
  if (ctx.opt.token.empty()) {
    ctx.out << ctx.style.bold(tr(ctx.lang, "status.readers")) << "\n";
    if (readers.empty()) {
      ctx.out << "  " << ctx.style.mark(Level::warn) << " " << tr(ctx.lang, "status.no_readers") << "\n";
      explain_no_readers(ctx, *rpc);
    }
    for (const auto& r : readers)
      ctx.out << "  " << ctx.style.mark(r.value("card_present", false) ? Level::ok : Level::info) << " "
              << r.value("name", std::string()) << " — "
              << (r.value("card_present", false) ? tr(ctx.lang, "status.card_present")
                                                 : tr(ctx.lang, "status.empty"))
              << "\n";
    ctx.out << "\n";
  }
  if (statuses.empty())
    ctx.out << ctx.style.mark(Level::warn) << " " << tr(ctx.lang, "status.no_tokens") << "\n";
  for (const auto& s : statuses) {
    if (s.contains("error")) {
      ctx.out << ctx.style.mark(Level::bad) << " " << s["token"].value("id", std::string()) << ": "
              << explain_reason(ctx.lang, s["error"].value("reason", std::string()), s["error"],
                                s["error"].value("message", std::string()))
                     .what
              << "\n";
      continue;
    }
    if (&s != &statuses.front()) ctx.out << "\n";
    ctx.out << render_status(ctx.lang, ctx.style, s);
  }
  print_advice(ctx, findings, guidance);
  return exit_ok;
}

int cmd_tokens(const Context& ctx) {
  auto rpc = ctx.connect();
  json tokens = rpc->call("tokens.list").value("tokens", json::array());
  if (ctx.opt.json) {
    ctx.print_json({{"tokens", tokens}});
    return exit_ok;
  }
  if (tokens.empty()) ctx.out << tr(ctx.lang, "status.no_tokens") << "\n";
  else ctx.out << render_tokens(ctx.lang, tokens);
  return exit_ok;
}

int cmd_readers(const Context& ctx) {
  auto rpc = ctx.connect();
  json readers = rpc->call("readers.list").value("readers", json::array());
  if (ctx.opt.json) {
    ctx.print_json({{"readers", readers}});
    return exit_ok;
  }
  if (readers.empty()) ctx.out << tr(ctx.lang, "status.no_readers") << "\n";
  else ctx.out << render_readers(ctx.lang, readers);
  return exit_ok;
}

}  // namespace eport::client

#include "invocation.hpp"

namespace eport::client {

using nlohmann::json;

std::unique_ptr<RpcClient> Invocation::connect() const { return std::make_unique<RpcClient>(opt.socket); }

void Invocation::progress(const std::string& text) const { err << text << std::endl; }

void Invocation::print_json(const json& doc) const {
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

int Invocation::report(const Explanation& e, int code) const {
  if (opt.json) {
    json error = {{"reason", e.reason}, {"message", e.what}, {"advice", e.todo}};
    if (e.data.is_object() && !e.data.empty()) error["data"] = e.data;
    print_json({{"error", error}, {"exit_code", code}});
    return code;
  }
  Style err_style = style;  // stderr shares the terminal with stdout in the common case
  err << err_style.paint(Level::bad, tr(lang, "error.prefix")) << e.what << "\n";
  if (!e.todo.empty()) err << "  " << tr(lang, "error.todo") << e.todo << "\n";
  err << "  (" << tr(lang, "error.reason") << e.reason << ")\n";
  return code;
}

void Invocation::warn(const std::string& text) const { err << style.paint(Level::warn, text) << "\n"; }

Guidance fetch_guidance(RpcClient& rpc) {
  try {
    return guidance_from_json(rpc.call("guidance.get"));
  } catch (const RpcError&) {
    return default_guidance();  // an eportd without guidance.get: the built-in texts do
  }
}

json findings_json(Lang lang, const std::vector<Finding>& findings, const Guidance& g) {
  json out = json::array();
  for (const auto& f : findings) {
    json item = {
        {"problem", problem_name(f.problem)}, {"token", f.token}, {"advice", advice_for(lang, f, g)}};
    if (!f.slot.empty()) {
      item["slot"] = f.slot;
      item["days_left"] = f.days_left;
      item["not_after"] = f.not_after;
    }
    out.push_back(item);
  }
  return out;
}

void print_advice(const Invocation& inv, const std::vector<Finding>& findings, const Guidance& g) {
  if (findings.empty()) return;
  inv.out << "\n" << inv.style.bold(tr(inv.lang, "advice.heading")) << "\n";
  bool visit = false;
  for (const auto& f : findings) {
    // The sites are the same for every finding: list them once, after all findings.
    auto lines = advice_for(inv.lang, f, g, false);
    visit = visit || needs_visit(f.problem);
    Level level = f.problem == Problem::pin_default || f.problem == Problem::cert_expiring ||
                          f.problem == Problem::pin_final_try
                      ? Level::warn
                      : Level::bad;
    for (size_t i = 0; i < lines.size(); ++i)
      inv.out << (i == 0 ? "  " + inv.style.mark(level) + " " : "      ") << lines[i] << "\n";
  }
  if (!visit) return;
  auto sites = sites_block(inv.lang, g);
  for (size_t i = 0; i < sites.size(); ++i) inv.out << (i == 0 ? "  " : "    ") << sites[i] << "\n";
}
}  // namespace eport::client

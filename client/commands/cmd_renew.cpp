// renew: write a renewed certificate after a side-by-side preview, optionally reset the PIN.
#include "commands.hpp"

#include "cert_preview.hpp"
#include "format.hpp"
#include "health.hpp"

#include <cctype>
#include <fstream>

namespace eport::client {

using nlohmann::json;

namespace {

json certificate_in_slot(const json& status, const std::string& slot) {
  for (const auto& c : status.value("certificates", json::array()))
    if (c.value("slot", std::string()) == slot) return c;
  return json();
}

bool confirmed(const Context& ctx) {
  if (ctx.opt.yes) return true;
  auto answer = ctx.prompter.line(tr(ctx.lang, "renew.question"));
  if (!answer) return false;
  std::string a = *answer;
  for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a == "y" || a == "yes" || a == "是";
}

void show_preview(const Context& ctx, const json& old_cert, const json& new_cert) {
  ctx.out << ctx.style.bold(
                 trf(ctx.lang, "renew.heading", {{"slot", ctx.opt.slot}, {"token", ctx.opt.token}}))
          << "\n"
          << render_cert_comparison(ctx.lang, ctx.style, old_cert, new_cert);
  if (!old_cert.is_object()) ctx.out << "  " << tr(ctx.lang, "renew.slot_empty") << "\n";
  if (old_cert.is_object() && old_cert.value("key", std::string()) != new_cert.value("key", std::string()))
    ctx.out << ctx.style.mark(Level::warn) << " " << tr(ctx.lang, "renew.key_differs") << "\n";
  const std::string state = cert_state(new_cert);
  if (state == "expired" || state == "not_yet_valid")
    ctx.out << ctx.style.mark(Level::warn) << " "
            << trf(ctx.lang, ctx.opt.force ? "renew.not_valid_forced" : "renew.not_valid_now",
                   {{"from", date_only(new_cert.value("not_before", std::string()))},
                    {"to", date_only(new_cert.value("not_after", std::string()))}})
            << "\n";
}

// The management key from a file (hex; spaces, new lines and ':' ignored), never from argv.
std::string read_management_key(const std::string& path) {
  std::ifstream in(path);
  std::string key;
  char c;
  while (in.get(c))
    if (std::isxdigit(static_cast<unsigned char>(c))) key += c;
  return key;
}

}  // namespace

int cmd_renew(const Context& ctx) {
  CertificatePreview preview;
  try {
    preview = preview_certificate_file(ctx.opt.cert_file, std::chrono::system_clock::now());
  } catch (const std::exception& e) {
    return ctx.report(explain_reason(ctx.lang, "cert_invalid", json::object(), e.what()), exit_failed);
  }
  auto rpc = ctx.connect();
  json status = rpc->call("token.status", {{"token", ctx.opt.token}});
  json old_cert = certificate_in_slot(status, ctx.opt.slot);
  if (!ctx.opt.json) show_preview(ctx, old_cert, preview.summary.to_json());
  if (!confirmed(ctx))
    return ctx.report({"cancelled", tr(ctx.lang, "cancelled"), tr(ctx.lang, "renew.cancel_todo")},
                      exit_cancelled);
  json params = {{"token", ctx.opt.token}, {"slot", ctx.opt.slot}, {"certificate", preview.pem}};
  if (ctx.opt.force) params["force"] = true;
  std::string no_key;
  if (!ctx.opt.management_key_file.empty())
    params["management_key"] = read_management_key(ctx.opt.management_key_file);  // moved, not copied
  WipeOnExit guard(params.contains("management_key") ? params["management_key"].get_ref<std::string&>()
                                                     : no_key);
  ctx.progress(tr(ctx.lang, "renew.progress"));
  json written = rpc->call("cert.write", params);
  json doc = {{"token", ctx.opt.token},
              {"slot", ctx.opt.slot},
              {"previous", old_cert},
              {"certificate", written.value("certificate", json())},
              {"verified", written.value("verified", false)},
              {"backup", written.value("backup", json())}};
  if (!ctx.opt.json) {
    ctx.out << ctx.style.mark(Level::ok) << " " << tr(ctx.lang, "renew.done") << "\n"
            << "  " << cert_text(ctx.lang, written.value("certificate", json::object())) << "\n";
    if (written.contains("backup") && written["backup"].is_string())
      ctx.out << "  " << trf(ctx.lang, "renew.backup", {{"path", written["backup"].get<std::string>()}})
              << "\n";
  }
  if (ctx.opt.reset_pin) {
    if (!ctx.opt.json) ctx.out << "\n" << ctx.style.bold(tr(ctx.lang, "renew.reset_pin_heading")) << "\n";
    json reset;
    int code = unlock_flow(ctx, *rpc, ctx.opt.token, reset);
    if (code != exit_ok) return code;
    doc["pin"] = reset.value("pin", json());
  }
  if (ctx.opt.json) ctx.print_json(doc);
  return exit_ok;
}

}  // namespace eport::client

// renew: write a renewed certificate after a side-by-side preview, optionally reset the PIN.
#include "commands.hpp"

#include "cert_preview.hpp"
#include "eport/common/reasons.hpp"
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

/// The token's own slots (token.status `slots`; an older eportd: its certificates' slots).
std::vector<std::string> token_slots(const json& status) {
  std::vector<std::string> slots;
  const auto& listed =
      status.contains("slots") ? status["slots"] : status.value("certificates", json::array());
  for (const auto& s : listed)
    if (s.is_object() && s.contains("slot") && s["slot"].is_string())
      slots.push_back(s["slot"].get<std::string>());
  return slots;
}

bool same_slot(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// The slot to write: --slot as the token spells it, or — without --slot — the one slot holding
/// a certificate (else the only slot). Empty when there is no such slot; `why` says which case.
std::string choose_slot(const json& status, const std::string& given, std::string& why) {
  const auto slots = token_slots(status);
  if (!given.empty()) {
    for (const auto& s : slots)
      if (same_slot(s, given)) return s;
    why = "renew.no_such_slot";
    return {};
  }
  std::vector<std::string> with_certificate;
  for (const auto& c : status.value("certificates", json::array()))
    with_certificate.push_back(c.value("slot", ""));
  if (with_certificate.size() == 1) return with_certificate.front();
  if (with_certificate.empty() && slots.size() == 1) return slots.front();
  why = "renew.choose_slot";
  return {};
}

bool confirmed(const Invocation& inv) {
  if (inv.opt.yes) return true;
  auto answer = inv.prompter.line(tr(inv.lang, "renew.question"));
  if (!answer) return false;
  std::string a = *answer;
  for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a == "y" || a == "yes" || a == "是";
}

void show_preview(const Invocation& inv, const json& old_cert, const json& new_cert) {
  inv.out << inv.style.bold(
                 trf(inv.lang, "renew.heading", {{"slot", inv.opt.slot}, {"token", inv.opt.token}}))
          << "\n"
          << render_cert_comparison(inv.lang, inv.style, old_cert, new_cert);
  if (!old_cert.is_object()) inv.out << "  " << tr(inv.lang, "renew.slot_empty") << "\n";
  if (old_cert.is_object() && old_cert.value("key", std::string()) != new_cert.value("key", std::string()))
    inv.out << inv.style.mark(Level::warn) << " " << tr(inv.lang, "renew.key_differs") << "\n";
  const std::string state = cert_state(new_cert);
  if (state == "expired" || state == "not_yet_valid")
    inv.out << inv.style.mark(Level::warn) << " "
            << trf(inv.lang, inv.opt.force ? "renew.not_valid_forced" : "renew.not_valid_now",
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

int renew_slot(const Invocation& inv, RpcClient& rpc, const json& status, const CertificatePreview& preview);

}  // namespace

int cmd_renew(const Invocation& inv) {
  CertificatePreview preview;
  try {
    preview = preview_certificate_file(inv.opt.cert_file, std::chrono::system_clock::now());
  } catch (const std::exception& e) {
    return inv.report(explain_reason(inv.lang, reasons::cert_invalid, json::object(), e.what()), exit_failed);
  }
  auto rpc = inv.connect();
  json status = rpc->call("token.status", {{"token", inv.opt.token}});
  std::string why;
  const std::string slot = choose_slot(status, inv.opt.slot, why);
  if (slot.empty()) {
    std::string names;
    for (const auto& s : token_slots(status)) names += (names.empty() ? "" : ", ") + s;
    return inv.report(
        {"no_such_slot", trf(inv.lang, why.c_str(), {{"token", inv.opt.token}, {"slot", inv.opt.slot}}),
         trf(inv.lang, "renew.slots_todo", {{"slots", names}})},
        exit_failed);
  }
  Options opt = inv.opt;  // the preview and the answer name the slot as the token spells it
  opt.slot = slot;
  const Invocation here{opt, inv.lang, inv.style, inv.out, inv.err, inv.prompter};
  return renew_slot(here, *rpc, status, preview);
}

namespace {

int renew_slot(const Invocation& inv, RpcClient& rpc_ref, const json& status,
               const CertificatePreview& preview) {
  auto* rpc = &rpc_ref;
  json old_cert = certificate_in_slot(status, inv.opt.slot);
  if (!inv.opt.json) show_preview(inv, old_cert, preview.summary.to_json());
  if (!confirmed(inv))
    return inv.report({"cancelled", tr(inv.lang, "cancelled"), tr(inv.lang, "renew.cancel_todo")},
                      exit_cancelled);
  json params = {{"token", inv.opt.token}, {"slot", inv.opt.slot}, {"certificate", preview.pem}};
  if (inv.opt.force) params["force"] = true;
  std::string no_key;
  if (!inv.opt.management_key_file.empty())
    params["management_key"] = read_management_key(inv.opt.management_key_file);  // moved, not copied
  WipeOnExit guard(params.contains("management_key") ? params["management_key"].get_ref<std::string&>()
                                                     : no_key);
  if (inv.opt.with_pin) {  // SKF USBKeys: the user PIN authorises the write
    auto pin = inv.prompter.secret(tr(inv.lang, "renew.pin_prompt"));
    if (!pin)
      return inv.report({"no_pin", tr(inv.lang, "pin.no_input"), tr(inv.lang, "pin.no_input.todo")},
                        exit_cancelled);
    params["pin"] = std::move(*pin);
  }
  std::string no_pin;
  WipeOnExit pin_guard(params.contains("pin") ? params["pin"].get_ref<std::string&>() : no_pin);
  inv.progress(tr(inv.lang, "renew.progress"));
  json written = rpc->call("cert.write", params);
  json doc = {{"token", inv.opt.token},
              {"slot", inv.opt.slot},
              {"previous", old_cert},
              {"certificate", written.value("certificate", json())},
              {"verified", written.value("verified", false)},
              {"backup", written.value("backup", json())}};
  if (!inv.opt.json) {
    inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "renew.done") << "\n"
            << "  " << cert_text(inv.lang, written.value("certificate", json::object())) << "\n";
    if (written.contains("backup") && written["backup"].is_string())
      inv.out << "  " << trf(inv.lang, "renew.backup", {{"path", written["backup"].get<std::string>()}})
              << "\n";
  }
  if (inv.opt.reset_pin) {
    if (!inv.opt.json) inv.out << "\n" << inv.style.bold(tr(inv.lang, "renew.reset_pin_heading")) << "\n";
    json reset;
    int code = unlock_flow(inv, *rpc, inv.opt.token, reset);
    if (code != exit_ok) return code;
    doc["pin"] = reset.value("pin", json());
  }
  if (inv.opt.json) inv.print_json(doc);
  return exit_ok;
}

}  // namespace

}  // namespace eport::client

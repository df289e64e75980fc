// unlock (PIN reset to the default with the PUK), change-pin and verify-pin.
#include "commands.hpp"

#include "eport/common/reasons.hpp"
#include "format.hpp"

namespace eport::client {

using nlohmann::json;

namespace {

bool puk_on_final_try(const json& puk) {
  if (!puk.is_object()) return false;
  if (puk.value("state", std::string()) == "final_try") return true;
  return puk.contains("tries_left") && puk["tries_left"].is_number() && puk["tries_left"].get<int>() == 1;
}

bool is_yes_word(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "yes" || s == "是";
}

// The loud warning before the PUK's final try; true only when the user typed the confirmation.
bool confirm_final_try(const Invocation& inv) {
  inv.err << "\n"
          << inv.style.paint(Level::bad, tr(inv.lang, "unlock.final_try.banner")) << "\n"
          << inv.style.paint(Level::bad, tr(inv.lang, "unlock.final_try.text")) << "\n";
  auto answer = inv.prompter.line(tr(inv.lang, "unlock.final_try.question"));
  return answer && is_yes_word(*answer);
}

// The warning before the PIN's final try in change-pin; true only when the user confirmed.
bool confirm_pin_final_try(const Invocation& inv) {
  inv.err << "\n"
          << inv.style.paint(Level::bad, tr(inv.lang, "pin.final_try.banner")) << "\n"
          << inv.style.paint(Level::bad, tr(inv.lang, "pin.final_try.text")) << "\n";
  auto answer = inv.prompter.line(tr(inv.lang, "unlock.final_try.question"));
  return answer && is_yes_word(*answer);
}

void show_pin_state(const Invocation& inv, const json& status) {
  if (inv.opt.json) return;
  inv.out << render_status(inv.lang, inv.style,
                           {{"token", status.value("token", json::object())},
                            {"pin", status.value("pin", json())},
                            {"puk", status.value("puk", json())}});
}

// Calls pin.reset; on puk_final_try (the daemon knew better than the status) asks and retries once.
json reset_with_puk(const Invocation& inv, RpcClient& rpc, const std::string& token, const std::string& puk,
                    bool force, bool& cancelled) {
  for (;;) {
    json params = {{"token", token}, {"puk", puk}};
    WipeOnExit guard(params["puk"].get_ref<std::string&>());
    if (force) params["force"] = true;
    try {
      inv.progress(tr(inv.lang, "unlock.progress"));
      return rpc.call("pin.reset", params);
    } catch (const RpcError& e) {
      if (e.reason != reasons::puk_final_try || force) throw;
      if (!confirm_final_try(inv)) {
        cancelled = true;
        return json();
      }
      force = true;
    }
  }
}

}  // namespace

int unlock_flow(const Invocation& inv, RpcClient& rpc, const std::string& token, json& result) {
  json status = rpc.call("token.status", {{"token", token}});
  show_pin_state(inv, status);
  const json puk_state = status.value("puk", json());
  if (puk_state.is_object() && puk_state.value("state", std::string()) == "blocked")
    return inv.report(explain_reason(inv.lang, reasons::puk_blocked, json::object(), ""), exit_failed);
  if (!inv.opt.json && status.value("pin", json()).value("state", std::string()) != "blocked")
    inv.out << tr(inv.lang, "unlock.not_blocked") << "\n";
  // Neither the card nor its last answer tells the PUK counter: eportd's guard cannot help.
  if (puk_state.is_object() && puk_state.value("state", std::string()) == "unknown")
    inv.err << inv.style.paint(Level::bad, tr(inv.lang, "unlock.puk_unknown")) << "\n";
  // The PUK's role has the token family's own name: an SKF admin PIN, a PKCS#11 SO PIN.
  const std::string source = puk_state.is_object() ? puk_state.value("source", std::string()) : "";
  const char* prompt = source == "skf"                  ? "unlock.admin_pin_prompt"
                       : source.rfind("pkcs11", 0) == 0 ? "unlock.so_pin_prompt"
                                                        : "unlock.puk_prompt";
  auto puk = inv.prompter.secret(tr(inv.lang, prompt));
  if (!puk || puk->empty())
    return inv.report({"no_puk", tr(inv.lang, "unlock.no_puk"), tr(inv.lang, "unlock.no_puk.todo")},
                      exit_cancelled);
  bool force = false;
  if (puk_on_final_try(puk_state)) {
    if (!confirm_final_try(inv)) {
      wipe(*puk);
      return inv.report({"cancelled", tr(inv.lang, "cancelled"), ""}, exit_cancelled);
    }
    force = true;
  }
  bool cancelled = false;
  try {
    result = reset_with_puk(inv, rpc, token, *puk, force, cancelled);
  } catch (...) {
    wipe(*puk);
    throw;
  }
  wipe(*puk);
  if (cancelled) return inv.report({"cancelled", tr(inv.lang, "cancelled"), ""}, exit_cancelled);
  if (!inv.opt.json) {
    inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "unlock.done") << "\n"
            << "  " << tr(inv.lang, "status.pin") << pin_text(inv.lang, result.value("pin", json())) << "\n"
            << "  " << trf(inv.lang, "unlock.tell_holder", {{"token", token}}) << "\n";
  }
  return exit_ok;
}

int cmd_unlock(const Invocation& inv) {
  auto rpc = inv.connect();
  json result;
  int code = unlock_flow(inv, *rpc, inv.opt.token, result);
  if (code == exit_ok && inv.opt.json)
    inv.print_json({{"token", inv.opt.token}, {"pin", result.value("pin", json())}});
  return code;
}

int cmd_change_pin(const Invocation& inv) {
  auto rpc = inv.connect();
  json status = rpc->call("token.status", {{"token", inv.opt.token}});
  if (!inv.opt.json)
    inv.out << tr(inv.lang, "status.pin") << pin_text(inv.lang, status.value("pin", json())) << "\n";
  auto old_pin = inv.prompter.secret(tr(inv.lang, "pin.prompt.old"));
  auto new_pin = old_pin ? inv.prompter.secret(tr(inv.lang, "pin.prompt.new")) : std::nullopt;
  auto again =
      new_pin && !inv.opt.pins_stdin ? inv.prompter.secret(tr(inv.lang, "pin.prompt.again")) : new_pin;
  auto wipe_all = [&] {
    for (auto* s : {&old_pin, &new_pin, &again})
      if (*s) wipe(**s);
  };
  if (!old_pin || !new_pin || !again) {
    wipe_all();
    return inv.report({"no_pin", tr(inv.lang, "pin.no_input"), tr(inv.lang, "pin.no_input.todo")},
                      exit_cancelled);
  }
  if (*new_pin != *again) {
    wipe_all();
    return inv.report({"pin_mismatch", tr(inv.lang, "pin.mismatch"), tr(inv.lang, "pin.mismatch.todo")},
                      exit_failed);
  }
  json result;
  try {
    inv.progress(tr(inv.lang, "pin.progress"));
    json params = {{"token", inv.opt.token}, {"old_pin", *old_pin}, {"new_pin", *new_pin}};
    WipeOnExit old_guard(params["old_pin"].get_ref<std::string&>());
    WipeOnExit new_guard(params["new_pin"].get_ref<std::string&>());
    try {
      result = rpc->call("pin.change", params);
    } catch (const RpcError& e) {
      // The daemon refused the PIN's final try without sending it: ask, then retry once.
      if (e.reason != reasons::pin_final_try || !confirm_pin_final_try(inv)) throw;
      params["force"] = true;
      result = rpc->call("pin.change", params);
    }
  } catch (...) {
    wipe_all();
    throw;
  }
  wipe_all();
  if (inv.opt.json) {
    inv.print_json({{"token", inv.opt.token}, {"pin", result.value("pin", json())}});
    return exit_ok;
  }
  inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "pin.changed") << "\n"
          << "  " << tr(inv.lang, "status.pin") << pin_text(inv.lang, result.value("pin", json())) << "\n";
  return exit_ok;
}

int cmd_verify_pin(const Invocation& inv) {
  auto rpc = inv.connect();
  json status = rpc->call("token.status", {{"token", inv.opt.token}});
  if (!inv.opt.json)
    inv.out << tr(inv.lang, "status.pin") << pin_text(inv.lang, status.value("pin", json())) << "\n";
  auto pin = inv.prompter.secret(tr(inv.lang, "verify.prompt"));
  if (!pin)
    return inv.report({"no_pin", tr(inv.lang, "pin.no_input"), tr(inv.lang, "verify.no_input.todo")},
                      exit_cancelled);
  json result;
  try {
    inv.progress(tr(inv.lang, "verify.progress"));
    json params = {{"token", inv.opt.token}, {"pin", *pin}};
    WipeOnExit guard(params["pin"].get_ref<std::string&>());
    try {
      result = rpc->call("pin.verify", params);
    } catch (const RpcError& e) {
      // The daemon refused the PIN's final try without sending it: ask, then retry once.
      if (e.reason != reasons::pin_final_try || !confirm_pin_final_try(inv)) throw;
      params["force"] = true;
      result = rpc->call("pin.verify", params);
    }
  } catch (...) {
    wipe(*pin);
    throw;
  }
  wipe(*pin);
  if (inv.opt.json) {
    inv.print_json({{"token", inv.opt.token}, {"verified", true}, {"pin", result.value("pin", json())}});
    return exit_ok;
  }
  inv.out << inv.style.mark(Level::ok) << " " << tr(inv.lang, "verify.ok") << "\n"
          << "  " << tr(inv.lang, "status.pin") << pin_text(inv.lang, result.value("pin", json())) << "\n";
  return exit_ok;
}

}  // namespace eport::client

// unlock (PIN reset to the default with the PUK) and change-pin.
#include "commands.hpp"

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
bool confirm_final_try(const Context& ctx) {
  ctx.err << "\n"
          << ctx.style.paint(Level::bad, tr(ctx.lang, "unlock.final_try.banner")) << "\n"
          << ctx.style.paint(Level::bad, tr(ctx.lang, "unlock.final_try.text")) << "\n";
  auto answer = ctx.prompter.line(tr(ctx.lang, "unlock.final_try.question"));
  return answer && is_yes_word(*answer);
}

// The warning before the PIN's final try in change-pin; true only when the user confirmed.
bool confirm_pin_final_try(const Context& ctx) {
  ctx.err << "\n"
          << ctx.style.paint(Level::bad, tr(ctx.lang, "pin.final_try.banner")) << "\n"
          << ctx.style.paint(Level::bad, tr(ctx.lang, "pin.final_try.text")) << "\n";
  auto answer = ctx.prompter.line(tr(ctx.lang, "unlock.final_try.question"));
  return answer && is_yes_word(*answer);
}

void show_pin_state(const Context& ctx, const json& status) {
  if (ctx.opt.json) return;
  ctx.out << render_status(ctx.lang, ctx.style,
                           {{"token", status.value("token", json::object())},
                            {"pin", status.value("pin", json())},
                            {"puk", status.value("puk", json())}});
}

// Calls pin.reset; on puk_final_try (the daemon knew better than the status) asks and retries once.
json reset_with_puk(const Context& ctx, RpcClient& rpc, const std::string& token, const std::string& puk,
                    bool force, bool& cancelled) {
  for (;;) {
    json params = {{"token", token}, {"puk", puk}};
    WipeOnExit guard(params["puk"].get_ref<std::string&>());
    if (force) params["force"] = true;
    try {
      ctx.progress(tr(ctx.lang, "unlock.progress"));
      return rpc.call("pin.reset", params);
    } catch (const RpcError& e) {
      if (e.reason != "puk_final_try" || force) throw;
      if (!confirm_final_try(ctx)) {
        cancelled = true;
        return json();
      }
      force = true;
    }
  }
}

}  // namespace

int unlock_flow(const Context& ctx, RpcClient& rpc, const std::string& token, json& result) {
  json status = rpc.call("token.status", {{"token", token}});
  show_pin_state(ctx, status);
  const json puk_state = status.value("puk", json());
  if (puk_state.is_object() && puk_state.value("state", std::string()) == "blocked")
    return ctx.report(explain_reason(ctx.lang, "puk_blocked", json::object(), ""), exit_failed);
  if (!ctx.opt.json && status.value("pin", json()).value("state", std::string()) != "blocked")
    ctx.out << tr(ctx.lang, "unlock.not_blocked") << "\n";
  // Neither the card nor its last answer tells the PUK counter: eportd's guard cannot help.
  if (puk_state.is_object() && puk_state.value("state", std::string()) == "unknown")
    ctx.err << ctx.style.paint(Level::bad, tr(ctx.lang, "unlock.puk_unknown")) << "\n";
  auto puk = ctx.prompter.secret(tr(ctx.lang, "unlock.puk_prompt"));
  if (!puk || puk->empty())
    return ctx.report({"no_puk", tr(ctx.lang, "unlock.no_puk"), tr(ctx.lang, "unlock.no_puk.todo")},
                      exit_cancelled);
  bool force = false;
  if (puk_on_final_try(puk_state)) {
    if (!confirm_final_try(ctx)) {
      wipe(*puk);
      return ctx.report({"cancelled", tr(ctx.lang, "cancelled"), ""}, exit_cancelled);
    }
    force = true;
  }
  bool cancelled = false;
  try {
    result = reset_with_puk(ctx, rpc, token, *puk, force, cancelled);
  } catch (...) {
    wipe(*puk);
    throw;
  }
  wipe(*puk);
  if (cancelled) return ctx.report({"cancelled", tr(ctx.lang, "cancelled"), ""}, exit_cancelled);
  if (!ctx.opt.json) {
    ctx.out << ctx.style.mark(Level::ok) << " " << tr(ctx.lang, "unlock.done") << "\n"
            << "  " << tr(ctx.lang, "status.pin") << pin_text(ctx.lang, result.value("pin", json())) << "\n"
            << "  " << trf(ctx.lang, "unlock.tell_holder", {{"token", token}}) << "\n";
  }
  return exit_ok;
}

int cmd_unlock(const Context& ctx) {
  auto rpc = ctx.connect();
  json result;
  int code = unlock_flow(ctx, *rpc, ctx.opt.token, result);
  if (code == exit_ok && ctx.opt.json)
    ctx.print_json({{"token", ctx.opt.token}, {"pin", result.value("pin", json())}});
  return code;
}

int cmd_change_pin(const Context& ctx) {
  auto rpc = ctx.connect();
  json status = rpc->call("token.status", {{"token", ctx.opt.token}});
  if (!ctx.opt.json)
    ctx.out << tr(ctx.lang, "status.pin") << pin_text(ctx.lang, status.value("pin", json())) << "\n";
  auto old_pin = ctx.prompter.secret(tr(ctx.lang, "pin.prompt.old"));
  auto new_pin = old_pin ? ctx.prompter.secret(tr(ctx.lang, "pin.prompt.new")) : std::nullopt;
  auto again =
      new_pin && !ctx.opt.pins_stdin ? ctx.prompter.secret(tr(ctx.lang, "pin.prompt.again")) : new_pin;
  auto wipe_all = [&] {
    for (auto* s : {&old_pin, &new_pin, &again})
      if (*s) wipe(**s);
  };
  if (!old_pin || !new_pin || !again) {
    wipe_all();
    return ctx.report({"no_pin", tr(ctx.lang, "pin.no_input"), tr(ctx.lang, "pin.no_input.todo")},
                      exit_cancelled);
  }
  if (*new_pin != *again) {
    wipe_all();
    return ctx.report({"pin_mismatch", tr(ctx.lang, "pin.mismatch"), tr(ctx.lang, "pin.mismatch.todo")},
                      exit_failed);
  }
  json result;
  try {
    ctx.progress(tr(ctx.lang, "pin.progress"));
    json params = {{"token", ctx.opt.token}, {"old_pin", *old_pin}, {"new_pin", *new_pin}};
    WipeOnExit old_guard(params["old_pin"].get_ref<std::string&>());
    WipeOnExit new_guard(params["new_pin"].get_ref<std::string&>());
    try {
      result = rpc->call("pin.change", params);
    } catch (const RpcError& e) {
      // The daemon refused the PIN's final try without sending it: ask, then retry once.
      if (e.reason != "pin_final_try" || !confirm_pin_final_try(ctx)) throw;
      params["force"] = true;
      result = rpc->call("pin.change", params);
    }
  } catch (...) {
    wipe_all();
    throw;
  }
  wipe_all();
  if (ctx.opt.json) {
    ctx.print_json({{"token", ctx.opt.token}, {"pin", result.value("pin", json())}});
    return exit_ok;
  }
  ctx.out << ctx.style.mark(Level::ok) << " " << tr(ctx.lang, "pin.changed") << "\n"
          << "  " << tr(ctx.lang, "status.pin") << pin_text(ctx.lang, result.value("pin", json())) << "\n";
  return exit_ok;
}

}  // namespace eport::client

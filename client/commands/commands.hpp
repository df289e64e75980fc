#pragma once
// The eportctl subcommands; each returns the process exit code.

#include "invocation.hpp"

#include <nlohmann/json.hpp>

namespace eport::client {

/// `status [TOKEN]`: readers, tokens, PIN/PUK and certificates, with advice.
int cmd_status(const Invocation& inv);
/// `tokens`: the token list.
int cmd_tokens(const Invocation& inv);
/// `readers`: the reader list.
int cmd_readers(const Invocation& inv);
/// `check [TOKEN] [--warn-days N]`: expiry and PIN check with exit codes 0..3.
int cmd_check(const Invocation& inv);
/// `unlock TOKEN`: reset the PIN to the default with the PUK.
int cmd_unlock(const Invocation& inv);
/// `renew TOKEN --slot S --cert FILE`: write a renewed certificate.
int cmd_renew(const Invocation& inv);
/// `change-pin TOKEN`: the holder changes the PIN.
int cmd_change_pin(const Invocation& inv);
/// `watch`: live events.
int cmd_watch(const Invocation& inv);
/// `doctor`: a health checklist of this computer's set-up.
int cmd_doctor(const Invocation& inv);
/// `audit [-n N]`: the last audit records.
int cmd_audit(const Invocation& inv);
/// `call METHOD [JSON]`: a raw protocol request.
int cmd_call(const Invocation& inv);

/// The unlock flow on an open connection (shared by unlock and renew --reset-pin). On success
/// `result` holds pin.reset's result. Returns an exit code.
int unlock_flow(const Invocation& inv, RpcClient& rpc, const std::string& token, nlohmann::json& result);

/// Runs the command named in inv.opt.command and turns errors into explained messages and exit codes.
int run_command(const Invocation& inv);

}  // namespace eport::client

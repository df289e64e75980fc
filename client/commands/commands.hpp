#pragma once
// The eportctl subcommands; each returns the process exit code.

#include "context.hpp"
#include "doctor_checks.hpp"
#include "health.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace eport::client {

/// `status [TOKEN]`: readers, tokens, PIN/PUK and certificates, with advice.
int cmd_status(const Context& ctx);
/// `tokens`: the token list.
int cmd_tokens(const Context& ctx);
/// `readers`: the reader list.
int cmd_readers(const Context& ctx);
/// `check [TOKEN] [--warn-days N]`: expiry and PIN check with exit codes 0..3.
int cmd_check(const Context& ctx);
/// `unlock TOKEN`: reset the PIN to the default with the PUK.
int cmd_unlock(const Context& ctx);
/// `renew TOKEN --slot S --cert FILE`: write a renewed certificate.
int cmd_renew(const Context& ctx);
/// `change-pin TOKEN`: the holder changes the PIN.
int cmd_change_pin(const Context& ctx);
/// `watch`: live events.
int cmd_watch(const Context& ctx);
/// `doctor [--bundle FILE]`: a health checklist of this computer's set-up, and a support bundle.
int cmd_doctor(const Context& ctx);
/// `audit [-n N]`: the last audit records.
int cmd_audit(const Context& ctx);
/// `open`: the status page's address (daemon.info `web`), or why there is none.
int cmd_open(const Context& ctx);
/// `call METHOD [JSON]`: a raw protocol request.
int cmd_call(const Context& ctx);

/// The unlock flow on an open connection (shared by unlock and renew --reset-pin). On success
/// `result` holds pin.reset's result. Returns an exit code.
int unlock_flow(const Context& ctx, RpcClient& rpc, const std::string& token, nlohmann::json& result);

/// What doctor found: the checklist, the card findings, and the open connection (null when
/// eportd could not be reached; `connect_problem` says why).
struct DoctorRun {
  std::vector<CheckItem> items;    ///< the checklist
  std::vector<Finding> findings;   ///< what the cards need
  Guidance guidance;               ///< where to go, what to bring
  int code = exit_ok;              ///< doctor's exit code
  std::unique_ptr<RpcClient> rpc;  ///< the connection doctor used
  std::string connect_problem;     ///< why eportd could not be reached ("" when it could)
};
/// Runs doctor's checks against eportd.
DoctorRun run_doctor(const Context& ctx);
/// doctor's result as --json prints it ({ok, exit_code, items, findings}).
nlohmann::json doctor_json(const Context& ctx, const DoctorRun& run);
/// Gathers and writes the support bundle of --bundle; `report` receives {path, files,
/// missing} (or {path, error}); says on stderr what it wrote. False when it could not write.
bool write_support_bundle(const Context& ctx, DoctorRun& run, const nlohmann::json& doctor,
                          nlohmann::json& report);

/// Runs the command named in ctx.opt.command and turns errors into explained messages and exit codes.
int run_command(const Context& ctx);

}  // namespace eport::client

#pragma once
// The eportctl subcommands; each returns the process exit code.

#include "doctor_checks.hpp"
#include "health.hpp"
#include "invocation.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

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
/// `verify-pin TOKEN`: the holder checks the PIN; the card is left unverified.
int cmd_verify_pin(const Invocation& inv);
/// `watch`: live events.
int cmd_watch(const Invocation& inv);
/// `doctor [--bundle FILE]`: a health checklist of this computer's set-up, and a support bundle.
int cmd_doctor(const Invocation& inv);
/// `audit [-n N]`: the last audit records.
int cmd_audit(const Invocation& inv);
/// `open`: the status page's address (daemon.info `web`), or why there is none.
int cmd_open(const Invocation& inv);
/// `call METHOD [JSON]`: a raw protocol request.
int cmd_call(const Invocation& inv);

/// The unlock flow on an open connection (shared by unlock and renew --reset-pin). On success
/// `result` holds pin.reset's result. Returns an exit code.
int unlock_flow(const Invocation& inv, RpcClient& rpc, const std::string& token, nlohmann::json& result);

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
DoctorRun run_doctor(const Invocation& inv);
/// doctor's result as --json prints it ({ok, exit_code, items, findings}).
nlohmann::json doctor_json(const Invocation& inv, const DoctorRun& run);
/// Gathers and writes the support bundle of --bundle; `report` receives {path, files,
/// missing} (or {path, error}); says on stderr what it wrote. False when it could not write.
bool write_support_bundle(const Invocation& inv, DoctorRun& run, const nlohmann::json& doctor,
                          nlohmann::json& report);

/// Runs the command named in inv.opt.command and turns errors into explained messages and exit codes.
int run_command(const Invocation& inv);

}  // namespace eport::client

#pragma once
// Pure judgement of token states: what is wrong with a card, and check's exit code.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eport::client {

/// A problem the card holder or the help desk has to act on.
enum class Problem {
  pin_blocked,         ///< the PIN is blocked: unlock with the PUK
  pin_final_try,       ///< one PIN try left
  pin_default,         ///< the PIN is still the issuer's default
  puk_blocked,         ///< the PUK is blocked: the card cannot be unlocked any more
  cert_expired,        ///< a certificate has expired
  cert_expiring,       ///< a certificate expires within the warning period
  cert_not_yet_valid,  ///< a certificate is not valid yet
};

/// One problem on one token (and slot, for certificate problems).
struct Finding {
  Problem problem;        ///< what is wrong
  std::string token;      ///< token id
  std::string slot;       ///< certificate slot, empty for PIN problems
  long days_left = 0;     ///< days until expiry (negative when expired)
  std::string not_after;  ///< certificate end date as eportd sent it
};

/// Exit codes of `eportctl check` (documented in docs/eportctl.md).
enum CheckExit : int {
  check_all_valid = 0,
  check_expiring = 1,
  check_expired_or_blocked = 2,
  check_no_token = 3
};

/// The id of a token given either as its id string or as a Token object.
std::string token_id(const nlohmann::json& token);

/// Stable machine name of a problem, used in --json ("pin_blocked", ...).
std::string problem_name(Problem p);

/// A certificate's state as eportd judged it ("valid", "expiring", "expired", "not_yet_valid";
/// "valid" when absent). eportctl never re-judges it: eportd applies warn_days.
std::string cert_state(const nlohmann::json& cert);

/// PIN and PUK problems in one token.status result.
std::vector<Finding> findings_for_pins(const nlohmann::json& status);

/// Problems found in one token.status result (PIN/PUK, then certificates).
std::vector<Finding> findings_for_status(const nlohmann::json& status);

/// Problems found in the certificates of one cert.check token entry (or of a token.status).
std::vector<Finding> findings_for_certificates(const std::string& token, const nlohmann::json& certificates);

/// check's exit code from a cert.check result (its `worst`, and a certificate not valid yet,
/// which `worst` counts as expiring) plus the PIN states of the same tokens (token.status
/// results; may be empty when they could not be read).
int check_exit_code(const nlohmann::json& cert_check, const std::vector<nlohmann::json>& statuses);

}  // namespace eport::client

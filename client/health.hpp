#pragma once
// Pure judgement of token states: what is wrong with a card, and check's exit code.

#include <nlohmann/json.hpp>

#include <optional>
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

/// Certificate state, recomputed from days_left when `warn_days` asks for a wider window than eportd's.
std::string effective_cert_state(const nlohmann::json& cert, std::optional<int> warn_days);

/// Problems found in one token.status result (certificates and PIN/PUK).
std::vector<Finding> findings_for_status(const nlohmann::json& status, std::optional<int> warn_days);

/// Problems found in the certificates of one cert.check token entry.
std::vector<Finding> findings_for_certificates(const std::string& token, const nlohmann::json& certificates,
                                               std::optional<int> warn_days);

/// check's exit code from a cert.check result plus the PIN states of the same tokens (token.status
/// results; may be empty when they could not be read).
int check_exit_code(const nlohmann::json& cert_check, const std::vector<nlohmann::json>& statuses,
                    std::optional<int> warn_days);

}  // namespace eport::client

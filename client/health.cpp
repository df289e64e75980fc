#include "health.hpp"

#include <algorithm>

namespace eport::client {

using nlohmann::json;

std::string token_id(const json& token) {
  if (token.is_string()) return token.get<std::string>();
  if (token.is_object()) return token.value("id", std::string());
  return {};
}

std::string problem_name(Problem p) {
  switch (p) {
    case Problem::pin_blocked: return "pin_blocked";
    case Problem::pin_final_try: return "pin_final_try";
    case Problem::pin_default: return "pin_default";
    case Problem::puk_blocked: return "puk_blocked";
    case Problem::cert_expired: return "cert_expired";
    case Problem::cert_expiring: return "cert_expiring";
    case Problem::cert_not_yet_valid: return "cert_not_yet_valid";
  }
  return "unknown";
}

std::string effective_cert_state(const json& cert, std::optional<int> warn_days) {
  std::string state = cert.value("state", std::string("valid"));
  if (!cert.contains("days_left") || !cert["days_left"].is_number()) return state;
  long days = cert["days_left"].get<long>();
  if (state == "not_yet_valid") return state;
  if (days < 0) return "expired";
  if (state == "valid" && warn_days && days <= *warn_days) return "expiring";
  return state;
}

std::vector<Finding> findings_for_certificates(const std::string& token, const json& certificates,
                                               std::optional<int> warn_days) {
  std::vector<Finding> out;
  if (!certificates.is_array()) return out;
  for (const auto& cert : certificates) {
    std::string state = effective_cert_state(cert, warn_days);
    Finding f{Problem::cert_expired, token, cert.value("slot", std::string()),
              cert.contains("days_left") && cert["days_left"].is_number() ? cert["days_left"].get<long>() : 0,
              cert.value("not_after", std::string())};
    if (state == "expired") out.push_back(f);
    else if (state == "expiring") out.push_back((f.problem = Problem::cert_expiring, f));
    else if (state == "not_yet_valid") out.push_back((f.problem = Problem::cert_not_yet_valid, f));
  }
  return out;
}

std::vector<Finding> findings_for_status(const json& status, std::optional<int> warn_days) {
  std::string token = token_id(status.value("token", json()));
  std::vector<Finding> out;
  const json& pin = status.contains("pin") ? status["pin"] : json();
  if (pin.is_object()) {
    std::string state = pin.value("state", std::string("unknown"));
    if (state == "blocked") out.push_back({Problem::pin_blocked, token, "", 0, ""});
    else if (state == "final_try") out.push_back({Problem::pin_final_try, token, "", 0, ""});
    if (state != "blocked" && pin.contains("is_default") && pin["is_default"] == true)
      out.push_back({Problem::pin_default, token, "", 0, ""});
  }
  const json& puk = status.contains("puk") ? status["puk"] : json();
  if (puk.is_object() && puk.value("state", std::string()) == "blocked")
    out.push_back({Problem::puk_blocked, token, "", 0, ""});
  auto certs = findings_for_certificates(token, status.value("certificates", json::array()), warn_days);
  out.insert(out.end(), certs.begin(), certs.end());
  return out;
}

int check_exit_code(const json& cert_check, const std::vector<json>& statuses, std::optional<int> warn_days) {
  const json tokens = cert_check.value("tokens", json::array());
  if (!tokens.is_array() || tokens.empty()) return check_no_token;
  int code = check_all_valid;
  for (const auto& entry : tokens) {
    std::string id = token_id(entry.value("token", json()));
    for (const auto& f :
         findings_for_certificates(id, entry.value("certificates", json::array()), warn_days)) {
      if (f.problem == Problem::cert_expiring) code = std::max(code, int(check_expiring));
      else code = std::max(code, int(check_expired_or_blocked));
    }
  }
  std::string worst = cert_check.value("worst", std::string());
  if (worst == "expired") code = std::max(code, int(check_expired_or_blocked));
  if (worst == "expiring") code = std::max(code, int(check_expiring));
  for (const auto& status : statuses)
    if (status.contains("pin") && status["pin"].is_object() && status["pin"].value("state", "") == "blocked")
      code = std::max(code, int(check_expired_or_blocked));
  return code;
}

}  // namespace eport::client

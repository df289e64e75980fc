#include "health.hpp"

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

std::string cert_state(const json& cert) {
  if (!cert.is_object() || !cert.contains("state") || !cert["state"].is_string()) return "valid";
  return cert["state"].get<std::string>();
}

std::vector<Finding> findings_for_certificates(const std::string& token, const json& certificates) {
  std::vector<Finding> out;
  if (!certificates.is_array()) return out;
  for (const auto& cert : certificates) {
    const std::string state = cert_state(cert);
    Finding f{Problem::cert_expired, token, cert.value("slot", std::string()),
              cert.contains("days_left") && cert["days_left"].is_number() ? cert["days_left"].get<long>() : 0,
              cert.value("not_after", std::string())};
    if (state == "expired") out.push_back(f);
    else if (state == "expiring") out.push_back((f.problem = Problem::cert_expiring, f));
    else if (state == "not_yet_valid") out.push_back((f.problem = Problem::cert_not_yet_valid, f));
  }
  return out;
}

std::vector<Finding> findings_for_pins(const json& status) {
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
  return out;
}

std::vector<Finding> findings_for_status(const json& status) {
  auto out = findings_for_pins(status);
  auto certs = findings_for_certificates(token_id(status.value("token", json())),
                                         status.value("certificates", json::array()));
  out.insert(out.end(), certs.begin(), certs.end());
  return out;
}

int check_exit_code(const json& cert_check, const std::vector<json>& statuses) {
  const json tokens = cert_check.value("tokens", json::array());
  if (!tokens.is_array() || tokens.empty()) return check_no_token;
  const std::string worst = cert_check.value("worst", std::string());
  int code = worst == "expired"    ? check_expired_or_blocked
             : worst == "expiring" ? check_expiring
                                   : check_all_valid;
  for (const auto& entry : tokens)
    for (const auto& cert : entry.value("certificates", json::array()))
      if (cert_state(cert) == "not_yet_valid") code = check_expired_or_blocked;
  for (const auto& status : statuses)
    if (status.contains("pin") && status["pin"].is_object() && status["pin"].value("state", "") == "blocked")
      code = check_expired_or_blocked;
  return code;
}

}  // namespace eport::client

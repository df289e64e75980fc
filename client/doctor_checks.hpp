#pragma once
// Pure evaluation of eportd's answers into doctor's checklist items.

#include "i18n.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eport::client {

/// One line of the doctor checklist.
struct CheckItem {
  std::string id;      ///< stable id for --json ("eportd", "pcscd", "readers", ...)
  std::string status;  ///< "ok", "warn", "fail" or "skip"
  std::string text;    ///< what was found, in the user's language
  std::string advice;  ///< what to do (empty when nothing is to be done)
};

/// What doctor learned from eportd (any part may be null when it could not be asked).
struct DoctorFacts {
  nlohmann::json hello;    ///< session.hello result
  nlohmann::json info;     ///< daemon.info result
  nlohmann::json diag;     ///< diag.report result
  nlohmann::json readers;  ///< readers.list's readers
  nlohmann::json tokens;   ///< tokens.list's tokens
  nlohmann::json drivers;  ///< drivers.list's drivers
};

/// "up", "down" or "" (unknown) from diag.report or daemon.info, whatever shape they use.
std::string pcsc_state(const DoctorFacts& f);

/// USB tokens that have no reader or no driver, as short descriptions.
std::vector<std::string> orphan_usb_tokens(const nlohmann::json& diag);

/// Config warnings from diag.report.
std::vector<std::string> config_warnings(const nlohmann::json& diag);

/// The checklist items that follow from the facts (after "eportd reachable").
std::vector<CheckItem> evaluate_doctor(Lang lang, const DoctorFacts& facts);

/// The checklist item for the local socket file: path, mode and group, and whether we may use it.
CheckItem socket_item(Lang lang, const std::string& path, const nlohmann::json& diag);

}  // namespace eport::client

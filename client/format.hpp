#pragma once
// Human-readable rendering of protocol objects (PinState, Certificate, Token, events, audit records).

#include "i18n.hpp"
#include "style.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace eport::client {

/// How serious a PinState is: ok, low/final try (warn), blocked (bad), unknown (info).
Level pin_level(const nlohmann::json& pin);

/// A PinState in words: "blocked (0 of 3 tries left)", "OK, 3 of 3 tries left, still the default PIN";
/// `is_puk` names the default as the default PUK.
std::string pin_text(Lang lang, const nlohmann::json& pin, bool is_puk = false);

/// How serious a certificate state is ("valid", "expiring", "expired", "not_yet_valid").
Level cert_level(const std::string& state);

/// One certificate in words: subject, expiry date and days left (or since when it is expired);
/// the state is eportd's (cert_state).
std::string cert_text(Lang lang, const nlohmann::json& cert);

/// The date part of an ISO 8601 time ("2036-01-01T00:00:00Z" -> "2036-01-01").
std::string date_only(const std::string& iso);

/// A token.status result as a block of lines: the card, its PIN and PUK, each certificate.
std::string render_status(Lang lang, const Style& style, const nlohmann::json& status);

/// readers.list's readers as a table.
std::string render_readers(Lang lang, const nlohmann::json& readers);

/// tokens.list's tokens as a table.
std::string render_tokens(Lang lang, const nlohmann::json& tokens);

/// One event notification's params as one line.
std::string render_event(Lang lang, const nlohmann::json& params);

/// One audit record as one line.
std::string render_audit_record(Lang lang, const nlohmann::json& record);

/// The certificate on the card and the new one side by side; rows that differ are marked.
std::string render_cert_comparison(Lang lang, const Style& style, const nlohmann::json& old_cert,
                                   const nlohmann::json& new_cert);

}  // namespace eport::client

#pragma once
// What token.status, cert.check and the expiry monitor read from a card, in one transaction,
// and how it becomes PROTOCOL.md objects. read_card() runs on the token's worker; the rest is
// pure and runs wherever the answer is built.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cardops/card_call.hpp"
#include "cardops/cert_cache.hpp"
#include "cardops/failure.hpp"
#include "devices/token_job.hpp"
#include "drivers/types.hpp"
#include "x509/certificate_summary.hpp"
#include "x509/summary_memo.hpp"

namespace eport::cardops {

/// One reading of a card. Fields stay empty when the driver lacks the capability.
struct CardReading {
  std::optional<drivers::PinInfo> pin;        ///< user PIN (no try spent)
  std::optional<drivers::PinInfo> puk;        ///< PUK / SO PIN (no try spent)
  std::vector<drivers::SlotInfo> slots;       ///< every slot the driver listed
  std::vector<SlotCertificate> certificates;  ///< slots holding a certificate
  std::int64_t read_at = 0;  ///< when the certificate data was read from the card (unix seconds)
};

/// Reads PIN and PUK state (when `with_pins`) and every certificate, through the session's
/// driver; or why reading stopped. Never spends a PIN or PUK try.
CardResult<CardReading> read_card(devices::TokenSession& session, bool with_pins);

/// Certificates parsed and summarised at `now`; slots whose bytes are not a certificate go to
/// `unreadable` as {"slot","label","error"} so that a torn certificate is never shown as valid.
struct CertificateReport {
  std::vector<x509::CertificateSummary> summaries;      ///< parsed certificates, slot order
  nlohmann::json unreadable = nlohmann::json::array();  ///< slots that did not parse
};

/// Reads the PIN and PUK state into `out` (never spends a try); the failure when one stops it.
std::optional<Failure> read_pins(devices::TokenSession& session, CardReading& out);

/// Reads the slot list and every certificate into `out`; the failure when one stops it.
std::optional<Failure> read_certificates(devices::TokenSession& session, CardReading& out);

/// Summarises the certificates of a reading at `now_unix`, parsing each distinct certificate
/// only once (`memo`).
CertificateReport summarise_certificates(const CardReading& reading, std::int64_t now_unix,
                                         const std::vector<int>& warn_days, x509::SummaryMemo& memo);

/// The Certificate objects of a report, as a JSON array.
nlohmann::json certificates_json(const CertificateReport& report);

/// cert.check's `worst` over reports: "none" (no certificate), "valid", "expiring", "expired".
/// A certificate that is not yet valid, or unreadable, counts as "expiring": it needs attention
/// but is not past its end.
std::string worst_state(const std::vector<const CertificateReport*>& reports);

}  // namespace eport::cardops

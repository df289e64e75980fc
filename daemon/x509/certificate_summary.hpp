#pragma once
// The facts a front end shows about a certificate: PROTOCOL.md's Certificate object.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "x509/certificate.hpp"
#include "x509/expiry.hpp"

namespace eport::x509 {

/// PROTOCOL.md's Certificate (slot and label are filled in by whoever knows the slot).
struct CertificateSummary {
  /// Slot id as the driver names it ("9a"), "" when not from a card.
  std::string slot;
  /// Human slot name ("PIV Authentication"), "" when not from a card.
  std::string label;
  /// Subject in RFC 2253 order (most specific first, "CN=…,O=…,C=CN"), UTF-8 kept as is.
  std::string subject;
  /// Issuer, same format as subject.
  std::string issuer;
  /// Serial number, lower-case hex without separators (at least two digits).
  std::string serial;
  /// notBefore, "YYYY-MM-DDTHH:MM:SSZ".
  std::string not_before;
  /// notAfter, "YYYY-MM-DDTHH:MM:SSZ".
  std::string not_after;
  /// notBefore as Unix seconds (for arithmetic; not in the JSON).
  std::int64_t not_before_unix = 0;
  /// notAfter as Unix seconds (for arithmetic; not in the JSON).
  std::int64_t not_after_unix = 0;
  /// floor((notAfter - now) / 1 day); negative once expired.
  std::int64_t days_left = 0;
  /// valid / expiring / expired / not_yet_valid at the time of summarising.
  ExpiryState state = ExpiryState::valid;
  /// Key type and size: "RSA-2048", "EC-P256", "EC-P384", "SM2", "Ed25519", …
  std::string key;
  /// SHA-256 of the DER, lower-case hex.
  std::string sha256;

  /// The Certificate object as PROTOCOL.md spells it.
  nlohmann::json to_json() const;
};

/// Summarises `cert` at `now` with the configured expiry.warn_days thresholds.
CertificateSummary summarise(const Certificate& cert, std::chrono::system_clock::time_point now,
                             const std::vector<int>& warn_days);

/// Same, reading `now` from the injected clock.
CertificateSummary summarise(const Certificate& cert, const Clock& clock, const std::vector<int>& warn_days);

/// Key type and size of the certificate's public key, as in CertificateSummary::key.
std::string key_description(const Certificate& cert);

}  // namespace eport::x509

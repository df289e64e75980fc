#pragma once
// One open PIV card: what the driver learnt when it opened the card (serial, retired slots,
// whether GET METADATA works) and every operation of the ABI in C++ terms. Each operation gets
// a PivCard for the current call and starts with one SELECT (another program may have selected
// a different application between two calls) — unless the host says the call runs in the same
// card transaction as this token's last SELECT (eport_host.channel_session); identify() sends
// nothing.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cert_cache.hpp"
#include "options.hpp"
#include "pin_state.hpp"
#include "piv_card.hpp"
#include "slots.hpp"

namespace eport::piv {

/// Log sink: (EPORT_LOG_* level, one line without secrets).
using Logger = std::function<void(int32_t level, const std::string& message)>;

/// Who the token is.
struct Identity {
  std::string serial;         ///< GET SERIAL as 8 hex digits, else the CHUID GUID / FASC-N hex
  std::string serial_source;  ///< "serial" (F8), "chuid" or "" (none found)
  std::string label;          ///< "PIV card <serial>"
  std::string model;          ///< "PIV"
  std::string manufacturer;   ///< "" (PIV does not say)
};

/// One slot as cert_list reports it.
struct SlotReport {
  Slot slot;                 ///< which slot
  int has_certificate = -1;  ///< 1, 0, -1 unknown (object malformed)
};

/// The result of a PIN operation: the ABI status and the figures to report with it.
struct PinResult {
  int32_t status = EPORT_OK;  ///< EPORT_OK or EPORT_ERR_*
  PinFigures figures;         ///< see the ABI function for whose figures these are
};

/// An open PIV token.
class Token {
 public:
  /// `options` must outlive the token.
  Token(const DriverOptions& options, Logger log, SteadyClock clock);

  /// Learn the identity and the retired slots; PIV is already selected (match() just did).
  void open(PivCard& card);
  /// What open() learnt.
  const Identity& identity() const { return identity_; }

  /// State of the PIN (EPORT_PIN_USER) or PUK (EPORT_PIN_PUK) without spending a try.
  PinResult pin_status(PivCard& card, uint32_t which);
  /// RESET RETRY COUNTER; figures: the PUK's on a wrong / blocked PUK, the PIN's on success.
  PinResult pin_reset(PivCard& card, const char* puk, size_t puk_len, const char* new_pin,
                      size_t new_pin_len);
  /// CHANGE REFERENCE DATA of the PIN or PUK; figures: that credential's state afterwards.
  PinResult pin_change(PivCard& card, uint32_t which, const char* old_pin, size_t old_len,
                       const char* new_pin, size_t new_len);

  /// VERIFY of the user PIN, then VERIFY P1=FF (the card is left unverified whatever the
  /// answer); figures: the PIN's state afterwards (tries left from 63Cx on a wrong PIN).
  PinResult pin_verify(PivCard& card, uint32_t which, const char* pin, size_t pin_len);

  /// The slots this card has (standard + retired ones Key History announced), no APDU.
  std::vector<Slot> slots() const;
  /// Every slot and whether it holds a certificate (reads them; remembered for cert_read).
  std::vector<SlotReport> cert_list(PivCard& card);
  /// The certificate in `slot`, DER; throws PivError NOT_FOUND when the slot is empty.
  Bytes cert_read(PivCard& card, const Slot& slot);
  /// Store `der` in `slot` after management-key authentication with `key`.
  void cert_write(PivCard& card, const Slot& slot, const Bytes& der, const SecureBytes& key);
  /// SubjectPublicKeyInfo of the key in `slot`: metadata, else the certificate; NOT_FOUND.
  Bytes slot_public_key(PivCard& card, const Slot& slot);
  /// Keep a certificate for the next cert_read of `slot` (the host retries after
  /// BUFFER_TOO_SMALL; that retry then costs no APDU).
  void keep_for_retry(const Slot& slot, const Bytes& der) { certs_.put(slot.key_ref, der); }

  /// The options the driver was started with.
  const DriverOptions& options() const { return options_; }

 private:
  /// SELECT of the PIV application, skipped when `card` runs in the same transaction as the
  /// last SELECT that succeeded.
  void select(PivCard& card);
  void learn_serial(PivCard& card);
  PinFigures read_pin_figures(PivCard& card, uint8_t ref);
  void clear_security(PivCard& card);
  std::optional<Metadata> metadata_if_supported(PivCard& card, uint8_t ref);
  SlotContent read_slot(PivCard& card, const Slot& slot);
  MgmtAlgorithm choose_mgmt_algorithm(PivCard& card, size_t key_len);

  const DriverOptions& options_;
  Logger log_;
  Identity identity_;
  KeyHistory key_history_;
  std::optional<bool> metadata_supported_;  ///< learnt on first use of GET METADATA
  uint64_t selected_in_ = 0;                ///< channel session of the last SELECT (0 = none)
  CertCache certs_;
};

}  // namespace eport::piv

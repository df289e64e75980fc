#pragma once
// Operations on one SKF token (a USBKey found by the provider). Each call finds the device again
// by its serial (device names may be reused), works, and disconnects; privileged jobs run under a
// bounded SKF_LockDev and end with SKF_ClearSecureState.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "provider.hpp"
#include "slots.hpp"

namespace eport::skf {

/// What the plug-in reports about one PIN.
struct PinReport {
  int tries_left = -1;  ///< remaining tries
  int max_tries = -1;   ///< tries after a successful verify
  int is_default = -1;  ///< 1 still the factory PIN, 0 changed
  int blocked = -1;     ///< 1 no tries left
};

/// One slot as cert_list reports it.
struct SlotReport {
  std::string id;            ///< "<app>/<container>/sign|enc"
  std::string label;         ///< "<container> (signing)"
  int has_certificate = -1;  ///< 1 / 0 / -1 unknown
  int has_key = -1;          ///< 1 / 0 / -1 unknown
};

/// The token an open_provider_token() made.
class SkfToken {
 public:
  SkfToken(Provider& provider, TokenEntry entry) : provider_(provider), entry_(std::move(entry)) {}

  const TokenEntry& entry() const { return entry_; }

  /// DEVINFO of the device now.
  TokenEntry identify();
  /// SKF_GetPINInfo for EPORT_PIN_USER (USER_TYPE) or EPORT_PIN_PUK (ADMIN_TYPE).
  PinReport pin_status(std::uint32_t which);
  /// SKF_UnblockPIN(admin PIN, new user PIN); returns an EPORT status and fills `out` (the
  /// user PIN after success, the admin PIN after a refusal).
  int32_t pin_reset(const char* admin_pin, std::size_t admin_len, const char* new_pin, std::size_t new_len,
                    PinReport& out);
  /// SKF_ChangePIN; returns an EPORT status and fills `out` with that PIN's state.
  int32_t pin_change(std::uint32_t which, const char* old_pin, std::size_t old_len, const char* new_pin,
                     std::size_t new_len, PinReport& out);
  /// SKF_VerifyPIN(USER_TYPE) then SKF_ClearSecureState: the key is never left logged in;
  /// returns an EPORT status and fills `out` with the PIN's state.
  int32_t pin_verify(std::uint32_t which, const char* pin, std::size_t len, PinReport& out);
  /// Every slot.
  std::vector<SlotReport> cert_list();
  /// The certificate of a slot; nullopt when empty.
  std::optional<Bytes> cert_read(const std::string& slot);
  /// SKF_ImportCertificate, after SKF_VerifyPIN(USER_TYPE, pin) when a PIN is given.
  void cert_write(const std::string& slot, const Bytes& der, const char* pin, std::size_t pin_len);
  /// SubjectPublicKeyInfo of the slot's key; nullopt when there is no key.
  std::optional<Bytes> slot_public_key(const std::string& slot);

 private:
  std::unique_ptr<Device> connect();
  std::string application_of(const Device& device) const;
  SlotRef slot_named(const Device& device, const std::string& slot) const;
  void check_new_pin(std::size_t len) const;

  Provider& provider_;
  TokenEntry entry_;
};

/// PinReport from SKF_GetPINInfo's figures.
PinReport report_of(const PinCounts& counts);

}  // namespace eport::skf

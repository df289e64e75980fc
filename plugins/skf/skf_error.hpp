#pragma once
// The plug-in's one exception: an ABI status and a sentence for the host's log. Thrown inside,
// turned into the status at the ABI boundary (abi_glue.hpp).
#include <cstdint>
#include <stdexcept>
#include <string>

#include "skf_abi.hpp"

namespace eport::skf {

/// A failed operation with the EPORT_* status it ends in.
class SkfError : public std::runtime_error {
 public:
  SkfError(int32_t status, const std::string& what) : std::runtime_error(what), status_(status) {}
  /// EPORT_ERR_*.
  int32_t status() const { return status_; }

 private:
  int32_t status_;
};

/// The EPORT_* status for an SKF status a library returned from `function` (not SAR_OK):
/// SAR_DEVICE_REMOVED / SAR_INVALIDHANDLEERR → CARD_REMOVED, SAR_PIN_INCORRECT → WRONG_PIN,
/// SAR_PIN_LOCKED → PIN_BLOCKED, SAR_PIN_LEN_RANGE / SAR_PIN_INVALID → INVALID_PIN,
/// SAR_TIMEOUTERR → TIMEOUT, SAR_NOTSUPPORTYETERR → UNSUPPORTED, SAR_CERTNOTFOUNTERR /
/// SAR_KEYNOTFOUNTERR → NOT_FOUND, anything else → CARD_ERROR.
int32_t to_status(abi::ULONG rv);

/// Throws SkfError(to_status(rv), "<function>: <SAR name>") unless rv is SAR_OK.
void check(abi::ULONG rv, const char* function);

}  // namespace eport::skf

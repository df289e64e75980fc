#pragma once
// The PKCS#11 declarations (p11-kit's pkcs11.h: the OASIS header as Debian ships it) and what
// every part of the plug-in shares: errors that carry an ABI status, and a log function.

#include <p11-kit/pkcs11.h>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

#include <eport/driver.h>

namespace eport::pkcs11 {

/// Writes one line to the host's log (level EPORT_LOG_*).
using Logger = std::function<void(int32_t level, const std::string& message)>;

/// A failure with the ABI status the operation returns and, when a module said it, its CK_RV.
class P11Error : public std::runtime_error {
 public:
  /// `status`: EPORT_ERR_*; `what`: one line for the log.
  P11Error(int32_t status, const std::string& what, CK_RV rv = CKR_OK)
      : std::runtime_error(what), status_(status), rv_(rv) {}
  /// The ABI status.
  int32_t status() const { return status_; }
  /// The module's return value (CKR_OK when the failure is ours).
  CK_RV rv() const { return rv_; }

 private:
  int32_t status_;
  CK_RV rv_;
};

/// "CKR_PIN_INCORRECT" etc.; "CKR_0x..." for values without a name.
std::string rv_name(CK_RV rv);

/// The ABI status for a module's failure (CKR_DEVICE_REMOVED -> EPORT_ERR_CARD_REMOVED, ...).
int32_t status_for(CK_RV rv);

/// Throws P11Error(status_for(rv), "<call>: <rv name>") unless rv is CKR_OK.
void check(CK_RV rv, const char* call);

/// A blank-padded PKCS#11 text field as a string without the padding.
template <std::size_t N>
std::string field(const CK_UTF8CHAR (&text)[N]) {
  std::string out(reinterpret_cast<const char*>(text), N);
  const auto end = out.find_last_not_of(std::string(" \0", 2));
  return end == std::string::npos ? std::string() : out.substr(0, end + 1);
}

}  // namespace eport::pkcs11

#pragma once
// The one exception type inside the plug-in. Every step of an operation (a transmit, a status
// word, a malformed object) can end it with an ABI status; throwing keeps the operations readable
// and the ABI boundary (driver_entry.cpp) turns it back into that status. Nothing escapes.

#include <cstdint>
#include <stdexcept>
#include <string>

#include <eport/driver.h>

namespace eport::piv {

/// An operation ended with an ABI status code (EPORT_ERR_*) and a one-line reason for the log.
class PivError : public std::runtime_error {
 public:
  /// `status` is an EPORT_ERR_* code; `reason` never contains a PIN, PUK or key.
  PivError(int32_t status, const std::string& reason) : std::runtime_error(reason), status_(status) {}
  /// The EPORT_ERR_* code to return across the ABI.
  int32_t status() const { return status_; }

 private:
  int32_t status_;
};

}  // namespace eport::piv

// Status codes of the driver ABI as a C++ enum, and the expected-style Result the host returns.
#pragma once

#include <cstdint>
#include <string>

namespace eport::drivers {

/// The ABI's status codes (include/eport/driver.h), one to one; values equal the C codes.
enum class Status : std::int32_t {
  Ok = 0,
  NoMatch = 1,
  BufferTooSmall = 2,
  Unsupported = 3,
  WrongPin = 4,
  PinBlocked = 5,
  InvalidPin = 6,
  WrongMgmtKey = 7,
  MgmtKeyRequired = 8,
  NotFound = 9,
  CardRemoved = 10,
  Transmit = 11,
  Timeout = 12,
  BadArgs = 13,
  CardError = 14,
  NoMemory = 15,
  Internal = 16,
};

/// Stable snake_case name of a status ("wrong_pin"), for logs and JSON.
const char* to_string(Status status);

/// One sentence a user can read: what the status means.
const char* describe(Status status);

/// True when `raw` is a status code defined by the ABI this host speaks.
bool is_known_status(std::int32_t raw);

/// The C code of a status, to hand back to a plug-in (e.g. from the host's transmit).
std::int32_t to_abi(Status status);

/// No value: the result of an operation that only succeeds or fails.
struct Empty {};

/// Outcome of a driver call: `status`, a human `detail` when not Ok, and the value. The value is
/// meaningful on Ok and, where documented, on errors too (PIN tries left after a wrong PIN).
template <class T>
struct Result {
  Status status = Status::Ok;  ///< Ok or the reason it failed
  std::string detail;          ///< what happened and what to do; empty on Ok
  T value{};                   ///< the answer

  /// True when status is Ok.
  bool ok() const { return status == Status::Ok; }
  /// Same as ok().
  explicit operator bool() const { return ok(); }
};

/// Result of an operation without a value.
using Outcome = Result<Empty>;

}  // namespace eport::drivers

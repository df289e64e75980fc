#pragma once
// How card-operation failures become protocol errors: a stable reason, a message that says
// what happened and what to do, and extra error.data fields. Pure.

#include <string>

#include <nlohmann/json.hpp>

#include "devices/token_job.hpp"
#include "drivers/status.hpp"
#include "ipc/error_codes.hpp"

namespace eport::cardops {

/// An application error (-32000) as handlers send it with Reply::fail.
struct Failure {
  std::string reason;                               ///< error.data.reason ("" for -32602)
  std::string message;                              ///< error.message
  nlohmann::json extra = nlohmann::json::object();  ///< more error.data fields
  int code = ipc::kApplicationError;                ///< ipc::kInvalidParams when the params were wrong
  /// What the work knows beyond the reason (e.g. what the card now holds), already part of
  /// `message`; kept when the job is cut short and the worker's reason replaces the work's.
  std::string note = std::string();
  /// Facts for the daemon itself (e.g. the PIN state for a pin.changed event); never sent.
  nlohmann::json facts = nlohmann::json::object();
};

/// Which operation failed: the same driver status means different things (a wrong PIN while
/// resetting is a wrong PUK).
enum class Operation { read, pin_reset, pin_change, cert_write, pin_verify };

/// The failure for a driver status that is not Ok. `driver` names the plug-in, `detail` is
/// the driver's own sentence.
Failure from_driver(drivers::Status status, const std::string& detail, const std::string& driver,
                    Operation operation);

/// The failure for a job that did not complete (card pulled, pcscd gone, a bug).
Failure from_outcome(const devices::JobOutcome& outcome);

/// The failure for a job the registry would not queue (`busy`, `no_such_token`).
Failure from_submit(devices::SubmitResult result, const std::string& token);

}  // namespace eport::cardops

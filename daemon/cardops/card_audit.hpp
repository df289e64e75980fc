#pragma once
// The audit records a card job writes itself: the "attempt" record before the first APDU of a
// privileged method (no record, no APDU), and the real outcome of a job whose caller already
// heard `timeout`. The dispatcher's hook writes the record of each answer as before.

#include <string>

#include <nlohmann/json.hpp>

#include "ipc/peer.hpp"

namespace eport::methods {
struct ServiceContext;
}

namespace eport::cardops {

/// The request a card job serves, as far as records, events and logs need it: never a param
/// other than the token id (PINs, PUKs and keys stay with the job's work).
struct CardCall {
  nlohmann::json id;        ///< the request id
  std::string method;       ///< e.g. "pin.reset"
  std::string token;        ///< token id
  ipc::PeerIdentity peer;   ///< the caller (SO_PEERCRED)
  bool privileged = false;  ///< changes the card: audited with an attempt record, never repeated
};

/// Appends the "attempt" record of `call` (job `job`) and fsyncs it; false when the audit log
/// refused it (the job must then send nothing). The one place attempt records are written.
bool record_attempt(methods::ServiceContext& service, const CardCall& call, const std::string& job);

/// Appends the record of `response` (the answer the caller would have had) for job `job`, whose
/// caller already heard `timeout`.
void record_late_outcome(methods::ServiceContext& service, const CardCall& call, const std::string& job,
                         nlohmann::json response);

}  // namespace eport::cardops

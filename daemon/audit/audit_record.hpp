#pragma once
// One audit record: who called what on which token, and how it ended. The record is built from
// named fields only — never from request parameters — so a PIN, PUK or key cannot end up in it.

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace eport::audit {

/// The caller and the outcome of one privileged (or refused) call.
struct AuditRecord {
  std::chrono::system_clock::time_point time;  ///< when the call ended
  std::uint32_t uid = 0;                       ///< peer uid (SO_PEERCRED)
  std::uint32_t gid = 0;                       ///< peer gid
  std::int32_t pid = 0;                        ///< peer pid
  std::string process;                         ///< /proc/<pid>/comm of the peer
  std::string method;                          ///< JSON-RPC method
  std::string token;                           ///< token id, "" when none
  std::string outcome;                         ///< "ok", "error", "refused" or "attempt"
  std::string reason;                          ///< error.data.reason or JSON-RPC code, "" on success
  std::string job;             ///< card job id linking attempt and outcome records ("" = none)
  std::string write_state;     ///< cert.write failures: what the card holds ("old", "new", "unknown")
  std::string backup;          ///< cert.write: path of the backup of the old certificate ("" = none)
  std::uint64_t repeated = 0;  ///< refusals of this uid and method counted, not written, before this record
};

/// The JSON line written for a record (keys: time, uid, gid, pid, process, method, token,
/// outcome, reason; job, write_state and backup only when set; `repeated` only on a refusal
/// summary).
nlohmann::json to_json(const AuditRecord& record);

/// Process name of `pid` from /proc/<pid>/comm, "" when unknown (the peer may have exited).
std::string process_name(std::int32_t pid);

}  // namespace eport::audit

#pragma once
// JSON-RPC 2.0 dispatch: one framed line in, one answer out (through a sink, now or later).
// Pure: no sockets, so every error path is unit-tested.

#include <functional>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ipc/access_policy.hpp"
#include "ipc/method_table.hpp"
#include "ipc/reply.hpp"

namespace eport::ipc {

/// Everything the dispatcher knows about the connection a line came from.
struct CallerContext {
  PeerIdentity peer;                       ///< SO_PEERCRED of the connection
  std::shared_ptr<ClientSession> session;  ///< the connection itself (may be null in tests)
};

/// Called once per audited call with the request and the response it got. It must not block:
/// it stores the record (off the calling thread) and calls `send()` once, from any thread, when
/// the record is on disk (or failed to be), so that an answer never overtakes its audit record.
using AuditHook =
    std::function<void(const Request& request, const nlohmann::json& response, std::function<void()> send)>;

/// Called once per answered call of a registered method with its response (metrics).
using CallHook = std::function<void(const std::string& method, const nlohmann::json& response)>;

/// Overwrites every string inside `value` (params that may hold a PIN, PUK or key) before the
/// memory is freed.
void wipe_strings(nlohmann::json& value);

/// Validates requests, checks roles and runs handlers from a MethodTable.
class Dispatcher {
 public:
  /// The table must outlive the dispatcher.
  Dispatcher(const MethodTable& table, AccessPolicy policy, AuditHook audit = nullptr);

  /// Handles one line. The sink receives exactly one value: a response object, or null when
  /// the line was a JSON-RPC notification (no id) and nothing is to be sent. Never throws: a
  /// line that cannot be handled gets its JSON-RPC error.
  void dispatch(std::string_view line, const CallerContext& caller, Reply::Sink sink) const;

  /// Handles an already parsed message (same contract as dispatch()).
  void dispatch_value(nlohmann::json message, const CallerContext& caller, Reply::Sink sink) const;

  /// The error sent before closing a connection whose line exceeded `limit` bytes.
  static nlohmann::json too_long_response(std::size_t limit);

  /// The role policy.
  const AccessPolicy& policy() const { return policy_; }
  /// Replaces the role policy (config reload). Call on the I/O thread, like dispatch().
  void set_policy(AccessPolicy policy) { policy_ = std::move(policy); }
  /// Sets the call hook (before serving; null = none).
  void set_call_hook(CallHook hook) { call_hook_ = std::move(hook); }

 private:
  void dispatch_line(std::string_view line, const CallerContext& caller, const Reply::Sink& sink) const;
  void run(const MethodSpec& spec, Request request, Reply::Sink sink) const;

  const MethodTable& table_;
  AccessPolicy policy_;
  AuditHook audit_;
  CallHook call_hook_;
};

}  // namespace eport::ipc

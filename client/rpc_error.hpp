#pragma once
// Errors the socket client reports: the daemon's JSON-RPC errors and connection failures.

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace eport::client {

/// A JSON-RPC error answered by eportd; `reason` is error.data.reason (empty for standard codes).
struct RpcError : std::runtime_error {
  /// Builds the error from the daemon's `error` object.
  explicit RpcError(const nlohmann::json& error);
  int code = 0;         ///< JSON-RPC error code (ipc::kApplicationError for application errors)
  std::string reason;   ///< stable machine reason, e.g. "pin_blocked"
  nlohmann::json data;  ///< the whole error.data object (may hold puk_tries_left, ...)
};

/// The socket could not be reached or the connection broke; `err` is the errno that explains it.
struct ConnectError : std::runtime_error {
  /// `what` says what failed, `path` is the socket path, `err` the errno (0 if not from errno).
  ConnectError(const std::string& what, std::string path, int err);
  std::string path;  ///< socket path that was tried
  int err = 0;       ///< errno of the failure (ENOENT, EACCES, ECONNREFUSED, ...)
};

}  // namespace eport::client

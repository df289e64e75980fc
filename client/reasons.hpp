#pragma once
// Turns the daemon's machine reasons (error.data.reason) into words a help-desk clerk understands.

#include "i18n.hpp"
#include "rpc_error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace eport::client {

/// What went wrong and what to do about it, plus the machine reason for --json.
struct Explanation {
  std::string reason;             ///< machine reason: the daemon's, or a local one ("unreachable", ...)
  std::string what;               ///< what happened, in the user's language
  std::string todo;               ///< what to do about it, in the user's language
  nlohmann::json data = nullptr;  ///< the daemon's error.data (extra fields such as puk_tries_left)
};

/// Explains a daemon error reason with its extra fields (e.g. puk_tries_left); `message` is the
/// daemon's own text, used for reasons this eportctl does not know.
Explanation explain_reason(Lang lang, const std::string& reason, const nlohmann::json& data,
                           const std::string& message);

/// Explains a JSON-RPC error (application reasons and the standard codes).
Explanation explain_rpc_error(Lang lang, const RpcError& error);

/// Explains why the socket could not be reached (no daemon, no permission, stale socket...).
Explanation explain_connect_error(Lang lang, const ConnectError& error);

/// Every reason the catalogue explains (the PROTOCOL.md list plus local ones), for tests.
std::vector<std::string> known_reasons();

}  // namespace eport::client

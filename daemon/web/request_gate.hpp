#pragma once
// What the web part does with one HTTP request, decided from its method, target and headers
// before anything else happens: serve a page file, open one of the two WebSockets, or refuse.
// Pure (no Beast, no socket), so every refusal is unit-tested.

#include <optional>
#include <string>
#include <string_view>

#include "web/origin_policy.hpp"

namespace eport::web {

/// Where an accepted request goes.
enum class Route {
  asset,         ///< a file of the status page (GET/HEAD)
  rpc_socket,    ///< WebSocket on /ws: eportd's JSON-RPC, non-admin
  eport_socket,  ///< WebSocket on /: the E-Port client control's message format
};

/// The facts of a request the gate looks at.
struct RequestFacts {
  std::string_view method;                 ///< "GET", "POST", ...
  std::string_view target;                 ///< request target, e.g. "/app.js?v=1"
  std::optional<std::string_view> host;    ///< Host header (absent: nullopt)
  std::optional<std::string_view> origin;  ///< Origin header (absent: nullopt)
  bool websocket_upgrade = false;          ///< a WebSocket upgrade request
};

/// The gate's verdict.
struct GateDecision {
  unsigned status = 200;  ///< 200 = go on along `route`; otherwise the HTTP status to answer
  Route route = Route::asset;
  std::string path;  ///< for assets: the file asked for ("/" becomes "/index.html")
  std::string why;   ///< for refusals: what was wrong, for the answer and the log
  /// True for a refusal that is counted in the log (403: a foreign Host or Origin).
  bool forbidden() const { return status == 403; }
};

/// Decides one request. Order: Host (403), then for upgrades the path (404) and the Origin
/// (403), for other requests the method (405) and the path (/ws without upgrade: 426).
GateDecision decide(const RequestFacts& request, const OriginPolicy& policy);

}  // namespace eport::web

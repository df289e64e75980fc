#include "web/request_gate.hpp"

namespace eport::web {

namespace {

std::string_view path_of(std::string_view target) {
  const auto end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

/// Header values are echoed in the log: keep them short and printable.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 100)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 100) out += "...";
  return out;
}

GateDecision refuse(unsigned status, std::string why) {
  GateDecision decision;
  decision.status = status;
  decision.why = std::move(why);
  return decision;
}

GateDecision upgrade(const RequestFacts& request, const OriginPolicy& policy, std::string_view path) {
  GateDecision decision;
  if (path == "/ws") decision.route = Route::rpc_socket;
  else if (path == "/") decision.route = Route::eport_socket;
  else
    return refuse(404, "no WebSocket at " + printable(path) + "; use /ws (eportd's protocol) or / (E-Port)");
  if (!request.origin)
    return refuse(403, "a WebSocket upgrade without an Origin header (browsers always send one)");
  if (!policy.origin_allowed(*request.origin))
    return refuse(403, "Origin '" + printable(*request.origin) +
                           "' is not eportd's own page and not listed in web.allowed_origins");
  return decision;
}

}  // namespace

GateDecision decide(const RequestFacts& request, const OriginPolicy& policy) {
  if (!request.host) return refuse(403, "no Host header");
  if (!policy.host_allowed(*request.host))
    return refuse(403, "Host '" + printable(*request.host) +
                           "' is not this eportd's address (a page on another name reaching a loopback "
                           "port: DNS rebinding)");
  const std::string_view path = path_of(request.target);
  if (request.websocket_upgrade) return upgrade(request, policy, path);
  if (request.method != "GET" && request.method != "HEAD")
    return refuse(405, "method " + printable(request.method) + " is not served; only GET and HEAD");
  if (path == "/ws") return refuse(426, "/ws is a WebSocket: open it with an upgrade request");
  GateDecision decision;
  decision.path = path == "/" ? std::string("/index.html") : std::string(path);
  return decision;
}

}  // namespace eport::web

#pragma once
// Who may talk to the web part: the DNS-rebinding check on the Host header and the cross-site
// check on the Origin of a WebSocket upgrade (docs/web.md "Security model"). Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eport::web {

/// The addresses eportd's own page is served under, and the origins allowed besides it.
class OriginPolicy {
 public:
  /// `host`: the loopback address listened on ("127.0.0.1", "::1"); `allowed`: web.allowed_origins,
  /// already normalised by the config loader.
  OriginPolicy(std::string host, std::uint16_t port, std::vector<std::string> allowed);

  /// True when a Host header names this listener: "<address>:<port>" or "localhost:<port>"
  /// (the port may be left out only when it is 80). Anything else may be a DNS-rebinding page.
  bool host_allowed(std::string_view host_header) const;
  /// True for eportd's own page (own_origins()) and for web.allowed_origins.
  bool origin_allowed(std::string_view origin) const;
  /// True for eportd's own page only.
  bool own_origin(std::string_view origin) const;
  /// The origins of eportd's own page, e.g. "http://127.0.0.1:61232", "http://localhost:61232".
  const std::vector<std::string>& own_origins() const { return own_; }
  /// The status page's address, e.g. "http://127.0.0.1:61232/".
  std::string page_address() const;

 private:
  std::string host_;
  std::uint16_t port_;
  std::vector<std::string> hosts_;  // accepted Host header values, lower case
  std::vector<std::string> own_;
  std::vector<std::string> allowed_;
};

}  // namespace eport::web

#pragma once
// Who counts as an administrator: uid 0, or a member (primary or supplementary group) of one of
// the configured admin groups.

#include <cstdint>
#include <string>
#include <vector>

#include "ipc/peer.hpp"

namespace eport::ipc {

/// Decides the admin role from a peer's credentials.
class AccessPolicy {
 public:
  /// `admin_gids`: group ids whose members are administrators.
  explicit AccessPolicy(std::vector<std::uint32_t> admin_gids = {}) : admin_gids_(std::move(admin_gids)) {}
  /// True for root and for members of an admin group; never for a web client.
  bool is_admin(const PeerIdentity& peer) const;

 private:
  std::vector<std::uint32_t> admin_gids_;
};

/// Group ids of the named groups that exist on this machine (missing ones are skipped;
/// the config loader warns about them).
std::vector<std::uint32_t> resolve_group_ids(const std::vector<std::string>& names);

}  // namespace eport::ipc

#include "ipc/access_policy.hpp"

#include <grp.h>

#include <algorithm>

namespace eport::ipc {

bool AccessPolicy::is_admin(const PeerIdentity& peer) const {
  if (!peer.web_origin.empty()) return false;  // no credentials over TCP: never admin
  if (peer.uid == 0) return true;
  auto member = [&](std::uint32_t gid) {
    return std::find(admin_gids_.begin(), admin_gids_.end(), gid) != admin_gids_.end();
  };
  return member(peer.gid) || std::any_of(peer.groups.begin(), peer.groups.end(), member);
}

std::vector<std::uint32_t> resolve_group_ids(const std::vector<std::string>& names) {
  std::vector<std::uint32_t> gids;
  std::vector<char> buffer(16384);
  for (const auto& name : names) {
    group entry{};
    group* found = nullptr;
    if (getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found)
      gids.push_back(found->gr_gid);
  }
  return gids;
}

}  // namespace eport::ipc

#include "ipc/peer.hpp"

#include <sys/socket.h>
#include <sys/types.h>

#include <cerrno>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59  // Linux >= 4.13; older glibc headers lack the name
#endif

namespace eport::ipc {

namespace {
std::vector<std::uint32_t> peer_groups(int fd) {
  std::vector<gid_t> groups(64);
  for (int attempt = 0; attempt < 4; ++attempt) {
    socklen_t length = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &length) == 0) {
      groups.resize(length / sizeof(gid_t));
      return {groups.begin(), groups.end()};
    }
    if (errno != ERANGE) break;
    groups.resize(length / sizeof(gid_t) + 1);  // the kernel told us the size it needs
  }
  return {};
}
}  // namespace

std::optional<PeerIdentity> read_peer_identity(int fd) {
  ucred credentials{};
  socklen_t length = sizeof credentials;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 || length != sizeof credentials)
    return std::nullopt;
  PeerIdentity peer;
  peer.uid = credentials.uid;
  peer.gid = credentials.gid;
  peer.pid = credentials.pid;
  peer.groups = peer_groups(fd);
  return peer;
}

nlohmann::json to_json(const PeerIdentity& peer) {
  nlohmann::json json{{"uid", peer.uid}, {"gid", peer.gid}, {"pid", peer.pid}};
  if (!peer.web_origin.empty()) json["web_origin"] = peer.web_origin;
  return json;
}

}  // namespace eport::ipc

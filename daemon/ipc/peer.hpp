#pragma once
// Who is on the other end of a Unix socket, from the kernel (SO_PEERCRED, SO_PEERGROUPS).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eport::ipc {

/// The peer's credentials as the kernel recorded them at connect time.
struct PeerIdentity {
  std::uint32_t uid = 0;              ///< effective uid
  std::uint32_t gid = 0;              ///< effective (primary) gid
  std::int32_t pid = 0;               ///< process id
  std::vector<std::uint32_t> groups;  ///< supplementary group ids
};

/// Reads the credentials of the peer of connected socket `fd`; std::nullopt when the kernel
/// does not tell (then the peer must be refused).
std::optional<PeerIdentity> read_peer_identity(int fd);

/// {"uid","gid","pid"} for answers and logs.
nlohmann::json to_json(const PeerIdentity& peer);

}  // namespace eport::ipc

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
  /// Set for a client of the loopback web part (docs/web.md): the Origin its browser sent.
  /// TCP carries no credentials, so uid/gid are kWebUid and pid 0, and the peer never has the
  /// admin role, whatever the configuration.
  std::string web_origin{};
};

/// The uid and gid a web client counts as (the kernel's overflow id, "nobody").
inline constexpr std::uint32_t kWebUid = 65534;

/// Reads the credentials of the peer of connected socket `fd`; std::nullopt when the kernel
/// does not tell (then the peer must be refused).
std::optional<PeerIdentity> read_peer_identity(int fd);

/// {"uid","gid","pid"} for answers and logs.
nlohmann::json to_json(const PeerIdentity& peer);

}  // namespace eport::ipc

#include <catch2/catch.hpp>

#include "ipc/access_policy.hpp"

using namespace eport::ipc;

TEST_CASE("root is admin without any group", "[ipc][auth]") {
  CHECK(AccessPolicy().is_admin(PeerIdentity{0, 0, 1, {}}));
}

TEST_CASE("an admin group counts as primary or as supplementary group", "[ipc][auth]") {
  const AccessPolicy policy({1234});
  CHECK(policy.is_admin(PeerIdentity{1000, 1234, 1, {}}));
  CHECK(policy.is_admin(PeerIdentity{1000, 1000, 1, {5, 1234}}));
  CHECK_FALSE(policy.is_admin(PeerIdentity{1000, 1000, 1, {5, 6}}));
  CHECK_FALSE(AccessPolicy().is_admin(PeerIdentity{65534, 65534, 1, {}}));
}

TEST_CASE("group names that do not exist resolve to nothing", "[ipc][auth]") {
  CHECK(resolve_group_ids({"no-such-group-eport-test"}).empty());
  CHECK(resolve_group_ids({"root"}) == std::vector<std::uint32_t>{0});
}

TEST_CASE("a web client is never admin, whatever its ids or the admin groups", "[ipc][auth][web]") {
  const AccessPolicy policy({0, kWebUid});
  PeerIdentity web{0, 0, 0, {0}};
  web.web_origin = "http://127.0.0.1:61232";
  CHECK_FALSE(policy.is_admin(web));
  web.uid = kWebUid;
  web.gid = kWebUid;
  CHECK_FALSE(policy.is_admin(web));
}

#include <catch2/catch.hpp>

#include "eport/common/hex.hpp"

TEST_CASE("hex is lower case, two digits per byte, without separators", "[common][hex]") {
  CHECK(eport::to_hex({0x3b, 0x8c, 0x00, 0x0f, 0xAB, 0xff}) == "3b8c000fabff");
  CHECK(eport::to_hex(std::vector<std::uint8_t>{}).empty());
  const std::uint8_t slot = 0x9a;
  CHECK(eport::to_hex(&slot, 1) == "9a");
}

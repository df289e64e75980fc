#include <catch2/catch.hpp>

#include "metrics/facts.hpp"

using namespace eport::metrics;
using nlohmann::json;

TEST_CASE("the CN of an RFC 2253 subject is found and unescaped", "[metrics][facts]") {
  CHECK(common_name("CN=Li Lei,O=Example,C=CN") == "Li Lei");
  CHECK(common_name("O=Example,CN=Second") == "Second");
  CHECK(common_name("CN=Li\\, Lei+serialNumber=1,O=X") == "Li, Lei");
  CHECK(common_name("CN=\\E4\\B8\\AD,O=X") == "\xE4\xB8\xAD");
  CHECK(common_name("cn=lower") == "lower");
  CHECK(common_name("O=No common name") == "");
  CHECK(common_name("") == "");
  CHECK(common_name("CN=\xE4\xB8\xAD\xE5\x9B\xBD,O=X") == "\xE4\xB8\xAD\xE5\x9B\xBD");
}

TEST_CASE("PROTOCOL.md times become Unix seconds", "[metrics][facts]") {
  CHECK(parse_utc("2027-01-01T00:00:00Z") == 1798761600);
  CHECK(parse_utc("1970-01-01T00:00:00Z") == 0);
  CHECK_FALSE(parse_utc("2027-01-01 00:00:00"));
  CHECK_FALSE(parse_utc("not a time"));
}

TEST_CASE("a PinState gives figures, and unknown ones stay unknown", "[metrics][facts]") {
  auto ok = PinFigures::from_json({{"state", "low"},
                                   {"tries_left", 2},
                                   {"max_tries", 3},
                                   {"is_default", false},
                                   {"source", "verify-status"}});
  REQUIRE(ok);
  CHECK(ok->tries_left == 2);
  CHECK(ok->max_tries == 3);
  CHECK(ok->blocked == false);
  CHECK(ok->is_default == false);
  // PKCS#11 gives flags only: tries_left null, state unknown.
  auto flags = PinFigures::from_json(
      {{"state", "unknown"}, {"tries_left", nullptr}, {"max_tries", nullptr}, {"is_default", nullptr}});
  REQUIRE(flags);
  CHECK_FALSE(flags->tries_left);
  CHECK_FALSE(flags->blocked);
  CHECK_FALSE(flags->is_default);
  auto blocked = PinFigures::from_json({{"state", "blocked"}, {"tries_left", 0}});
  REQUIRE(blocked);
  CHECK(blocked->blocked == true);
  CHECK_FALSE(PinFigures::from_json(nullptr));
}

TEST_CASE("a Certificate gives slot, CN and end", "[metrics][facts]") {
  auto facts = CertificateFacts::from_json({{"slot", "9a"},
                                            {"subject", "CN=Beijing Trading Co\\, Ltd,O=X"},
                                            {"not_after", "2027-01-01T00:00:00Z"}});
  REQUIRE(facts);
  CHECK(facts->slot == "9a");
  CHECK(facts->common_name == "Beijing Trading Co, Ltd");
  CHECK(facts->not_after == 1798761600);
  CHECK_FALSE(CertificateFacts::from_json({{"slot", "9a"}, {"not_after", "soon"}}));
  CHECK_FALSE(CertificateFacts::from_json({{"not_after", "2027-01-01T00:00:00Z"}}));
}

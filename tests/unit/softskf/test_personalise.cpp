// eport-softskf init's rules and the state file.
#include <catch2/catch.hpp>

#include <eport/softskf/crypto.hpp>
#include <eport/softskf/personalise.hpp>
#include <eport/softskf/state.hpp>

using namespace eport::softskf;

TEST_CASE("softskf: --cert parses CONTAINER:sign|enc:ALG:DAYS and refuses anything else") {
  const auto request = parse_certificate_request("c1:enc:rsa2048:-5");
  CHECK(request.container == "c1");
  CHECK_FALSE(request.signing);
  CHECK(request.type == KeyType::rsa);
  CHECK(request.days == -5);
  CHECK(parse_certificate_request("x:sign:sm2:3650").type == KeyType::ecc);
  for (const char* bad : {"c1:sign:sm2", "c1:both:sm2:10", "c1:sign:p256:10", "c1:sign:sm2:0",
                          "c1:sign:sm2:1x", ":sign:sm2:10", "a/b:sign:sm2:10"})
    CHECK_THROWS_AS(parse_certificate_request(bad), std::invalid_argument);
}

TEST_CASE("softskf: init defaults are PIN 88888888 / admin 12345678 with 6 and 10 tries, flagged default") {
  InitOptions options;
  options.serial = "SK1";
  const auto state = personalise(options, 1'800'000'000);
  REQUIRE(state.applications.size() == 1);
  const auto& app = state.applications[0];
  CHECK(app.name == "EPORT");
  CHECK(app.user_pin.max_tries == 6);
  CHECK(app.user_pin.remaining == 6);
  CHECK(app.admin_pin.max_tries == 10);
  CHECK(same_hash(app.user_pin.hash, pin_hash(state.salt, "88888888")));
  CHECK(same_hash(app.admin_pin.hash, pin_hash(state.salt, "12345678")));
  CHECK(same_hash(app.user_pin.hash, app.user_pin.default_hash));
  CHECK(state.label == "eport soft SKF SK1");
}

TEST_CASE("softskf: init refuses bad serials, PINs, tries and mixed containers") {
  InitOptions options;
  options.serial = std::string(32, 'A');
  CHECK_THROWS_AS(personalise(options, 0), std::invalid_argument);
  options.serial = "has space";
  CHECK_THROWS_AS(personalise(options, 0), std::invalid_argument);
  options.serial = "SK1";
  options.user_pin = "12345";
  CHECK_THROWS_AS(personalise(options, 0), std::invalid_argument);
  options.user_pin = "88888888";
  options.admin_tries = 16;
  CHECK_THROWS_AS(personalise(options, 0), std::invalid_argument);
  options.admin_tries = 10;
  options.certificates = {parse_certificate_request("c1:sign:sm2:10"),
                          parse_certificate_request("c1:enc:rsa2048:10")};
  CHECK_THROWS_AS(personalise(options, 0), std::invalid_argument);
}

TEST_CASE("softskf: certificates have the requested dates; SM2 ones are signed with SM3") {
  InitOptions options;
  options.serial = "SK2";
  options.certificates = {parse_certificate_request("c1:sign:sm2:3650"),
                          parse_certificate_request("c1:enc:sm2:-5")};
  const std::time_t now = 1'800'000'000;  // 2027-01-15
  const auto state = personalise(options, now);
  const auto& c = state.applications[0].containers.at(0);
  CHECK(c.type == KeyType::ecc);
  CHECK(describe_certificate(c.sign.certificate).find("key SM2") != std::string::npos);
  CHECK(describe_certificate(c.sign.certificate).find("to 2037-01-12") != std::string::npos);
  CHECK(describe_certificate(c.enc.certificate).find("to 2027-01-10") != std::string::npos);
  CHECK(public_key_blob(c.sign.private_key).size() == 132);
}

TEST_CASE("softskf: the state file round-trips and rejects foreign JSON") {
  InitOptions options;
  options.serial = "SK3";
  options.certificates = {parse_certificate_request("r:sign:rsa2048:30")};
  auto state = personalise(options, 1'800'000'000);
  state.pull_at = PullAt{"SKF_ImportCertificate", true, 2};
  state.applications[0].logged_in = "user";
  const auto back = state_from_json(state_to_json(state));
  CHECK(back.serial == "SK3");
  CHECK(back.applications[0].containers[0].sign.private_key ==
        state.applications[0].containers[0].sign.private_key);
  CHECK(back.applications[0].containers[0].sign.certificate ==
        state.applications[0].containers[0].sign.certificate);
  CHECK(back.applications[0].logged_in == "user");
  REQUIRE(back.pull_at);
  CHECK(back.pull_at->skip == 2);
  CHECK_THROWS_AS(state_from_json("{\"format\":\"eport-vcard-state\",\"version\":1}"), std::runtime_error);
  CHECK_THROWS_AS(state_from_json("not json"), std::runtime_error);
}

// Slots, certificates and public keys of eport-skf.so over the soft SKF token.
#include <catch2/catch.hpp>
#include <ctime>

#include <eport/softskf/crypto.hpp>
#include <eport/softskf/state.hpp>

#include "skf_fixture.hpp"

using namespace skf_test;
using eport::drivers::Status;

namespace {
std::vector<std::uint8_t> pin_bytes(const std::string& pin) { return {pin.begin(), pin.end()}; }
}  // namespace

TEST_CASE("skf plugin: each container gives a sign and an enc slot with certificate and key presence") {
  SkfFixture f;
  f.add_device("C1");
  auto token = f.open("C1");
  const auto slots = f.driver().cert_list(token, no_channel());
  REQUIRE(slots.ok());
  REQUIRE(slots.value.size() == 4);
  CHECK(slots.value[0].slot == "A/c/sign");
  CHECK(slots.value[0].label == "c (signing)");
  CHECK(slots.value[0].has_certificate == true);
  CHECK(slots.value[0].has_key == true);
  CHECK(slots.value[1].slot == "A/c/enc");
  CHECK(slots.value[2].slot == "A/e/sign");
  CHECK(slots.value[2].has_certificate == false);
  CHECK(slots.value[2].has_key == true);
  CHECK(slots.value[3].slot == "A/e/enc");
  CHECK(slots.value[3].has_key == false);
}

TEST_CASE("skf plugin: cert_read returns the stored DER; empty and unknown slots are told apart") {
  SkfFixture f;
  f.add_device("C2");
  auto token = f.open("C2");
  const auto state = f.state("C2");
  auto sign = f.driver().cert_read(token, no_channel(), "A/c/sign");
  REQUIRE(sign.ok());
  CHECK(sign.value == state.applications[0].containers[0].sign.certificate);
  auto enc = f.driver().cert_read(token, no_channel(), "A/c/enc");
  CHECK(enc.value == state.applications[0].containers[0].enc.certificate);
  CHECK(f.driver().cert_read(token, no_channel(), "A/e/sign").status == Status::NotFound);
  CHECK(f.driver().cert_read(token, no_channel(), "A/x/sign").status == Status::BadArgs);
}

TEST_CASE(
    "skf plugin: slot_public_key turns the SM2 ECC blob into the container key's SubjectPublicKeyInfo") {
  SkfFixture f;
  f.add_device("C3");
  auto token = f.open("C3");
  const auto state = f.state("C3");
  auto key = f.driver().slot_public_key(token, no_channel(), "A/c/sign");
  REQUIRE(key.ok());
  CHECK(key.value == eport::softskf::public_key_der(state.applications[0].containers[0].sign.private_key));
  CHECK(f.driver().slot_public_key(token, no_channel(), "A/e/enc").status == Status::NotFound);
}

TEST_CASE("skf plugin: cert_write needs the user PIN, spends a try only on a wrong one, and logs out") {
  SkfFixture f;
  f.add_device("C4");
  auto token = f.open("C4");
  const auto state = f.state("C4");
  auto renewed = sm2_certificate(state.applications[0].containers[0].sign.private_key);
  auto without = f.driver().cert_write(token, no_channel(), "A/c/sign", renewed, {});
  CHECK(without.status == Status::MgmtKeyRequired);
  CHECK(f.state("C4").applications[0].containers[0].sign.certificate ==
        state.applications[0].containers[0].sign.certificate);
  CHECK(f.state("C4").applications[0].user_pin.remaining == 6);
  auto wrong = f.driver().cert_write(token, no_channel(), "A/c/sign", renewed, pin_bytes("00000000"));
  CHECK(wrong.status == Status::WrongPin);
  CHECK(f.state("C4").applications[0].user_pin.remaining == 5);
  REQUIRE(f.driver().cert_write(token, no_channel(), "A/c/sign", renewed, pin_bytes("88888888")).ok());
  const auto after = f.state("C4");
  CHECK(after.applications[0].containers[0].sign.certificate == renewed);
  CHECK(after.applications[0].logged_in.empty());
  CHECK(after.applications[0].user_pin.remaining == 6);
  auto back = f.driver().cert_read(token, no_channel(), "A/c/sign");
  CHECK(back.value == renewed);
}

TEST_CASE("skf plugin: a key pulled during the write answers token removed") {
  const bool after = GENERATE(false, true);
  SkfFixture f;
  f.add_device("C5");
  auto token = f.open("C5");
  auto state = f.state("C5");
  const auto old_cert = state.applications[0].containers[0].sign.certificate;
  auto renewed = sm2_certificate(state.applications[0].containers[0].sign.private_key);
  state.pull_at = eport::softskf::PullAt{"SKF_ImportCertificate", after, 0};
  f.save("C5", state);
  const auto result = f.driver().cert_write(token, no_channel(), "A/c/sign", renewed, pin_bytes("88888888"));
  CHECK(result.status == Status::CardRemoved);
  const auto pulled = eport::softskf::load_state(f.dir() + "/.pulled/C5.json");
  CHECK(pulled.applications[0].containers[0].sign.certificate == (after ? renewed : old_cert));
  CHECK(f.driver().cert_read(token, no_channel(), "A/c/sign").status == Status::CardRemoved);
}

TEST_CASE("skf plugin: long and non-ASCII container names give slot ids of ABI 1.1 that read back") {
  SkfFixture f;
  eport::softskf::InitOptions options;
  options.serial = "C6";
  options.application = "EPORT_APP";
  options.certificates = {
      eport::softskf::parse_certificate_request("{5D1B0F2C-7A4E-4C61-9B1F-0E2D6A3C8B47}:sign:sm2:3650"),
      eport::softskf::parse_certificate_request("\xe7\xad\xbe\xe5\x90\x8d:sign:sm2:3650")};  // 签名
  eport::softskf::save_state(eport::softskf::device_file(f.dir(), "C6"),
                             eport::softskf::personalise(options, std::time(nullptr)));
  auto token = f.open("C6");
  const auto slots = f.driver().cert_list(token, no_channel());
  REQUIRE(slots.ok());
  REQUIRE(slots.value.size() == 4);
  CHECK(slots.value[0].slot == "EPORT_APP/{5D1B0F2C-7A4E-4C61-9B1F-0E2D6A3C8B47}/sign");
  CHECK(slots.value[2].slot == "EPORT_APP/%E7%AD%BE%E5%90%8D/sign");
  const auto state = eport::softskf::load_state(eport::softskf::device_file(f.dir(), "C6"));
  for (std::size_t i : {0u, 1u}) {
    const auto read = f.driver().cert_read(token, no_channel(), slots.value[2 * i].slot);
    REQUIRE(read.ok());
    CHECK(read.value == state.applications[0].containers[i].sign.certificate);
  }
}

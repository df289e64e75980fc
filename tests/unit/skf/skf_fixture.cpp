#include "skf_fixture.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>

#include <eport/softskf/crypto.hpp>

#include "drivers/card_channel.hpp"

namespace skf_test {

using namespace eport;

TempDir::TempDir() {
  char pattern[] = "/tmp/eport-skf-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

nlohmann::json SkfFixture::default_options() {
  return {{"libraries", {{{"library", EPORT_SOFTSKF_LIBRARY}, {"label", "soft"}}}}, {"lock_timeout_ms", 300}};
}

SkfFixture::SkfFixture(nlohmann::json options) {
  ::setenv("EPORT_SOFTSKF_DIR", dir_.path().c_str(), 1);
  ::setenv("EPORT_SOFTSKF_BOOL64_DIR", dir64_.path().c_str(), 1);
  load_ = drivers::load_drivers(EPORT_PLUGIN_DIR, {{"skf", std::move(options)}}, drivers::LoadMode::Full);
}

SkfFixture::~SkfFixture() {
  load_.drivers.clear();  // shutdown() before the directories go
  ::unsetenv("EPORT_SOFTSKF_DIR");
  ::unsetenv("EPORT_SOFTSKF_BOOL64_DIR");
}

drivers::Driver& SkfFixture::driver() {
  REQUIRE(load_.drivers.size() == 1);
  return *load_.drivers.front();
}

std::string SkfFixture::add_device(const std::string& serial, bool bool64, int admin_tries) {
  softskf::InitOptions options;
  options.serial = serial;
  options.application = "A";
  options.admin_tries = admin_tries;
  options.certificates = {softskf::parse_certificate_request("c:sign:sm2:3650"),
                          softskf::parse_certificate_request("c:enc:sm2:3650"),
                          softskf::parse_certificate_request("e:sign:sm2:10")};
  auto state = softskf::personalise(options, std::time(nullptr));
  state.applications[0].containers[1].sign.certificate.clear();  // container "e": a key, no certificate
  const auto file = softskf::device_file(dir(bool64), serial);
  softskf::save_state(file, state);
  return file;
}

softskf::DeviceState SkfFixture::state(const std::string& serial, bool bool64) const {
  return softskf::load_state(softskf::device_file(dir(bool64), serial));
}

void SkfFixture::save(const std::string& serial, const softskf::DeviceState& state, bool bool64) const {
  softskf::save_state(softskf::device_file(dir(bool64), serial), state);
}

std::vector<drivers::TokenIdentity> SkfFixture::tokens() {
  auto listed = driver().enumerate();
  REQUIRE(listed.ok());
  return listed.value;
}

drivers::TokenHandle SkfFixture::open(const std::string& serial) {
  for (const auto& token : tokens()) {
    if (token.serial == serial) {
      auto opened = driver().open_provider_token(token.key());
      REQUIRE(opened.ok());
      return std::move(opened.value);
    }
  }
  FAIL("no token for serial " << serial);
  return {};
}

Bytes sm2_certificate(const Bytes& private_key, int days) {
  const Bytes key = private_key.empty() ? softskf::generate_private_key(softskf::KeyType::ecc) : private_key;
  softskf::CertificateSpec spec;
  spec.subject = "/CN=renewed";
  spec.days = days;
  spec.now = std::time(nullptr);
  return softskf::make_certificate(key, spec);
}

drivers::CardChannel& no_channel() {
  static drivers::NoChannel channel;
  return channel;
}

}  // namespace skf_test

#include "tool_commands.hpp"

#include <sys/file.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include <eport/softskf/skf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <eport/softskf/crypto.hpp>
#include <eport/softskf/personalise.hpp>
#include <eport/softskf/state.hpp>
#include <nlohmann/json.hpp>

#include "device_store.hpp"
#include "encoding.hpp"

namespace eport::softskf::tool {

namespace {

using nlohmann::json;

json pin_summary(const Pin& pin) {
  return {{"max_tries", pin.max_tries},
          {"remaining", pin.remaining},
          {"locked", pin.remaining == 0},
          {"is_default", same_hash(pin.hash, pin.default_hash)}};
}

json slot_summary(const KeySlot& slot) {
  json out{{"key", !slot.private_key.empty()}, {"certificate", nullptr}};
  if (!slot.certificate.empty()) {
    out["certificate"] = describe_certificate(slot.certificate);
    out["certificate_der_hex"] = to_hex(slot.certificate);
  }
  return out;
}

json summary(const DeviceState& s) {
  json apps = json::array();
  for (const auto& app : s.applications) {
    json containers = json::array();
    for (const auto& c : app.containers)
      containers.push_back({{"name", c.name},
                            {"type", key_type_name(c.type)},
                            {"sign", slot_summary(c.sign)},
                            {"enc", slot_summary(c.enc)}});
    apps.push_back({{"name", app.name},
                    {"user_pin", pin_summary(app.user_pin)},
                    {"admin_pin", pin_summary(app.admin_pin)},
                    {"logged_in", app.logged_in.empty() ? json(nullptr) : json(app.logged_in)},
                    {"containers", containers}});
  }
  return {{"serial", s.serial}, {"label", s.label}, {"applications", apps}};
}

const Container& container_of(const DeviceState& state, const std::string& name) {
  for (const auto& app : state.applications)
    for (const auto& c : app.containers)
      if (c.name == name) return c;
  throw std::invalid_argument("no container '" + name + "' on device " + state.serial);
}

}  // namespace

int show(const Target& target, bool as_json) {
  std::vector<std::string> names;
  if (target.serial.empty()) names = list_devices(target.dir);
  else names.push_back(target.serial);
  json all = json::array();
  for (const auto& name : names) {
    const DeviceState state = load_state(device_path(target.dir, name));
    if (as_json) all.push_back(summary(state));
    else std::cout << "device " << name << "\n" << describe_state(state) << "\n";
  }
  if (as_json) std::cout << (target.serial.empty() ? all.dump(2) : all.at(0).dump(2)) << "\n";
  return 0;
}

int arm_pull(const Target& target, const PullOptions& options) {
  DirectoryLock lock(target.dir);
  const std::string path = device_path(target.dir, target.serial);
  DeviceState state = load_state(path);
  if (options.clear) {
    state.pull_at.reset();
  } else {
    if (options.function.rfind("SKF_", 0) != 0)
      throw std::invalid_argument("pull-at: FUNCTION is an SKF_ name");
    if (options.skip < 0) throw std::invalid_argument("pull-at: --skip must not be negative");
    state.pull_at = PullAt{options.function, options.after, options.skip};
  }
  if (!replace_state(path, state)) throw std::runtime_error("device " + target.serial + " is not plugged in");
  std::cout << (options.clear ? "disarmed" : "armed") << "\n";
  return 0;
}

int print_public_key(const Target& target, const std::string& container, bool signing) {
  const DeviceState state = load_state(device_path(target.dir, target.serial));
  const Container& c = container_of(state, container);
  const Bytes& key = signing ? c.sign.private_key : c.enc.private_key;
  if (key.empty()) throw std::invalid_argument("container " + container + " has no such key");
  const Bytes der = public_key_der(key);
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) throw std::runtime_error("cannot read the public key");
  PEM_write_PUBKEY(stdout, pkey);
  EVP_PKEY_free(pkey);
  return 0;
}

int verify_pin(const Target& target, const VerifyOptions& options) {
  ::setenv("EPORT_SOFTSKF_DIR", target.dir.c_str(), 1);  // this process is the library's user
  DEVHANDLE device = nullptr;
  std::string serial = target.serial;
  ULONG rv = SKF_ConnectDev(serial.data(), &device);
  if (rv != SAR_OK) {
    std::cerr << "eport-softskf: SKF_ConnectDev: 0x" << std::hex << rv << "\n";
    return 2;
  }
  std::string app_name = options.application;
  if (app_name.empty()) {
    char names[512] = {0};
    ULONG size = sizeof names;
    rv = SKF_EnumApplication(device, names, &size);
    app_name = rv == SAR_OK ? names : "";
  }
  HAPPLICATION app = nullptr;
  rv = SKF_OpenApplication(device, app_name.data(), &app);
  ULONG retry = 0;
  if (rv == SAR_OK) {
    std::string pin = options.pin;
    rv = SKF_VerifyPIN(app, options.admin ? ADMIN_TYPE : USER_TYPE, pin.data(), &retry);
    SKF_ClearSecureState(app);
    SKF_CloseApplication(app);
  }
  SKF_DisConnectDev(device);
  if (rv == SAR_OK) {
    std::cout << "accepted\n";
    return 0;
  }
  std::cout << "refused: 0x" << std::hex << rv << std::dec << ", " << retry << " tries left\n";
  return 2;
}

}  // namespace eport::softskf::tool

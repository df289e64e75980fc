#include "softskf_support.hpp"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include <eport/softskf/crypto.hpp>

namespace softskf_test {

using namespace eport::softskf;

DeviceDir::DeviceDir() {
  char pattern[] = "/tmp/eport-softskf-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp");
  path_ = pattern;
  ::setenv("EPORT_SOFTSKF_DIR", path_.c_str(), 1);
  ::setenv("EPORT_SOFTSKF_BOOL64_DIR", path_.c_str(), 1);
}

DeviceDir::~DeviceDir() {
  ::unsetenv("EPORT_SOFTSKF_DIR");
  ::unsetenv("EPORT_SOFTSKF_BOOL64_DIR");
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string DeviceDir::add(InitOptions options) {
  const auto state = personalise(options, std::time(nullptr));
  const auto file = device_file(path_, options.serial);
  save_state(file, state);
  return file;
}

std::string DeviceDir::add_sm2(const std::string& serial) {
  InitOptions options;
  options.serial = serial;
  options.certificates = {parse_certificate_request("c1:sign:sm2:3650"),
                          parse_certificate_request("c1:enc:sm2:3650")};
  return add(options);
}

DeviceState DeviceDir::state(const std::string& serial) const {
  return load_state(device_file(path_, serial));
}

Session::Session(const std::string& serial, const std::string& container_name) {
  std::string name = serial;
  status = SKF_ConnectDev(name.data(), &device);
  if (status != SAR_OK) return;
  char apps[256] = {0};
  ULONG size = sizeof apps;
  status = SKF_EnumApplication(device, apps, &size);
  if (status != SAR_OK) return;
  status = SKF_OpenApplication(device, apps, &app);
  if (status != SAR_OK || container_name.empty()) return;
  std::string c = container_name;
  status = SKF_OpenContainer(app, c.data(), &container);
}

Session::~Session() {
  if (container != nullptr) SKF_CloseContainer(container);
  if (app != nullptr) SKF_CloseApplication(app);
  if (device != nullptr) SKF_DisConnectDev(device);
}

std::vector<std::string> split_list(const char* list, std::size_t size) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < size && list[i] != '\0') {
    std::string name(list + i);
    i += name.size() + 1;
    names.push_back(name);
  }
  return names;
}

std::vector<std::string> enum_devices() {
  ULONG size = 0;
  if (SKF_EnumDev(1, nullptr, &size) != SAR_OK) throw std::runtime_error("SKF_EnumDev size");
  std::vector<char> buffer(size);
  if (SKF_EnumDev(1, buffer.data(), &size) != SAR_OK) throw std::runtime_error("SKF_EnumDev");
  return split_list(buffer.data(), size);
}

Bytes export_certificate(HCONTAINER container, bool sign, ULONG* rv) {
  ULONG size = 0;
  ULONG status = SKF_ExportCertificate(container, sign ? 1 : 0, nullptr, &size);
  Bytes der;
  if (status == SAR_OK) {
    der.resize(size);
    status = SKF_ExportCertificate(container, sign ? 1 : 0, der.data(), &size);
    der.resize(status == SAR_OK ? size : 0);
  }
  if (rv != nullptr) *rv = status;
  return der;
}

Bytes foreign_certificate() {
  const Bytes key = generate_private_key(KeyType::ecc);
  CertificateSpec spec;
  spec.subject = "/CN=someone else";
  spec.now = std::time(nullptr);
  return make_certificate(key, spec);
}

}  // namespace softskf_test

#include "skf_session.hpp"

#include <cstring>

#include <eport/driver.h>
#include <openssl/crypto.h>

#include "skf_error.hpp"

namespace eport::skf {

namespace {

using abi::ULONG;

// The standard's two-call convention: a NULL buffer asks for the size, then the real call.
template <typename Call>
std::vector<char> read_two_calls(Call call, const char* function) {
  ULONG size = 0;
  check(call(nullptr, &size), function);
  if (size > kMaxBuffer) throw SkfError(EPORT_ERR_CARD_ERROR, std::string(function) + ": size out of range");
  std::vector<char> buffer(size + 2, '\0');  // room for NULs a library forgets
  ULONG used = size;
  check(call(buffer.data(), &used), function);
  buffer.resize(used <= size ? used : size);
  return buffer;
}

std::vector<std::string> read_names(ULONG (*f)(abi::HANDLE, char*, ULONG*), abi::HANDLE h,
                                    const char* function) {
  const auto buffer = read_two_calls([&](char* out, ULONG* size) { return f(h, out, size); }, function);
  return split_names(buffer.data(), buffer.size());
}

}  // namespace

std::vector<std::string> split_names(const char* data, std::size_t size) {
  std::vector<std::string> names;
  std::size_t i = 0;
  while (i < size && data[i] != '\0') {
    const std::size_t len = strnlen(data + i, size - i);
    names.emplace_back(data + i, len < 256 ? len : 256);
    i += len + 1;
  }
  return names;
}

std::string text_field(const char* field, std::size_t size) {
  std::string text(field, strnlen(field, size));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  return text;
}

std::vector<std::string> list_devices(const SkfLibrary& lib) {
  const auto buffer = read_two_calls(
      [&](char* out, ULONG* size) { return lib.fn().enum_dev(abi::BoolIn{1}, out, size); }, "SKF_EnumDev");
  return split_names(buffer.data(), buffer.size());
}

Device::Device(const SkfLibrary& lib, const std::string& name) : lib_(lib) {
  std::string copy = name;
  check(lib.fn().connect_dev(copy.data(), &handle_), "SKF_ConnectDev");
}

Device::~Device() {
  if (handle_ != nullptr) lib_.fn().disconnect_dev(handle_);
}

abi::DevInfo Device::info() const {
  abi::DevInfo info;
  std::memset(&info, 0, sizeof info);
  check(lib_.fn().get_dev_info(handle_, &info), "SKF_GetDevInfo");
  return info;
}

std::vector<std::string> Device::applications() const {
  if (!lib_.has(Feature::applications))
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_EnumApplication/SKF_OpenApplication");
  return read_names(lib_.fn().enum_application, handle_, "SKF_EnumApplication");
}

Application::Application(const Device& device, const std::string& name)
    : lib_(device.library()), name_(name) {
  std::string copy = name;
  check(lib_.fn().open_application(device.handle(), copy.data(), &handle_), "SKF_OpenApplication");
}

Application::~Application() {
  if (handle_ != nullptr) lib_.fn().close_application(handle_);
}

std::vector<std::string> Application::containers() const {
  return read_names(lib_.fn().enum_container, handle_, "SKF_EnumContainer");
}

PinCounts Application::pin_info(abi::ULONG type) const {
  if (lib_.fn().get_pin_info == nullptr)
    throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_GetPINInfo");
  ULONG max = 0, remaining = 0;
  abi::BoolOut is_default = 0;  // 8 zeroed bytes: a 4-byte BOOL leaves the upper half 0
  check(lib_.fn().get_pin_info(handle_, type, &max, &remaining, &is_default), "SKF_GetPINInfo");
  return {max, remaining, is_default != 0};
}

Container::Container(const Application& app, const std::string& name) : lib_(app.library()) {
  std::string copy = name;
  check(lib_.fn().open_container(app.handle(), copy.data(), &handle_), "SKF_OpenContainer");
}

Container::~Container() {
  if (handle_ != nullptr) lib_.fn().close_container(handle_);
}

std::optional<ULONG> Container::type() const {
  if (lib_.fn().get_container_type == nullptr) return std::nullopt;
  ULONG type = 0;
  check(lib_.fn().get_container_type(handle_, &type), "SKF_GetContainerType");
  return type;
}

std::optional<Bytes> Container::certificate(bool sign) const {
  ULONG size = 0;
  const auto f = lib_.fn().export_certificate;
  ULONG rv = f(handle_, abi::BoolIn{sign ? 1 : 0}, nullptr, &size);
  if (rv == abi::SAR_CERTNOTFOUNTERR || (rv == abi::SAR_OK && size == 0)) return std::nullopt;
  check(rv, "SKF_ExportCertificate");
  if (size > kMaxBuffer) throw SkfError(EPORT_ERR_CARD_ERROR, "SKF_ExportCertificate: size out of range");
  Bytes der(size);
  ULONG used = size;
  rv = f(handle_, abi::BoolIn{sign ? 1 : 0}, der.data(), &used);
  if (rv == abi::SAR_CERTNOTFOUNTERR) return std::nullopt;
  check(rv, "SKF_ExportCertificate");
  der.resize(used <= size ? used : size);
  return der;
}

std::optional<bool> Container::has_certificate(bool sign) const {
  ULONG size = 0;
  const ULONG rv = lib_.fn().export_certificate(handle_, abi::BoolIn{sign ? 1 : 0}, nullptr, &size);
  if (rv == abi::SAR_OK) return size > 0;
  if (rv == abi::SAR_CERTNOTFOUNTERR) return false;
  if (rv == abi::SAR_DEVICE_REMOVED) check(rv, "SKF_ExportCertificate");
  return std::nullopt;
}

std::optional<Bytes> Container::public_key_blob(bool sign) const {
  const auto f = lib_.fn().export_public_key;
  if (f == nullptr) throw SkfError(EPORT_ERR_UNSUPPORTED, "the library has no SKF_ExportPublicKey");
  ULONG size = 0;
  ULONG rv = f(handle_, abi::BoolIn{sign ? 1 : 0}, nullptr, &size);
  if (rv == abi::SAR_KEYNOTFOUNTERR) return std::nullopt;
  check(rv, "SKF_ExportPublicKey");
  // Some libraries answer the size query with 0: offer the largest blob the standard has.
  if (size == 0 || size > 4096) size = sizeof(abi::RsaPublicKeyBlob);
  Bytes blob(size);
  ULONG used = size;
  rv = f(handle_, abi::BoolIn{sign ? 1 : 0}, blob.data(), &used);
  if (rv == abi::SAR_KEYNOTFOUNTERR) return std::nullopt;
  check(rv, "SKF_ExportPublicKey");
  blob.resize(used <= size ? used : size);
  return blob;
}

abi::ULONG Container::import_certificate(bool sign, const Bytes& der) const {
  Bytes copy = der;
  return lib_.fn().import_certificate(handle_, abi::BoolIn{sign ? 1 : 0}, copy.data(),
                                      static_cast<ULONG>(copy.size()));
}

DeviceLock::DeviceLock(const Device& device, std::uint32_t timeout_ms) : device_(device) {
  const auto& lib = device.library();
  if (!lib.has(Feature::lock)) return;
  const ULONG rv = lib.fn().lock_dev(device.handle(), timeout_ms);
  if (rv == abi::SAR_OK) {
    locked_ = true;
  } else if (rv == abi::SAR_TIMEOUTERR) {
    throw SkfError(EPORT_ERR_TIMEOUT, "SKF_LockDev: the key is in use by another program (waited " +
                                          std::to_string(timeout_ms) + " ms)");
  } else if (rv == abi::SAR_DEVICE_REMOVED) {
    check(rv, "SKF_LockDev");
  }
  // Other answers (e.g. SAR_NOTSUPPORTYETERR): the job runs unlocked.
}

DeviceLock::~DeviceLock() {
  if (locked_) device_.library().fn().unlock_dev(device_.handle());
}

SecureStateGuard::~SecureStateGuard() {
  if (app_.library().fn().clear_secure_state != nullptr)
    app_.library().fn().clear_secure_state(app_.handle());
}

SecretText::SecretText(const char* data, std::size_t len) {
  if (data == nullptr && len > 0) throw SkfError(EPORT_ERR_BAD_ARGS, "NULL secret");
  if (len > 64) throw SkfError(EPORT_ERR_BAD_ARGS, "a PIN longer than 64 characters");
  if (len > 0 && std::memchr(data, '\0', len) != nullptr)
    throw SkfError(EPORT_ERR_BAD_ARGS, "a PIN with a NUL");
  text_.assign(data == nullptr ? "" : data, len);
}

SecretText::~SecretText() {
  if (!text_.empty()) OPENSSL_cleanse(text_.data(), text_.size());
}

}  // namespace eport::skf

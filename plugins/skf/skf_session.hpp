#pragma once
// RAII over SKF handles and the standard's calling conventions (two-call name lists and
// buffers, BOOL out-parameters). Every failure throws SkfError.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "skf_library.hpp"

namespace eport::skf {

using Bytes = std::vector<std::uint8_t>;

/// Longest name list or certificate the plug-in accepts from a library.
constexpr std::size_t kMaxBuffer = 65536;

/// Splits a NUL-separated list of `size` bytes; stops at an empty name or the end, tolerating a
/// missing final NUL. Names are cut at 256 bytes.
std::vector<std::string> split_names(const char* data, std::size_t size);

/// A DEVINFO text field: up to the first NUL or the field's end, trailing spaces removed.
std::string text_field(const char* field, std::size_t size);

/// Names of the devices present (SKF_EnumDev(TRUE), sized by a NULL call).
std::vector<std::string> list_devices(const SkfLibrary& lib);

/// SKF_ConnectDev … SKF_DisConnectDev.
class Device {
 public:
  Device(const SkfLibrary& lib, const std::string& name);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  abi::HANDLE handle() const { return handle_; }
  const SkfLibrary& library() const { return lib_; }
  /// SKF_GetDevInfo.
  abi::DevInfo info() const;
  /// SKF_EnumApplication.
  std::vector<std::string> applications() const;

 private:
  const SkfLibrary& lib_;
  abi::HANDLE handle_ = nullptr;
};

/// What SKF_GetPINInfo says about one PIN.
struct PinCounts {
  std::uint32_t max = 0;        ///< tries after a successful verify
  std::uint32_t remaining = 0;  ///< tries left (0 = locked)
  bool is_default = false;      ///< still the factory PIN
};

/// SKF_OpenApplication … SKF_CloseApplication.
class Application {
 public:
  Application(const Device& device, const std::string& name);
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  abi::HANDLE handle() const { return handle_; }
  const std::string& name() const { return name_; }
  const SkfLibrary& library() const { return lib_; }
  /// SKF_EnumContainer.
  std::vector<std::string> containers() const;
  /// SKF_GetPINInfo (spends no try).
  PinCounts pin_info(abi::ULONG type) const;

 private:
  const SkfLibrary& lib_;
  std::string name_;
  abi::HANDLE handle_ = nullptr;
};

/// SKF_OpenContainer … SKF_CloseContainer.
class Container {
 public:
  Container(const Application& app, const std::string& name);
  ~Container();
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;

  /// SKF_GetContainerType (CONTAINER_EMPTY/RSA/ECC); nullopt when the library lacks it.
  std::optional<abi::ULONG> type() const;
  /// SKF_ExportCertificate; nullopt when the slot holds none (SAR_CERTNOTFOUNTERR).
  std::optional<Bytes> certificate(bool sign) const;
  /// Whether a certificate is stored, asked with a NULL buffer (nothing read).
  std::optional<bool> has_certificate(bool sign) const;
  /// SKF_ExportPublicKey (blob bytes); nullopt when there is no key (SAR_KEYNOTFOUNTERR).
  std::optional<Bytes> public_key_blob(bool sign) const;
  /// SKF_ImportCertificate; returns the library's status (the caller decides what it means).
  abi::ULONG import_certificate(bool sign, const Bytes& der) const;

 private:
  const SkfLibrary& lib_;
  abi::HANDLE handle_ = nullptr;
};

/// SKF_LockDev with a bounded timeout … SKF_UnlockDev. Without the functions (or when the
/// library does not support locking) the job runs unlocked; a lock held elsewhere past the
/// timeout throws SkfError(EPORT_ERR_TIMEOUT).
class DeviceLock {
 public:
  DeviceLock(const Device& device, std::uint32_t timeout_ms);
  ~DeviceLock();
  DeviceLock(const DeviceLock&) = delete;
  DeviceLock& operator=(const DeviceLock&) = delete;

 private:
  const Device& device_;
  bool locked_ = false;
};

/// Calls SKF_ClearSecureState when the privileged job ends, however it ends.
class SecureStateGuard {
 public:
  explicit SecureStateGuard(const Application& app) : app_(app) {}
  ~SecureStateGuard();
  SecureStateGuard(const SecureStateGuard&) = delete;
  SecureStateGuard& operator=(const SecureStateGuard&) = delete;

 private:
  const Application& app_;
};

/// A secret as the SKF API wants it (NUL-terminated), wiped on destruction. Throws SkfError
/// BAD_ARGS for an embedded NUL or more than 64 bytes.
class SecretText {
 public:
  SecretText(const char* data, std::size_t len);
  ~SecretText();
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  char* c_str() { return text_.data(); }

 private:
  std::string text_;
};

}  // namespace eport::skf

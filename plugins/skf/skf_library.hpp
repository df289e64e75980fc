#pragma once
// One vendor SKF library, dlopen'ed by the plug-in, with its SKF_* functions resolved. A missing
// function disables only the features that need it.
#include <memory>
#include <string>
#include <vector>

#include "skf_abi.hpp"

namespace eport::skf {

/// What the plug-in can do with a library, each needing some SKF functions.
enum class Feature {
  tokens,           ///< list and identify devices: EnumDev, ConnectDev, DisConnectDev, GetDevInfo
  events,           ///< block for plug/pull: WaitForDevEvent, CancelWaitForDevEvent
  applications,     ///< EnumApplication, OpenApplication, CloseApplication
  pin_status,       ///< GetPINInfo
  pin_reset,        ///< UnblockPIN, GetPINInfo (admin count), ClearSecureState
  pin_change,       ///< ChangePIN, ClearSecureState
  cert_read,        ///< EnumContainer, OpenContainer, CloseContainer, ExportCertificate
  slot_public_key,  ///< ExportPublicKey (+ cert_read's container functions)
  cert_write,       ///< ImportCertificate, VerifyPIN, ClearSecureState (+ cert_read's)
  lock,             ///< LockDev, UnlockDev (optional: jobs run unlocked without them)
};

/// "tokens", "events", ... as drivers.list shows them.
const char* feature_name(Feature feature);

/// A loaded SKF library. Not copyable; unloads on destruction unless pinned.
class SkfLibrary {
 public:
  /// dlopen(RTLD_NOW | RTLD_LOCAL) and resolve. nullptr with `error` set when the file cannot be
  /// loaded or lacks the functions every feature needs (Feature::tokens).
  static std::unique_ptr<SkfLibrary> open(const std::string& path, std::string& error);
  ~SkfLibrary();
  SkfLibrary(const SkfLibrary&) = delete;
  SkfLibrary& operator=(const SkfLibrary&) = delete;

  /// The resolved functions (nullptr where missing).
  const abi::Functions& fn() const { return fn_; }
  /// Whether every function a feature needs is present.
  bool has(Feature feature) const;
  /// SKF_* names the plug-in looked for and did not find.
  const std::vector<std::string>& missing() const { return missing_; }
  /// Names of the features that are unavailable.
  std::vector<std::string> disabled() const;
  /// Keeps the library loaded for the life of the process (a thread could not be stopped
  /// inside it).
  void pin() { pinned_ = true; }

 private:
  SkfLibrary() = default;
  void* handle_ = nullptr;
  abi::Functions fn_;
  std::vector<std::string> missing_;
  bool pinned_ = false;
};

}  // namespace eport::skf

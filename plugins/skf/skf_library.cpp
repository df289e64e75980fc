#include "skf_library.hpp"

#include <dlfcn.h>

namespace eport::skf {

namespace {

template <typename F>
void resolve(void* handle, const char* name, F& slot, std::vector<std::string>& missing) {
  slot = reinterpret_cast<F>(dlsym(handle, name));
  if (slot == nullptr) missing.emplace_back(name);
}

}  // namespace

const char* feature_name(Feature feature) {
  switch (feature) {
    case Feature::tokens: return "tokens";
    case Feature::events: return "events";
    case Feature::applications: return "applications";
    case Feature::pin_status: return "pin_status";
    case Feature::pin_reset: return "pin_reset";
    case Feature::pin_change: return "pin_change";
    case Feature::cert_read: return "cert_read";
    case Feature::slot_public_key: return "slot_public_key";
    case Feature::cert_write: return "cert_write";
    case Feature::lock: return "lock";
  }
  return "?";
}

std::unique_ptr<SkfLibrary> SkfLibrary::open(const std::string& path, std::string& error) {
  std::unique_ptr<SkfLibrary> lib(new SkfLibrary);
  dlerror();
  lib->handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib->handle_ == nullptr) {
    const char* why = dlerror();
    error = why != nullptr ? why : "dlopen failed";
    return nullptr;
  }
  void* h = lib->handle_;
  auto& f = lib->fn_;
  auto& m = lib->missing_;
  resolve(h, "SKF_WaitForDevEvent", f.wait_for_dev_event, m);
  resolve(h, "SKF_CancelWaitForDevEvent", f.cancel_wait_for_dev_event, m);
  resolve(h, "SKF_EnumDev", f.enum_dev, m);
  resolve(h, "SKF_ConnectDev", f.connect_dev, m);
  resolve(h, "SKF_DisConnectDev", f.disconnect_dev, m);
  resolve(h, "SKF_GetDevInfo", f.get_dev_info, m);
  resolve(h, "SKF_LockDev", f.lock_dev, m);
  resolve(h, "SKF_UnlockDev", f.unlock_dev, m);
  resolve(h, "SKF_EnumApplication", f.enum_application, m);
  resolve(h, "SKF_OpenApplication", f.open_application, m);
  resolve(h, "SKF_CloseApplication", f.close_application, m);
  resolve(h, "SKF_GetPINInfo", f.get_pin_info, m);
  resolve(h, "SKF_VerifyPIN", f.verify_pin, m);
  resolve(h, "SKF_ChangePIN", f.change_pin, m);
  resolve(h, "SKF_UnblockPIN", f.unblock_pin, m);
  resolve(h, "SKF_ClearSecureState", f.clear_secure_state, m);
  resolve(h, "SKF_EnumContainer", f.enum_container, m);
  resolve(h, "SKF_OpenContainer", f.open_container, m);
  resolve(h, "SKF_CloseContainer", f.close_container, m);
  resolve(h, "SKF_GetContainerType", f.get_container_type, m);
  resolve(h, "SKF_ImportCertificate", f.import_certificate, m);
  resolve(h, "SKF_ExportCertificate", f.export_certificate, m);
  resolve(h, "SKF_ExportPublicKey", f.export_public_key, m);
  if (!lib->has(Feature::tokens)) {
    error = "not an SKF library: SKF_EnumDev, SKF_ConnectDev, SKF_DisConnectDev or SKF_GetDevInfo is missing";
    return nullptr;
  }
  return lib;
}

SkfLibrary::~SkfLibrary() {
  if (handle_ != nullptr && !pinned_) dlclose(handle_);
}

bool SkfLibrary::has(Feature feature) const {
  const auto& f = fn_;
  const bool apps = f.enum_application && f.open_application && f.close_application;
  const bool containers = apps && f.enum_container && f.open_container && f.close_container;
  switch (feature) {
    case Feature::tokens: return f.enum_dev && f.connect_dev && f.disconnect_dev && f.get_dev_info;
    case Feature::events: return f.wait_for_dev_event && f.cancel_wait_for_dev_event;
    case Feature::applications: return apps;
    case Feature::pin_status: return apps && f.get_pin_info;
    case Feature::pin_reset: return apps && f.unblock_pin && f.get_pin_info && f.clear_secure_state;
    case Feature::pin_change: return apps && f.change_pin && f.clear_secure_state;
    case Feature::cert_read: return containers && f.export_certificate;
    case Feature::slot_public_key: return containers && f.export_public_key;
    case Feature::cert_write:
      return containers && f.export_certificate && f.import_certificate && f.verify_pin &&
             f.clear_secure_state;
    case Feature::lock: return f.lock_dev && f.unlock_dev;
  }
  return false;
}

std::vector<std::string> SkfLibrary::disabled() const {
  std::vector<std::string> out;
  for (auto feature :
       {Feature::events, Feature::applications, Feature::pin_status, Feature::pin_reset, Feature::pin_change,
        Feature::cert_read, Feature::slot_public_key, Feature::cert_write, Feature::lock})
    if (!has(feature)) out.emplace_back(feature_name(feature));
  return out;
}

}  // namespace eport::skf

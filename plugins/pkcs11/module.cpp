#include "module.hpp"

#include <dlfcn.h>

#include <chrono>
#include <cstring>

namespace eport::pkcs11 {

namespace {

CK_C_INITIALIZE_ARGS os_locking_args() {
  CK_C_INITIALIZE_ARGS args;
  std::memset(&args, 0, sizeof args);
  args.flags = CKF_OS_LOCKING_OK;
  return args;
}

}  // namespace

Module::Use::Use(std::shared_mutex& gate, std::mutex* serial, CK_FUNCTION_LIST* functions)
    : gate_(gate), functions_(functions) {
  if (serial != nullptr) serial_ = std::unique_lock<std::mutex>(*serial);
}

Module::Module(std::string label, std::string path, Logger log)
    : label_(std::move(label)), path_(std::move(path)), log_(std::move(log)), borrowed_(false) {}

Module::Module(std::string label, std::string path, CK_FUNCTION_LIST* functions, Logger log)
    : label_(std::move(label)),
      path_(std::move(path)),
      log_(std::move(log)),
      borrowed_(true),
      functions_(functions) {}

Module::~Module() { stop(); }

std::string Module::error() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return error_;
}

void Module::fail(const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    error_ = why;
  }
  ready_ = false;
  log_(EPORT_LOG_ERROR, "module " + label_ + " (" + path_ + "): " + why);
}

bool Module::start(std::function<void()> on_event) {
  if (!borrowed_) {
    library_ = ::dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ == nullptr) {
      const char* why = ::dlerror();
      fail(std::string("cannot load it: ") + (why != nullptr ? why : "unknown dlopen error"));
      return false;
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(library_, "C_GetFunctionList"));
    if (get == nullptr) {
      fail("not a PKCS#11 module: it has no C_GetFunctionList");
      return false;
    }
    const CK_RV rv = get(&functions_);
    if (rv != CKR_OK || functions_ == nullptr) {
      fail("C_GetFunctionList failed: " + rv_name(rv));
      return false;
    }
  }
  std::string error;
  if (!initialise(error)) {
    fail(error);
    return false;
  }
  ready_ = true;
  if (functions_->version.major >= 2 && functions_->C_WaitForSlotEvent != nullptr) {
    waiting_ = true;
    events_ = std::thread([this, on_event] { watch_events(on_event); });
  }
  return true;
}

bool Module::initialise(std::string& error) {
  CK_C_INITIALIZE_ARGS args = os_locking_args();
  CK_RV rv = functions_->C_Initialize(&args);
  if (rv == CKR_CANT_LOCK) {  // the module cannot use the OS's locks: serialise its calls here
    os_locking_ = false;
    rv = functions_->C_Initialize(nullptr);
  }
  if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    log_(EPORT_LOG_WARNING,
         "module " + label_ + " was already initialised in this process; it is used as it is");
    return true;
  }
  if (rv != CKR_OK) {
    error = "C_Initialize failed: " + rv_name(rv);
    return false;
  }
  initialised_ = true;
  return true;
}

// The event thread: C_WaitForSlotEvent blocks until a slot changes; C_Finalize ends it.
void Module::watch_events(std::function<void()> on_event) {
  for (;;) {
    CK_SLOT_ID slot = 0;
    const auto began = std::chrono::steady_clock::now();
    const CK_RV rv = functions_->C_WaitForSlotEvent(0, &slot, nullptr);
    if (stopping_) break;
    if (rv == CKR_OK) {
      on_event();
      continue;
    }
    // Not supported, or "no event" without having blocked: this module is polled instead.
    const bool quick = std::chrono::steady_clock::now() - began < std::chrono::milliseconds(100);
    if (rv != CKR_FUNCTION_NOT_SUPPORTED && !(rv == CKR_NO_EVENT && quick))
      log_(EPORT_LOG_WARNING,
           "module " + label_ + ": C_WaitForSlotEvent: " + rv_name(rv) + "; polling it instead");
    else log_(EPORT_LOG_DEBUG, "module " + label_ + " cannot wait for slot events; it is polled");
    break;
  }
  waiting_ = false;
  on_event();  // let the watcher look once more, now that this module is polled
}

void Module::refresh() {
  if (!borrowed_ && library_ == nullptr) return;  // never started
  if (waiting_ || stopping_ || !initialised_) {
    if (!ready_ && !stopping_ && !waiting_) {
      // A module whose re-initialisation failed: try again.
      std::unique_lock<std::shared_mutex> lock(gate_, std::try_to_lock);
      std::string error;
      if (lock && initialise(error)) {
        ready_ = true;
        std::lock_guard<std::mutex> guard(error_mutex_);
        error_.clear();
      }
    }
    return;
  }
  std::unique_lock<std::shared_mutex> lock(gate_, std::try_to_lock);
  if (!lock) return;                       // an operation runs: next time
  if (events_.joinable()) events_.join();  // ended: the module is polled
  functions_->C_Finalize(nullptr);
  initialised_ = false;
  std::string error;
  if (!initialise(error)) fail(error + " (while looking for new tokens)");
}

Module::Use Module::use() {
  if (!ready_) throw P11Error(EPORT_ERR_TRANSMIT, "module " + label_ + " is not usable: " + error());
  return Use(gate_, os_locking_ ? nullptr : &serial_, functions_);
}

void Module::stop() {
  if (stopping_.exchange(true)) return;
  {
    std::unique_lock<std::shared_mutex> lock(gate_);
    if (initialised_ && functions_ != nullptr) functions_->C_Finalize(nullptr);  // wakes C_WaitForSlotEvent
    initialised_ = false;
    ready_ = false;
  }
  if (events_.joinable()) events_.join();
#if !defined(__SANITIZE_ADDRESS__)
  if (library_ != nullptr) ::dlclose(library_);
#else
    // Under AddressSanitizer the module stays mapped, so that a leak inside a vendor's module is
    // reported with its library's name (and matched by tests/sanitizers/lsan.supp).
#endif
  library_ = nullptr;
}

}  // namespace eport::pkcs11

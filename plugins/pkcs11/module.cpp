#include "module.hpp"

#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <future>
#include <memory>

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
    if (!can_wait(error)) {
      if (!error.empty()) {
        fail(error);
        return false;
      }
      return true;  // polled
    }
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

// Whether the module follows slot changes itself, known before start() returns (drivers.list
// says so). A module that can block in C_WaitForSlotEvent does (OpenSC); one that answers at
// once (SoftHSM2: CKR_FUNCTION_NOT_SUPPORTED, or CKR_NO_EVENT) sees other processes' changes
// only after C_Initialize and is polled. Nothing else uses the module yet: a wait still blocked
// after 200 ms is ended the way the standard provides, C_Finalize, and the module initialised
// again. `error` is set when that fails.
bool Module::can_wait(std::string& error) {
  auto answered = std::make_shared<std::promise<CK_RV>>();
  auto answer = answered->get_future();
  std::thread probe([functions = functions_, answered] {
    CK_SLOT_ID slot = 0;
    answered->set_value(functions->C_WaitForSlotEvent(0, &slot, nullptr));
  });
  if (answer.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready) {
    probe.join();
    const CK_RV rv = answer.get();
    if (rv == CKR_OK) return true;  // a change was pending: it can tell
    log_(rv == CKR_FUNCTION_NOT_SUPPORTED || rv == CKR_NO_EVENT ? EPORT_LOG_DEBUG : EPORT_LOG_WARNING,
         "module " + label_ + ": C_WaitForSlotEvent: " + rv_name(rv) + "; it is polled");
    return false;
  }
  functions_->C_Finalize(nullptr);  // ends the blocked wait
  initialised_ = false;
  probe.join();
  if (!initialise(error)) error += " (again, after ending the probe of C_WaitForSlotEvent)";
  return error.empty();
}

// The event thread. It asks C_WaitForSlotEvent(CKF_DONT_BLOCK) every kEventPoll while no other
// call is in the module (the gate held exclusively), and never blocks inside the module: a
// thread blocked in OpenSC's C_WaitForSlotEvent runs its reader code without OpenSC's lock
// (OpenSC issue #3387), and a card pulled while another thread was in C_GetTokenInfo left the
// module deadlocked (seen in tests/integration/providers/test_pkcs11_opensc.py under load). The
// non-blocking form also cannot miss a change made between two looks: the module keeps the
// slots' events until asked.
void Module::watch_events(std::function<void()> on_event) {
  CK_RV rv = CKR_OK;
  for (bool first = true;; first = false) {
    if (!first) {
      std::unique_lock<std::mutex> sleep(sleep_mutex_);
      if (sleep_.wait_for(sleep, kEventPoll, [this] { return stopping_.load(); })) return;
    }
    bool changed = false;
    {
      std::unique_lock<std::shared_mutex> lock(gate_);
      if (stopping_ || !initialised_) return;
      std::unique_lock<std::mutex> serial;
      if (!os_locking_) serial = std::unique_lock<std::mutex>(serial_);
      for (int i = 0; i < 64; ++i) {  // every slot that changed; bounded against a chattering module
        CK_SLOT_ID slot = 0;
        rv = functions_->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, nullptr);
        if (rv != CKR_OK) break;
        log_(EPORT_LOG_DEBUG, "module " + label_ + ": slot event (slot " + std::to_string(slot) + ")");
        changed = true;
      }
    }
    if (changed) on_event();
    if (rv != CKR_OK && rv != CKR_NO_EVENT) break;
  }
  // Not supported (SoftHSM2), or an error: this module is polled instead.
  if (rv != CKR_FUNCTION_NOT_SUPPORTED)
    log_(EPORT_LOG_WARNING,
         "module " + label_ + ": C_WaitForSlotEvent: " + rv_name(rv) + "; polling it instead");
  else log_(EPORT_LOG_DEBUG, "module " + label_ + " cannot report slot events; it is polled");
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
    std::lock_guard<std::mutex> sleep(sleep_mutex_);
    sleep_.notify_all();
  }
  if (events_.joinable()) events_.join();
  {
    std::unique_lock<std::shared_mutex> lock(gate_);
    if (initialised_ && functions_ != nullptr) functions_->C_Finalize(nullptr);
    initialised_ = false;
    ready_ = false;
  }
#if !defined(__SANITIZE_ADDRESS__)
  if (library_ != nullptr) ::dlclose(library_);
#else
  // Under AddressSanitizer the module stays mapped, so that a leak inside a vendor's module is
  // reported with its library's name (and matched by tests/sanitizers/lsan.supp).
#endif
  library_ = nullptr;
}

}  // namespace eport::pkcs11

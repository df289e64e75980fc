#pragma once
// One PKCS#11 module: loaded once, initialised once with CKF_OS_LOCKING_OK, its slot events
// followed by a thread in C_WaitForSlotEvent (cancelled by C_Finalize at stop) or, for modules
// that cannot wait, by re-reading its slots when asked.

#include <atomic>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>

#include "p11.hpp"

namespace eport::pkcs11 {

/// One module. start() and stop() from one thread; use() and refresh() from any.
class Module {
 public:
  /// A module the plug-in loads itself from `path`.
  Module(std::string label, std::string path, Logger log);
  /// A module p11-kit loaded: `functions` belongs to p11-kit (valid until its list is released).
  Module(std::string label, std::string path, CK_FUNCTION_LIST* functions, Logger log);
  /// stop().
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  /// dlopen (own modules), C_GetFunctionList, C_Initialize, and the event thread, which calls
  /// `on_event` for every slot event. False with error() set when the module is unusable.
  bool start(std::function<void()> on_event);
  /// C_Finalize (which ends a blocked C_WaitForSlotEvent), joins the event thread, dlclose.
  void stop();

  /// The label in token ids.
  const std::string& label() const { return label_; }
  /// The module's file.
  const std::string& path() const { return path_; }
  /// Why the module is unusable ("" while it works): the module's own error.
  std::string error() const;
  /// True while the module works.
  bool ready() const { return ready_.load(); }
  /// True while a thread waits in C_WaitForSlotEvent; false: the module is polled.
  bool waits_for_events() const { return waiting_.load(); }
  /// True when the module came from p11-kit.
  bool from_p11_kit() const { return borrowed_; }

  /// Polled modules only (no-op otherwise): C_Finalize + C_Initialize when no operation runs,
  /// since modules such as SoftHSM2 see tokens added or removed by other processes only after
  /// C_Initialize. Never interrupts an operation (it simply skips a turn).
  void refresh();

  /// Held for the length of one operation: keeps refresh() out, and serialises calls to a module
  /// that cannot lock itself (CKR_CANT_LOCK at C_Initialize).
  class Use {
   public:
    /// The module's function list.
    CK_FUNCTION_LIST* operator->() const { return functions_; }
    /// The module's function list.
    CK_FUNCTION_LIST* functions() const { return functions_; }

   private:
    friend class Module;
    Use(std::shared_mutex& gate, std::mutex* serial, CK_FUNCTION_LIST* functions);
    std::shared_lock<std::shared_mutex> gate_;
    std::unique_lock<std::mutex> serial_;
    CK_FUNCTION_LIST* functions_;
  };
  /// A guard for one operation; throws P11Error(TRANSMIT) while the module is unusable.
  Use use();

 private:
  bool initialise(std::string& error);
  void watch_events(std::function<void()> on_event);
  void fail(const std::string& why);

  const std::string label_;
  const std::string path_;
  const Logger log_;
  const bool borrowed_;
  void* library_ = nullptr;
  CK_FUNCTION_LIST* functions_ = nullptr;
  bool initialised_ = false;  // we called C_Initialize and owe a C_Finalize
  bool os_locking_ = true;    // the module locks itself (else serial_ serialises calls)
  std::atomic<bool> ready_{false};
  std::atomic<bool> waiting_{false};
  std::atomic<bool> stopping_{false};
  std::shared_mutex gate_;
  std::mutex serial_;
  mutable std::mutex error_mutex_;
  std::string error_;
  std::thread events_;
};

}  // namespace eport::pkcs11

// Internal to eport_drivers: one loaded and initialised plug-in, the host table handed to it,
// and the guarded way to call into it. Not part of the public API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <mutex>

#include <spdlog/logger.h>
#include <nlohmann/json.hpp>

#include <eport/driver.h>

#include "drivers/card_channel.hpp"
#include "drivers/shared_library.hpp"
#include "drivers/status.hpp"

/// The host's definition of the ABI's opaque channel: the CardChannel lent for one call.
struct eport_channel {
  eport::drivers::CardChannel* channel;  ///< never null while the plug-in holds the pointer
};

namespace eport::drivers {

/// The plug-in's latest report_status object (null: none yet). Thread-safe.
struct StatusBox {
  std::mutex mutex;      ///< guards value
  nlohmann::json value;  ///< the object
};

/// What the host's callbacks need to know: whose message it is, where it goes, and where the
/// plug-in's status reports are kept.
struct HostContext {
  std::string driver_name;                                            ///< prefix of every message
  std::shared_ptr<spdlog::logger> logger;                             ///< destination
  std::shared_ptr<StatusBox> status = std::make_shared<StatusBox>();  ///< report_status's last object
};

/// One loaded plug-in. Driver and every TokenHandle share it, so the library stays loaded and
/// shutdown() waits until the last token is closed.
class PluginInstance {
 public:
  /// Takes over an open library whose table was accepted (a copy of the struct_size part).
  PluginInstance(SharedLibrary library, const eport_driver_ops& ops, std::string name,
                 std::shared_ptr<spdlog::logger> logger);
  /// shutdown() when init() succeeded, then dlclose().
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  /// Run init() with `config_json`; empty string on success, else the reason.
  std::string initialise(const std::string& config_json);
  /// For a table without a library (a provider served by a helper process): take `context` as
  /// if init() had returned it; shutdown() runs on destruction.
  void adopt(eport_driver* context);

  /// The host context the callbacks receive (status reports land here).
  HostContext& host_context() { return host_ctx_; }

  /// The accepted table (fields beyond the plug-in's struct_size are NULL / zero).
  const eport_driver_ops& ops() const { return ops_; }
  /// The context init() returned.
  eport_driver* context() const { return driver_; }
  /// The driver's name.
  const std::string& name() const { return host_ctx_.driver_name; }
  /// The library path.
  const std::string& library_path() const { return library_.path(); }
  /// Where host-side messages about this plug-in go.
  spdlog::logger& logger() const { return *host_ctx_.logger; }

  /// Call `f` (which calls into the plug-in) so that no exception escapes; a thrown exception
  /// becomes kThrew.
  template <class F>
  std::int32_t call(F&& f) const noexcept {
    try {
      return f();
    } catch (...) {
      return kThrew;
    }
  }

  /// Map a raw status from `operation` to a Status and a user-facing detail; unknown statuses
  /// and exceptions become Internal and are logged.
  Status settle(std::int32_t raw, const char* operation, std::string& detail) const;

  /// Sentinel for "the plug-in threw a C++ exception" (never a valid status).
  static constexpr std::int32_t kThrew = INT32_MIN;

 private:
  SharedLibrary library_;  // declared first: unloaded last
  eport_driver_ops ops_;
  HostContext host_ctx_;
  eport_host host_;
  eport_driver* driver_ = nullptr;
  bool initialised_ = false;
};

}  // namespace eport::drivers

#include "drivers/plugin_instance.hpp"

#include <cstring>
#include <utility>

#include "drivers/host_callbacks.hpp"

namespace eport::drivers {

PluginInstance::PluginInstance(SharedLibrary library, const eport_driver_ops& ops, std::string name,
                               std::shared_ptr<spdlog::logger> logger)
    : library_(std::move(library)), ops_(ops) {
  host_ctx_.driver_name = std::move(name);
  host_ctx_.logger = std::move(logger);
  std::memset(&host_, 0, sizeof host_);
  host_.abi_major = EPORT_DRIVER_ABI_MAJOR;
  host_.abi_minor = EPORT_DRIVER_ABI_MINOR;
  host_.struct_size = sizeof host_;
  host_.host_ctx = &host_ctx_;
  host_.log = &host_log;
  host_.transmit = &host_transmit;
  host_.config_json = nullptr;
  host_.report_status = &host_report_status;
}

PluginInstance::~PluginInstance() {
  if (initialised_) {
    call([this] {
      ops_.shutdown(driver_);
      return EPORT_OK;
    });
  }
}

std::string PluginInstance::initialise(const std::string& config_json) {
  host_.config_json = config_json.c_str();
  eport_driver* context = nullptr;
  const std::int32_t raw = call([&] { return ops_.init(&host_, &context); });
  host_.config_json = nullptr;  // valid during init only, as the ABI promises
  if (raw == EPORT_OK) {
    driver_ = context;
    initialised_ = true;
    return {};
  }
  std::string detail;
  settle(raw, "init", detail);
  return detail + "; see the plug-in's log lines and check its options in the configuration";
}

void PluginInstance::adopt(eport_driver* context) {
  driver_ = context;
  initialised_ = true;
}

Status PluginInstance::settle(std::int32_t raw, const char* operation, std::string& detail) const {
  const std::string& driver = host_ctx_.driver_name;
  if (raw == kThrew) {
    detail = "driver \"" + driver + "\" threw a C++ exception out of " + operation +
             " (a bug in the plug-in; report it to its author)";
    host_ctx_.logger->error("{}", detail);
    return Status::Internal;
  }
  if (!is_known_status(raw)) {
    detail = "unknown status " + std::to_string(raw) + " from driver \"" + driver + "\" in " + operation +
             " (treated as internal error; report it to the plug-in's author)";
    host_ctx_.logger->error("{}", detail);
    return Status::Internal;
  }
  const auto status = static_cast<Status>(raw);
  detail = status == Status::Ok ? std::string()
                                : "driver \"" + driver + "\", " + operation + ": " + describe(status);
  return status;
}

}  // namespace eport::drivers

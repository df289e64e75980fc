#include "drivers/token_handle.hpp"

#include <utility>

#include "drivers/plugin_instance.hpp"

namespace eport::drivers {

TokenHandle::TokenHandle(std::shared_ptr<PluginInstance> plugin, eport_token* token)
    : plugin_(std::move(plugin)), token_(token) {}

TokenHandle::~TokenHandle() { close(); }

TokenHandle::TokenHandle(TokenHandle&& other) noexcept
    : plugin_(std::move(other.plugin_)), token_(std::exchange(other.token_, nullptr)) {}

TokenHandle& TokenHandle::operator=(TokenHandle&& other) noexcept {
  if (this != &other) {
    close();
    plugin_ = std::move(other.plugin_);
    token_ = std::exchange(other.token_, nullptr);
  }
  return *this;
}

void TokenHandle::close() {
  if (plugin_ == nullptr) return;
  const auto& ops = plugin_->ops();
  eport_token* token = std::exchange(token_, nullptr);
  const std::int32_t raw = plugin_->call([&] {
    ops.close_token(token);
    return EPORT_OK;
  });
  if (raw != EPORT_OK) {
    std::string detail;
    plugin_->settle(raw, "close_token", detail);
  }
  plugin_.reset();  // may unload the plug-in when the Driver is already gone
}

}  // namespace eport::drivers

#include "drivers/driver.hpp"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "drivers/abi_convert.hpp"
#include "drivers/host_callbacks.hpp"
#include "drivers/plugin_instance.hpp"

namespace eport::drivers {

namespace {

constexpr std::size_t kInitialTokens = 16;
constexpr std::size_t kMaxTokens = 1024;

}  // namespace

Driver::Driver(std::shared_ptr<PluginInstance> plugin, DriverInfo info)
    : plugin_(std::move(plugin)), info_(std::move(info)) {}

Driver::~Driver() = default;

bool Driver::is_card_driver() const { return plugin_->ops().kind == EPORT_KIND_CARD; }

bool Driver::supports(std::uint64_t capability) const {
  return capability != 0 && (info_.capability_bits & capability) == capability;
}

nlohmann::json Driver::reported_status() const {
  auto& box = *plugin_->host_context().status;
  std::lock_guard<std::mutex> lock(box.mutex);
  return box.value;
}

std::function<void(const std::string&)> Driver::status_sink() const {
  auto& context = plugin_->host_context();
  return [box = context.status, name = context.driver_name, logger = context.logger](
             const std::string& json_text) { record_status(*box, name, *logger, json_text.c_str()); };
}

std::unique_ptr<Driver> make_table_driver(const eport_driver_ops& ops, eport_driver* context, DriverInfo info,
                                          std::shared_ptr<spdlog::logger> logger) {
  auto plugin = std::make_shared<PluginInstance>(SharedLibrary(), ops, info.name,
                                                 logger ? std::move(logger) : spdlog::default_logger());
  plugin->adopt(context);
  return std::make_unique<Driver>(std::move(plugin), std::move(info));
}

eport_channel* Driver::channel_arg(eport_channel& storage) const {
  return is_card_driver() ? &storage : nullptr;
}

bool Driver::usable(Status& status, std::string& detail, const TokenHandle& token, std::uint64_t capability,
                    const char* operation) const {
  if (!supports(capability)) {
    status = Status::Unsupported;
    detail = "driver \"" + info_.name + "\" does not support " + operation;
    return false;
  }
  if (token.plugin_ != plugin_) {
    status = Status::BadArgs;
    detail = std::string(operation) + ": the token is not open on driver \"" + info_.name + "\"";
    return false;
  }
  return true;
}

Result<bool> Driver::match(CardChannel& channel, const std::vector<std::uint8_t>& atr) {
  Result<bool> result;
  if (!supports(EPORT_CAP_MATCH)) {
    result.status = Status::Unsupported;
    result.detail = "driver \"" + info_.name + "\" is not a card driver";
    return result;
  }
  std::lock_guard<std::mutex> lock(serial_);
  eport_channel ch{&channel};
  const auto& ops = plugin_->ops();
  const std::int32_t raw =
      plugin_->call([&] { return ops.match(plugin_->context(), &ch, atr.data(), atr.size()); });
  result.status = plugin_->settle(raw, "match", result.detail);
  result.value = result.status == Status::Ok;
  return result;
}

Result<TokenHandle> Driver::open_token(CardChannel& channel) {
  Result<TokenHandle> result;
  if (!is_card_driver()) {
    result.status = Status::Unsupported;
    result.detail = "driver \"" + info_.name + "\" is not a card driver";
    return result;
  }
  std::lock_guard<std::mutex> lock(serial_);
  eport_channel ch{&channel};
  eport_token* token = nullptr;
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] { return ops.open_token(plugin_->context(), &ch, &token); });
  result.status = plugin_->settle(raw, "open_token", result.detail);
  if (result.ok()) result.value = TokenHandle(plugin_, token);
  return result;
}

Result<std::vector<TokenIdentity>> Driver::enumerate() {
  Result<std::vector<TokenIdentity>> result;
  if (!supports(EPORT_CAP_ENUMERATE)) {
    result.status = Status::Unsupported;
    result.detail = "driver \"" + info_.name + "\" is not a token provider";
    return result;
  }
  const auto& ops = plugin_->ops();
  std::vector<eport_token_info> infos(kInitialTokens, blank_token_info());
  std::size_t count = infos.size();
  std::int32_t raw = plugin_->call([&] { return ops.enumerate(plugin_->context(), infos.data(), &count); });
  if (raw == EPORT_ERR_BUFFER_TOO_SMALL && count > infos.size() && count <= kMaxTokens) {
    infos.assign(count, blank_token_info());
    raw = plugin_->call([&] { return ops.enumerate(plugin_->context(), infos.data(), &count); });
  }
  result.status = plugin_->settle(raw, "enumerate", result.detail);
  if (result.ok() && count > infos.size()) {
    result.status = Status::Internal;
    result.detail = "driver \"" + info_.name + "\" reported more tokens than the buffer holds";
  }
  if (!result.ok()) return result;
  for (std::size_t i = 0; i < count; ++i) result.value.push_back(to_identity(infos[i]));
  return result;
}

Result<TokenHandle> Driver::open_provider_token(const std::string& serial) {
  Result<TokenHandle> result;
  if (is_card_driver()) {
    result.status = Status::Unsupported;
    result.detail = "driver \"" + info_.name + "\" is not a token provider";
    return result;
  }
  eport_token* token = nullptr;
  const auto& ops = plugin_->ops();
  const std::int32_t raw =
      plugin_->call([&] { return ops.open_provider_token(plugin_->context(), serial.c_str(), &token); });
  result.status = plugin_->settle(raw, "open_provider_token", result.detail);
  if (result.ok()) result.value = TokenHandle(plugin_, token);
  return result;
}

Outcome Driver::wait_change(std::chrono::milliseconds timeout) {
  Outcome result;
  if (!supports(EPORT_CAP_WAIT_CHANGE)) {
    result.status = Status::Unsupported;
    result.detail = "driver \"" + info_.name + "\" cannot wait for changes; poll enumerate()";
    return result;
  }
  const auto ms = static_cast<std::uint32_t>(
      std::min<std::chrono::milliseconds::rep>(timeout.count() < 0 ? 0 : timeout.count(), UINT32_MAX));
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] { return ops.wait_change(plugin_->context(), ms); });
  result.status = plugin_->settle(raw, "wait_change", result.detail);
  return result;
}

}  // namespace eport::drivers

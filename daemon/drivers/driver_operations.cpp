// Driver methods that operate on an open token.
#include <algorithm>

#include "drivers/abi_convert.hpp"
#include "drivers/driver.hpp"
#include "drivers/plugin_instance.hpp"

namespace eport::drivers {

namespace {

constexpr std::size_t kInitialBytes = 4096;
constexpr std::size_t kMaxBytes = 64 * 1024;
constexpr std::size_t kInitialSlots = 32;
constexpr std::size_t kMaxSlots = 1024;

// Calls `fill(buffer, &length)`, and once more if the driver asks for a larger buffer within
// kMaxBytes; the value is the bytes the driver wrote.
template <class Fill>
Result<std::vector<std::uint8_t>> read_bytes(const PluginInstance& plugin, const char* operation, Fill fill) {
  Result<std::vector<std::uint8_t>> result;
  std::vector<std::uint8_t> buffer(kInitialBytes);
  std::size_t length = buffer.size();
  std::int32_t raw = plugin.call([&] { return fill(buffer.data(), &length); });
  if (raw == EPORT_ERR_BUFFER_TOO_SMALL && length > buffer.size() && length <= kMaxBytes) {
    buffer.assign(length, 0);
    raw = plugin.call([&] { return fill(buffer.data(), &length); });
  }
  result.status = plugin.settle(raw, operation, result.detail);
  if (result.status == Status::BufferTooSmall) {
    result.detail = "driver \"" + plugin.name() + "\", " + operation + ": the object (" +
                    std::to_string(length) + " bytes) is larger than the host's limit of " +
                    std::to_string(kMaxBytes) + " bytes";
  } else if (result.ok() && length > buffer.size()) {
    result.status = Status::Internal;
    result.detail = "driver \"" + plugin.name() + "\", " + operation +
                    ": reported more bytes than the buffer holds (a bug in the plug-in)";
  } else if (result.ok()) {
    buffer.resize(length);
    result.value = std::move(buffer);
  }
  return result;
}

template <class T>
Result<T> refused(Status status, std::string detail) {
  Result<T> result;
  result.status = status;
  result.detail = std::move(detail);
  return result;
}

}  // namespace

Result<TokenIdentity> Driver::identify(TokenHandle& token, CardChannel& channel) {
  Result<TokenIdentity> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_IDENTIFY, "identify")) return result;
  eport_channel storage{&channel};
  eport_token_info info = blank_token_info();
  const auto& ops = plugin_->ops();
  const std::int32_t raw =
      plugin_->call([&] { return ops.identify(token_of(token), channel_arg(storage), &info); });
  result.status = plugin_->settle(raw, "identify", result.detail);
  if (result.ok()) result.value = to_identity(info);
  return result;
}

Result<PinInfo> Driver::pin_status(TokenHandle& token, CardChannel& channel, PinKind which) {
  Result<PinInfo> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_PIN_STATUS, "pin_status")) return result;
  eport_channel storage{&channel};
  eport_pin_info info = blank_pin_info();
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] {
    return ops.pin_status(token_of(token), channel_arg(storage), static_cast<std::uint32_t>(which), &info);
  });
  result.status = plugin_->settle(raw, "pin_status", result.detail);
  result.value = to_pin_info(info);
  return result;
}

Result<PinInfo> Driver::pin_reset(TokenHandle& token, CardChannel& channel, std::string_view puk,
                                  std::string_view new_pin) {
  Result<PinInfo> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_PIN_RESET, "pin_reset")) return result;
  eport_channel storage{&channel};
  eport_pin_info info = blank_pin_info();
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] {
    return ops.pin_reset(token_of(token), channel_arg(storage), puk.data(), puk.size(), new_pin.data(),
                         new_pin.size(), &info);
  });
  result.status = plugin_->settle(raw, "pin_reset", result.detail);
  result.value = to_pin_info(info);
  return result;
}

Result<PinInfo> Driver::pin_change(TokenHandle& token, CardChannel& channel, PinKind which,
                                   std::string_view old_pin, std::string_view new_pin) {
  Result<PinInfo> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_PIN_CHANGE, "pin_change")) return result;
  eport_channel storage{&channel};
  eport_pin_info info = blank_pin_info();
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] {
    return ops.pin_change(token_of(token), channel_arg(storage), static_cast<std::uint32_t>(which),
                          old_pin.data(), old_pin.size(), new_pin.data(), new_pin.size(), &info);
  });
  result.status = plugin_->settle(raw, "pin_change", result.detail);
  result.value = to_pin_info(info);
  return result;
}

Result<PinInfo> Driver::pin_verify(TokenHandle& token, CardChannel& channel, PinKind which,
                                   std::string_view pin) {
  Result<PinInfo> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_PIN_VERIFY, "pin_verify")) return result;
  eport_channel storage{&channel};
  eport_pin_info info = blank_pin_info();
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] {
    return ops.pin_verify(token_of(token), channel_arg(storage), static_cast<std::uint32_t>(which),
                          pin.data(), pin.size(), &info);
  });
  result.status = plugin_->settle(raw, "pin_verify", result.detail);
  result.value = to_pin_info(info);
  return result;
}

Result<std::vector<SlotInfo>> Driver::cert_list(TokenHandle& token, CardChannel& channel) {
  Result<std::vector<SlotInfo>> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_CERT_LIST, "cert_list")) return result;
  eport_channel storage{&channel};
  const auto& ops = plugin_->ops();
  std::vector<eport_slot_info> slots(kInitialSlots, blank_slot_info());
  std::size_t count = slots.size();
  const auto list = [&] {
    return ops.cert_list(token_of(token), channel_arg(storage), slots.data(), &count);
  };
  std::int32_t raw = plugin_->call(list);
  if (raw == EPORT_ERR_BUFFER_TOO_SMALL && count > slots.size() && count <= kMaxSlots) {
    slots.assign(count, blank_slot_info());
    raw = plugin_->call(list);
  }
  result.status = plugin_->settle(raw, "cert_list", result.detail);
  if (result.ok() && count > slots.size())
    return refused<std::vector<SlotInfo>>(
        Status::Internal, "driver \"" + info_.name + "\" reported more slots than the buffer holds");
  if (!result.ok()) return result;
  for (std::size_t i = 0; i < count; ++i) result.value.push_back(to_slot_info(slots[i]));
  return result;
}

Result<std::vector<std::uint8_t>> Driver::cert_read(TokenHandle& token, CardChannel& channel,
                                                    const std::string& slot) {
  Result<std::vector<std::uint8_t>> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_CERT_READ, "cert_read")) return result;
  eport_channel storage{&channel};
  const auto& ops = plugin_->ops();
  return read_bytes(*plugin_, "cert_read", [&](std::uint8_t* buffer, std::size_t* length) {
    return ops.cert_read(token_of(token), channel_arg(storage), slot.c_str(), buffer, length);
  });
}

Outcome Driver::cert_write(TokenHandle& token, CardChannel& channel, const std::string& slot,
                           const std::vector<std::uint8_t>& der,
                           const std::vector<std::uint8_t>& management_key) {
  Outcome result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_CERT_WRITE, "cert_write")) return result;
  eport_channel storage{&channel};
  const auto& ops = plugin_->ops();
  const std::int32_t raw = plugin_->call([&] {
    return ops.cert_write(token_of(token), channel_arg(storage), slot.c_str(), der.data(), der.size(),
                          management_key.empty() ? nullptr : management_key.data(), management_key.size());
  });
  result.status = plugin_->settle(raw, "cert_write", result.detail);
  return result;
}

Result<std::vector<std::uint8_t>> Driver::slot_public_key(TokenHandle& token, CardChannel& channel,
                                                          const std::string& slot) {
  Result<std::vector<std::uint8_t>> result;
  if (!usable(result.status, result.detail, token, EPORT_CAP_SLOT_PUBLIC_KEY, "slot_public_key"))
    return result;
  eport_channel storage{&channel};
  const auto& ops = plugin_->ops();
  return read_bytes(*plugin_, "slot_public_key", [&](std::uint8_t* buffer, std::size_t* length) {
    return ops.slot_public_key(token_of(token), channel_arg(storage), slot.c_str(), buffer, length);
  });
}

}  // namespace eport::drivers

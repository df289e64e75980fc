#include "api_support.hpp"

namespace eport::softskf {

// The SKF C API has no context argument: handles and the event waiter must live somewhere the
// exported functions can reach, so the library keeps exactly one of each per process.
Handles& handles() {
  static Handles table;
  return table;
}

DeviceEvents& events() {
  static DeviceEvents source;
  return source;
}

std::optional<std::string> c_string(const char* text, std::size_t max) {
  if (text == nullptr) return std::nullopt;
  const std::size_t len = strnlen(text, max + 1);
  if (len > max) return std::nullopt;
  return std::string(text, len);
}

ULONG put_name_list(const std::vector<std::string>& names, LPSTR out, ULONG* size) {
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  std::string list;
  for (const auto& name : names) {
    list += name;
    list += '\0';
  }
  list += '\0';
  if (names.empty()) list += '\0';  // an empty list is still two NULs
  const ULONG needed = static_cast<ULONG>(list.size());
  if (out == nullptr) {
    *size = needed;
    return SAR_OK;
  }
  if (*size < needed) {
    *size = needed;
    return SAR_BUFFER_TOO_SMALL;
  }
  std::memcpy(out, list.data(), list.size());
  *size = needed;
  return SAR_OK;
}

ULONG put_bytes(const Bytes& data, BYTE* out, ULONG* size) {
  if (size == nullptr) return SAR_INVALIDPARAMERR;
  const ULONG needed = static_cast<ULONG>(data.size());
  if (out == nullptr) {
    *size = needed;
    return SAR_OK;
  }
  if (*size < needed) {
    *size = needed;
    return SAR_BUFFER_TOO_SMALL;
  }
  std::memcpy(out, data.data(), data.size());
  *size = needed;
  return SAR_OK;
}

Application* find_application(DeviceState& state, const std::string& name) {
  for (auto& app : state.applications)
    if (app.name == name) return &app;
  return nullptr;
}

Container* find_container(Application& app, const std::string& name) {
  for (auto& container : app.containers)
    if (container.name == name) return &container;
  return nullptr;
}

}  // namespace eport::softskf

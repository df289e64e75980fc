#include "usb/usb_device.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "usb/device_table.hpp"

namespace eport::usb {

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::ccid_reader: return "ccid_reader";
    case Kind::token: return "token";
    case Kind::other: break;
  }
  return "other";
}

Kind classify(const Descriptors& descriptors, const DeviceTable& table) {
  const auto& classes = descriptors.interface_classes;
  if (descriptors.device_class == kCcidClass ||
      std::find(classes.begin(), classes.end(), kCcidClass) != classes.end())
    return Kind::ccid_reader;
  if (table.find(descriptors.vid, descriptors.pid) != nullptr) return Kind::token;
  return Kind::other;
}

Kind classify(const Descriptors& descriptors) { return classify(descriptors, DeviceTable::built_in()); }

std::string hex4(std::uint16_t value) {
  char text[8];
  std::snprintf(text, sizeof text, "%04x", static_cast<unsigned>(value));
  return text;
}

namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool starts_with_ignoring_case(const std::string& text, const std::string& prefix) {
  if (prefix.size() > text.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

std::string display_name(std::uint16_t vid, std::uint16_t pid, const std::string& manufacturer,
                         const std::string& product, const DeviceTable& table) {
  const std::string maker = trimmed(manufacturer), model = trimmed(product);
  if (!model.empty()) {
    if (maker.empty() || starts_with_ignoring_case(model, maker)) return model;
    return maker + " " + model;
  }
  if (const auto* known = table.find(vid, pid)) return known->name;
  return maker.empty() ? "unknown" : maker;
}

std::string display_name(std::uint16_t vid, std::uint16_t pid, const std::string& manufacturer,
                         const std::string& product) {
  return display_name(vid, pid, manufacturer, product, DeviceTable::built_in());
}

nlohmann::json event_params(const UsbDevice& device) {
  return {{"vid", hex4(device.vid)},
          {"pid", hex4(device.pid)},
          {"name", device.name},
          {"bus", device.bus},
          {"address", device.address}};
}

}  // namespace eport::usb

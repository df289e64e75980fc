#include "usb/usb_report.hpp"

#include <algorithm>
#include <cctype>

namespace eport::usb {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Words that identify the device in a PC/SC reader name: its own name (pcsc-lite's CCID driver
// builds reader names from the USB strings) and the table's hint (e.g. "omnikey").
std::vector<std::string> match_words(const UsbDevice& device, const DeviceTable& table) {
  std::vector<std::string> words;
  if (!device.name.empty() && device.name != "unknown") words.push_back(lower(device.name));
  if (const auto* known = table.find(device.vid, device.pid); known && !known->reader_hint.empty())
    words.push_back(lower(known->reader_hint));
  return words;
}

}  // namespace

std::optional<bool> reader_seen(const UsbDevice& device, const std::vector<std::string>* names) {
  return reader_seen(device, names, DeviceTable::built_in());
}

std::optional<bool> reader_seen(const UsbDevice& device, const std::vector<std::string>* names,
                                const DeviceTable& table) {
  if (names == nullptr) return std::nullopt;
  const auto words = match_words(device, table);
  if (words.empty()) return std::nullopt;
  for (const auto& reader : *names) {
    const std::string candidate = lower(reader);
    for (const auto& word : words)
      if (candidate.find(word) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> reader_names(const nlohmann::json& readers) {
  std::vector<std::string> names;
  if (!readers.is_array()) return names;
  for (const auto& reader : readers) {
    if (reader.is_string()) names.push_back(reader.get<std::string>());
    else if (reader.is_object() && reader.contains("name") && reader["name"].is_string())
      names.push_back(reader["name"].get<std::string>());
  }
  return names;
}

nlohmann::json usb_report(bool enabled, const UsbStatus& status, const nlohmann::json& readers) {
  nlohmann::json report{{"enabled", enabled}, {"hotplug", enabled && status.hotplug}};
  const DeviceTable& table = DeviceTable::built_in();
  if (enabled && !status.detail.empty()) report["detail"] = status.detail;
  const std::vector<std::string> names = reader_names(readers);
  const std::vector<std::string>* known_names = readers.is_array() ? &names : nullptr;
  nlohmann::json devices = nlohmann::json::array(), orphans = nlohmann::json::array();
  for (const auto& device : enabled ? status.devices : std::vector<UsbDevice>{}) {
    auto entry = event_params(device);
    entry["kind"] = kind_name(device.kind);
    const auto seen = reader_seen(device, known_names, table);
    entry["reader_seen"] = seen ? nlohmann::json(*seen) : nlohmann::json();
    if (seen && !*seen) orphans.push_back(entry);
    devices.push_back(std::move(entry));
  }
  report["devices"] = std::move(devices);
  // eportctl doctor lists these as "USB tokens without a reader or driver".
  report["without_reader"] = std::move(orphans);
  return report;
}

nlohmann::json usb_report(bool enabled, const UsbStatus& status, const nlohmann::json& readers,
                          const DeviceTable& table, const ServingFacts& facts) {
  nlohmann::json report{
      {"enabled", enabled}, {"hotplug", enabled && status.hotplug}, {"device_table", table.origin()}};
  if (enabled && !status.detail.empty()) report["detail"] = status.detail;
  const std::vector<std::string> names = reader_names(readers);
  const std::vector<std::string>* known_names = readers.is_array() ? &names : nullptr;
  nlohmann::json devices = nlohmann::json::array(), orphans = nlohmann::json::array(),
                 problems = nlohmann::json::array();
  for (const auto& device : enabled ? status.devices : std::vector<UsbDevice>{}) {
    auto entry = event_params(device);
    entry["kind"] = kind_name(device.kind);
    const auto seen = reader_seen(device, known_names, table);
    entry["reader_seen"] = seen ? nlohmann::json(*seen) : nlohmann::json();
    const TableEntry* row = table.find(device.vid, device.pid);
    const Diagnosis diagnosis = diagnose(device, row, seen, facts);
    entry["serves"] =
        row != nullptr ? serves_name(row->serves) : (device.kind == Kind::ccid_reader ? "ccid" : "unknown");
    entry["state"] = diagnosis.state;
    entry["detail"] = diagnosis.detail;
    entry["library"] = diagnosis.library.empty() ? nlohmann::json() : nlohmann::json(diagnosis.library);
    if (seen && !*seen) orphans.push_back(entry);
    if (diagnosis.state == "needs_driver" || diagnosis.state == "no_permission" ||
        diagnosis.state == "no_reader")
      problems.push_back(device.name + " [" + hex4(device.vid) + ":" + hex4(device.pid) +
                         "]: " + diagnosis.detail);
    devices.push_back(std::move(entry));
  }
  report["devices"] = std::move(devices);
  report["without_reader"] = std::move(orphans);
  report["problems"] = std::move(problems);
  return report;
}

}  // namespace eport::usb

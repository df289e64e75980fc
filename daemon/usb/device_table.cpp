#include "usb/device_table.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

namespace eport::usb {

namespace {

std::uint16_t hex16(const std::string& text, bool& ok) {
  ok = text.size() == 4 && text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  return ok ? static_cast<std::uint16_t>(std::stoul(text, nullptr, 16)) : 0;
}

[[noreturn]] void fail(const std::string& origin, const YAML::Node& node, const std::string& what) {
  throw std::runtime_error(origin + " line " + std::to_string(node.Mark().line + 1) + ": " + what);
}

Serves serves_from(const std::string& origin, const YAML::Node& node) {
  const std::string text = node.as<std::string>();
  if (text == "ccid") return Serves::ccid;
  if (text == "skf") return Serves::skf;
  if (text == "pkcs11") return Serves::pkcs11;
  if (text == "unknown") return Serves::unknown;
  fail(origin, node, "serves must be ccid, skf, pkcs11 or unknown, not '" + text + "'");
}

TableEntry entry_from(const std::string& origin, const YAML::Node& row) {
  if (!row.IsMap()) fail(origin, row, "each device is a map {usb, name, serves, ...}");
  for (const auto& key : row) {
    const std::string name = key.first.as<std::string>();
    if (name != "usb" && name != "name" && name != "serves" && name != "reader_hint" && name != "library")
      fail(origin, key.first, "unknown key '" + name + "' (usb, name, serves, reader_hint, library)");
  }
  TableEntry entry;
  if (!row["usb"] || !row["name"]) fail(origin, row, "every device needs usb (\"VID:PID\") and name");
  const std::string id = row["usb"].as<std::string>();
  const auto colon = id.find(':');
  bool vid_ok = false, pid_ok = true;
  entry.vid = hex16(id.substr(0, colon), vid_ok);
  const std::string pid = colon == std::string::npos ? "" : id.substr(colon + 1);
  if (pid == "*") entry.pid = 0;
  else entry.pid = hex16(pid, pid_ok);
  if (colon == std::string::npos || !vid_ok || !pid_ok)
    fail(origin, row["usb"], "usb must be \"VID:PID\" in hex, e.g. \"096e:0807\" (\"096e:*\" = the vendor)");
  entry.name = row["name"].as<std::string>();
  if (row["serves"]) entry.serves = serves_from(origin, row["serves"]);
  if (row["reader_hint"]) entry.reader_hint = row["reader_hint"].as<std::string>();
  if (row["library"]) entry.library = row["library"].as<std::string>();
  if (!entry.library.empty() && entry.library.front() != '/')
    fail(origin, row["library"], "library must be an absolute path");
  return entry;
}

}  // namespace

const char* serves_name(Serves serves) {
  switch (serves) {
    case Serves::ccid: return "ccid";
    case Serves::skf: return "skf";
    case Serves::pkcs11: return "pkcs11";
    case Serves::unknown: break;
  }
  return "unknown";
}

const DeviceTable& DeviceTable::built_in() {
  static const DeviceTable table = [] {
    DeviceTable t;
    t.origin_ = "built-in";
    for (auto* k = known_devices_begin(); k != known_devices_end(); ++k)
      t.entries_.push_back({k->vid, k->pid, k->name, k->reader_hint, k->serves, ""});
    return t;
  }();
  return table;
}

DeviceTable DeviceTable::parse(const std::string& yaml_text, const std::string& origin) {
  DeviceTable table;
  table.origin_ = origin;
  try {
    const YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsMap() || !root["devices"] || !root["devices"].IsSequence())
      throw std::runtime_error(origin + ": expected a map with a list `devices:`");
    for (const auto& row : root["devices"]) table.entries_.push_back(entry_from(origin, row));
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(origin + " line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return table;
}

const TableEntry* DeviceTable::find(std::uint16_t vid, std::uint16_t pid) const {
  const TableEntry* vendor_wide = nullptr;
  for (const auto& entry : entries_) {
    if (entry.vid != vid) continue;
    if (entry.pid == pid && pid != 0) return &entry;
    if (entry.pid == 0 && vendor_wide == nullptr) vendor_wide = &entry;
  }
  return vendor_wide;
}

DeviceTable load_device_table(const std::string& path, std::string& warning) {
  warning.clear();
  std::ifstream in(path);
  if (!in) return DeviceTable::built_in();
  std::stringstream text;
  text << in.rdbuf();
  try {
    return DeviceTable::parse(text.str(), path);
  } catch (const std::runtime_error& e) {
    warning =
        std::string("the USB device table is not usable, the built-in list is used instead: ") + e.what();
    return DeviceTable::built_in();
  }
}

}  // namespace eport::usb

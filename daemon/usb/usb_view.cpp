#include "usb/usb_view.hpp"

namespace eport::usb {

DeviceTable load_table_for(const std::string& configured, std::vector<std::string>& warnings) {
  const std::string path = configured.empty() ? std::string(EPORT_USB_DEVICE_TABLE) : configured;
  std::string warning;
  DeviceTable table = load_device_table(path, warning);
  if (!warning.empty()) warnings.push_back(warning);
  else if (!configured.empty() && table.origin() == "built-in")
    warnings.push_back("usb.device_table " + configured +
                       " does not exist; the built-in USB device list is used");
  return table;
}

std::vector<std::pair<std::string, nlohmann::json>> driver_list(
    const std::vector<config::DriverSpec>& drivers) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  for (const auto& driver : drivers) out.emplace_back(driver.name, driver.options);
  return out;
}

std::vector<std::string> token_ids(const nlohmann::json& tokens) {
  std::vector<std::string> ids;
  if (!tokens.is_array()) return ids;
  for (const auto& token : tokens)
    if (token.is_object() && token.contains("id") && token["id"].is_string())
      ids.push_back(token["id"].get<std::string>());
  return ids;
}

}  // namespace eport::usb

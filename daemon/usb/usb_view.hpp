#pragma once
// Glue for main(): the device table eportd was configured with, and the facts diag.report's USB
// diagnosis needs, taken from the configuration and the tokens present.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "usb/device_table.hpp"

namespace eport::usb {

/// The table from `configured` (usb.device_table; "" = the installed usb-tokens.yaml). A file
/// that cannot be used adds a sentence to `warnings` and gives the built-in table.
DeviceTable load_table_for(const std::string& configured, std::vector<std::string>& warnings);

/// The configured drivers as {name, options}.
std::vector<std::pair<std::string, nlohmann::json>> driver_list(
    const std::vector<config::DriverSpec>& drivers);

/// The ids of a tokens.list-style array ([{id, ...}]).
std::vector<std::string> token_ids(const nlohmann::json& tokens);

}  // namespace eport::usb

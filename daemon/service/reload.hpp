// SIGHUP reload: load the config again and take over what can change while running.
#pragma once

#include "config/config.hpp"
#include "eport/common/expected.hpp"
#include "service/strict_modes.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eport::service {

/// What a reload would do: the config to run with from now on, and what it leaves alone.
struct ReloadPlan {
  /// The running config with the swappable parts taken from the new file: log_level,
  /// expiry_warn_days, limits, guidance, admin_groups, pin_default, warnings.
  config::Config next;
  /// One line per applied change, e.g. "log_level: info -> debug".
  std::vector<std::string> applied;
  /// One line per change that only a restart applies (socket, socket_mode, socket_group,
  /// state_dir, plugin_dir, drivers, pcsc, usb, metrics); these keep their running values.
  std::vector<std::string> needs_restart;
};

/// Pure: merge `loaded` into `running` as described on ReloadPlan.
ReloadPlan plan_reload(const config::Config& running, const config::Config& loaded);

/// The result of reload_config: a plan, or why the running config stays as it is (every
/// problem, ready to log).
using ReloadResult = Expected<ReloadPlan, std::string>;

/// Loads a config file; in eportd: `[](const auto& p) { return config::load_config(p); }`.
using ConfigLoader = std::function<config::Config(const std::filesystem::path&)>;

/// Re-reads `file` (StrictModes first, when `strict` is given) and plans the reload. Never
/// throws for a bad file: the error says what is wrong, and the old config keeps running.
ReloadResult reload_config(const config::Config& running, const std::filesystem::path& file,
                           const ConfigLoader& load, const std::optional<StrictModesPolicy>& strict);

}  // namespace eport::service

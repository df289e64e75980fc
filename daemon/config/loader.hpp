#pragma once
// Reads eportd.yaml into a validated Config. yaml-cpp is used only inside daemon/config/.

#include <string>

#include "config/config.hpp"
#include "config/config_error.hpp"

namespace eport::config {

/// Loads and validates the file at `path`. Relative paths inside it are taken relative to the
/// file's directory. Throws ConfigError listing every problem with file, line and key.
Config load_config(const std::string& path);

/// Same for YAML text; `name` is used as the file name in messages, `base_dir` resolves
/// relative paths.
Config parse_config(const std::string& text, const std::string& name, const std::string& base_dir = ".");

/// Adds warnings for things that are allowed but will not work as meant on this machine
/// (a socket group or admin group that does not exist, a socket anyone may use).
void add_system_warnings(Config& config);

}  // namespace eport::config

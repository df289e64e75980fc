// The plug-in directory rule: a driver name maps to exactly one file inside plugin_dir.
#pragma once

#include <filesystem>
#include <string>

namespace eport::drivers {

/// Empty when `name` is a valid driver name (letters, digits, '-', '_', '.'; no ".."), else
/// a sentence saying why it is refused and what to write instead.
std::string check_driver_name(const std::string& name);

/// The file name of a driver's plug-in: "eport-<name>.so".
std::string plugin_file_name(const std::string& name);

/// Where a plug-in is, or why it may not be loaded.
struct PluginPath {
  std::filesystem::path path;  ///< canonical path inside the plug-in directory (when ok)
  std::string error;           ///< why the plug-in may not be loaded; empty when ok
};

/// Find eport-<name>.so in `plugin_dir`. Refuses bad names, missing files, anything that is not
/// a regular file, symlinks that lead outside the (canonical) plug-in directory, and a
/// directory or file that everyone may write.
PluginPath resolve_plugin_path(const std::filesystem::path& plugin_dir, const std::string& name);

}  // namespace eport::drivers

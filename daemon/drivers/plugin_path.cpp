#include "drivers/plugin_path.hpp"

#include <algorithm>
#include <cctype>

namespace fs = std::filesystem;

namespace eport::drivers {

namespace {

bool allowed_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

// Anyone could swap a plug-in that others may write; eportd runs it as root.
bool writable_by_others(const fs::path& path) {
  std::error_code ec;
  const fs::perms perms = fs::status(path, ec).permissions();
  return !ec && (perms & fs::perms::others_write) != fs::perms::none;
}

// True when `inner` equals `outer` or lies below it (both canonical).
bool is_inside(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (i == inner.end() || *o != *i) return false;
  }
  return true;
}

}  // namespace

std::string check_driver_name(const std::string& name) {
  const std::string hint = "; use the plain driver name, e.g. \"piv\" for eport-piv.so";
  if (name.empty()) return "the driver name is empty" + hint;
  if (name.find('/') != std::string::npos)
    return "driver name \"" + name + "\" contains '/': plug-ins load only from plugin_dir" + hint;
  if (name.find("..") != std::string::npos)
    return "driver name \"" + name + "\" contains \"..\": plug-ins load only from plugin_dir" + hint;
  if (!std::all_of(name.begin(), name.end(), allowed_name_char))
    return "driver name \"" + name + "\" may contain only letters, digits, '-', '_' and '.'" + hint;
  return {};
}

std::string plugin_file_name(const std::string& name) { return "eport-" + name + ".so"; }

PluginPath resolve_plugin_path(const fs::path& plugin_dir, const std::string& name) {
  PluginPath out;
  out.error = check_driver_name(name);
  if (!out.error.empty()) return out;

  std::error_code ec;
  const fs::path dir = fs::canonical(plugin_dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    out.error = "plug-in directory " + plugin_dir.string() +
                " does not exist or is not a directory; set plugin_dir in the configuration";
    return out;
  }
  if (writable_by_others(dir)) {
    out.error = "refusing plug-ins from " + dir.string() +
                ": the directory is writable by everyone; run chmod o-w on it";
    return out;
  }
  const fs::path candidate = dir / plugin_file_name(name);
  if (!fs::exists(fs::symlink_status(candidate, ec))) {
    out.error = candidate.string() + " not found; install the plug-in there or remove driver \"" + name +
                "\" from the configuration";
    return out;
  }
  const fs::path real = fs::canonical(candidate, ec);
  if (ec) {
    out.error = candidate.string() + " is a dangling link (" + ec.message() + "); reinstall the plug-in";
    return out;
  }
  if (!is_inside(dir, real)) {
    out.error = "refusing " + candidate.string() + ": it points to " + real.string() +
                ", outside the plug-in directory " + dir.string() +
                "; copy the plug-in into the plug-in directory instead of linking to it";
    return out;
  }
  if (!fs::is_regular_file(real, ec)) {
    out.error = candidate.string() + " is not a regular file; install the plug-in file there";
    return out;
  }
  if (writable_by_others(real)) {
    out.error = "refusing " + real.string() + ": it is writable by everyone; run chmod o-w on it";
    return out;
  }
  out.path = real;
  return out;
}

}  // namespace eport::drivers

// Checks of the configuration against this machine. Problems here are warnings, not errors:
// a package may create the groups after the config was written.
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <vector>

#include "config/loader.hpp"

namespace eport::config {

namespace {
bool group_exists(const std::string& name) {
  group entry{};
  group* found = nullptr;
  std::vector<char> buffer(16384);
  return getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 && found;
}
}  // namespace

void add_system_warnings(Config& config) {
  if (!config.socket_group.empty() && !group_exists(config.socket_group)) {
    config.warnings.push_back("socket_group '" + config.socket_group +
                              "' does not exist on this machine: the socket keeps eportd's own "
                              "group. Create the group (e.g. `groupadd --system " +
                              config.socket_group + "`) or change socket_group.");
  }
  for (const auto& name : config.admin_groups) {
    if (!group_exists(name)) {
      config.warnings.push_back("admin group '" + name +
                                "' (access.admin_groups) does not exist on this machine: only "
                                "root can use privileged methods until it is created.");
    }
  }
  if (config.socket_mode & 0006) {
    config.warnings.push_back("socket_mode " + format_mode(config.socket_mode) +
                              " lets every local user connect; use \"0660\" with socket_group to "
                              "limit who may talk to eportd.");
  }
  if (!config.metrics.textfile.empty()) {
    const auto slash = config.metrics.textfile.rfind('/');
    const std::string dir = slash == std::string::npos ? "."
                            : slash == 0               ? "/"
                                                       : config.metrics.textfile.substr(0, slash);
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      config.warnings.push_back("metrics.textfile: eportd cannot write in " + dir + " (" +
                                std::strerror(errno) +
                                "), so node_exporter gets no eportd metrics; create the directory and "
                                "let eportd's user write there (docs/monitoring.md).");
  }
}

}  // namespace eport::config

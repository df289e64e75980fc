// StrictModes (as in sshd): refuse a config or plug-in that someone else could have changed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace eport::service {

/// What a path is to eportd, which decides how strictly it is judged.
enum class PathRole {
  file,       ///< the config file or a plug-in: only root or eportd may own it, nobody else write it
  directory,  ///< the plug-in directory: the same rule (anyone who may write it may add a plug-in)
  ancestor,   ///< a directory above one of those: as strict, except root-owned sticky dirs (/tmp)
};

/// The stat(2) facts StrictModes needs about one path.
struct PathFacts {
  std::filesystem::path path;
  PathRole role = PathRole::file;
  uid_t owner = 0;
  mode_t mode = 0;  ///< st_mode (permission and sticky bits are what matter)
};

/// Who may own the checked paths besides root.
struct StrictModesPolicy {
  uid_t daemon_uid = 0;  ///< the user eportd runs as (geteuid())
};

/// Pure: why this path makes eportd refuse to start ("<path> is writable by others (mode 0666);
/// fix: chmod go-w <path>"), or empty when it is fine.
std::optional<std::string> strict_mode_problem(const PathFacts& facts, const StrictModesPolicy& policy);

/// Thrown by enforce_strict_modes; what() lists every problem, one per line.
class StrictModesError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Stats the config file, the plug-in directory, every "*.so" inside it and all their parent
/// directories up to "/", and returns every problem found. Paths that do not exist are skipped
/// (the config loader and plug-in loader report those in their own words).
std::vector<std::string> check_strict_modes(const std::filesystem::path& config_file,
                                            const std::filesystem::path& plugin_dir,
                                            const StrictModesPolicy& policy);

/// The policy for this process: geteuid().
StrictModesPolicy current_strict_modes_policy();

/// check_strict_modes for this process; throws StrictModesError when anything is wrong.
void enforce_strict_modes(const std::filesystem::path& config_file, const std::filesystem::path& plugin_dir);

}  // namespace eport::service

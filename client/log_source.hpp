#pragma once
// The last lines eportd logged, wherever they went (doctor --bundle): the file its stderr goes
// to, the journal, or syslog's files — and, when none can be read, why not.

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eport::client {

/// What could be found.
struct LogExcerpt {
  bool found = false;  ///< some lines were read
  std::string source;  ///< where they came from, e.g. "file /var/log/x" or "journal (journalctl -t eportd)"
  std::string text;    ///< the lines, each ending in '\n'
  std::vector<std::string> tried;  ///< every place tried that gave nothing, and why
};

/// The last `lines` lines of a file (all of them when it is shorter); throws std::runtime_error
/// when it cannot be read. Reads from the end, so a big log costs little.
std::string tail_file(const std::string& path, std::size_t lines);

/// Finds eportd's last `lines` log lines. `log_section` is diag.report's `log` ({target, file,
/// identifier}; null for an eportd that does not tell): a file is read first, then the journal
/// (`journalctl -t eportd`), then /var/log/syslog and /var/log/daemon.log.
LogExcerpt last_log_lines(const nlohmann::json& log_section, std::size_t lines);

}  // namespace eport::client

#pragma once
// Errors found while loading a configuration file: each names the file, the line and the key.

#include <stdexcept>
#include <string>
#include <vector>

namespace eport::config {

/// One problem in a configuration file.
struct ConfigIssue {
  std::string file;     ///< path of the file
  int line = 0;         ///< 1-based line, 0 when unknown
  std::string key;      ///< dotted key, e.g. "limits.max_clients" ("" for the whole file)
  std::string message;  ///< what is wrong and what to do

  /// "FILE:LINE: key 'KEY': MESSAGE", the form editors and humans both understand.
  std::string to_string() const;
};

/// Thrown by load_config() when the file cannot be used; carries every issue found.
class ConfigError : public std::runtime_error {
 public:
  /// Builds the error from at least one issue.
  explicit ConfigError(std::vector<ConfigIssue> issues);
  /// All issues, in file order.
  const std::vector<ConfigIssue>& issues() const { return issues_; }

 private:
  std::vector<ConfigIssue> issues_;
};

}  // namespace eport::config

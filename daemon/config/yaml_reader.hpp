#pragma once
// Typed, validating access to a yaml-cpp tree. Every problem becomes a ConfigIssue with the file,
// line and dotted key; readers return std::nullopt after recording it so that loading continues
// and the user sees every mistake at once.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "config/config_error.hpp"

namespace eport::config {

/// A value in a map together with its dotted key and the line of the key.
struct Field {
  std::string key;   ///< dotted key, e.g. "limits.max_clients"
  int line = 0;      ///< 1-based line of the key
  YAML::Node value;  ///< the value node
};

/// Collects issues while walking one file.
class YamlReader {
 public:
  /// `file` is used in every message.
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  /// Records a problem at `line` for `key`.
  void fail(int line, const std::string& key, std::string message);

  /// The entries of a map whose keys must be among `allowed`; unknown keys get a did-you-mean,
  /// duplicates an error. Returns std::nullopt (after recording) when `where` is not a map.
  std::optional<std::map<std::string, Field>> map_fields(const Field& where,
                                                         const std::vector<std::string>& allowed);

  /// A scalar as text.
  std::optional<std::string> string(const Field& field);
  /// true/false (also yes/no/on/off).
  std::optional<bool> boolean(const Field& field);
  /// An integer within [min, max].
  std::optional<std::int64_t> integer(const Field& field, std::int64_t min, std::int64_t max);
  /// A list of scalars as text.
  std::optional<std::vector<std::string>> string_list(const Field& field);
  /// The elements of a sequence as Fields named key[i].
  std::optional<std::vector<Field>> sequence(const Field& field);
  /// Any YAML value as JSON (maps, lists, and scalars typed as YAML 1.2 core would type them).
  /// JSON keys are text, so a map key that is itself a map or a list is recorded as an issue
  /// (naming its key path) and std::nullopt returned.
  std::optional<nlohmann::json> to_json(const Field& field);

  /// Every issue so far.
  const std::vector<ConfigIssue>& issues() const { return issues_; }
  /// The file name given at construction.
  const std::string& file() const { return file_; }

  /// Every full key the schema knows, for did-you-mean across levels (set by the loader).
  void set_known_keys(std::vector<std::string> keys) { known_keys_ = std::move(keys); }

 private:
  std::string suggestion(const std::string& prefix, const std::string& name,
                         const std::vector<std::string>& allowed) const;

  std::string file_;
  std::vector<ConfigIssue> issues_;
  std::vector<std::string> known_keys_;
};

/// 1-based line of a node, 0 when yaml-cpp does not know it.
int line_of(const YAML::Node& node);

}  // namespace eport::config

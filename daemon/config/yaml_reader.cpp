#include "config/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <regex>

#include "config/suggest.hpp"

namespace eport::config {

int line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

void YamlReader::fail(int line, const std::string& key, std::string message) {
  issues_.push_back(ConfigIssue{file_, line, key, std::move(message)});
}

namespace {
std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "nothing";
  }
}

std::string dotted(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}
}  // namespace

std::string YamlReader::suggestion(const std::string& prefix, const std::string& name,
                                   const std::vector<std::string>& allowed) const {
  if (auto near = closest_match(name, allowed)) return dotted(prefix, *near);
  // A key put at the wrong level: compare with the last part of every known key.
  for (const auto& full : known_keys_) {
    const auto dot = full.rfind('.');
    const std::string leaf = dot == std::string::npos ? full : full.substr(dot + 1);
    if (full != dotted(prefix, name) && leaf == name) return full;
  }
  return {};
}

std::optional<std::map<std::string, Field>> YamlReader::map_fields(const Field& where,
                                                                   const std::vector<std::string>& allowed) {
  if (!where.value.IsMap()) {
    fail(where.line, where.key, "expected a map of keys, found " + kind_of(where.value));
    return std::nullopt;
  }
  const std::string prefix = where.key;
  std::map<std::string, Field> fields;
  for (const auto& entry : where.value) {
    const int line = line_of(entry.first);
    if (!entry.first.IsScalar()) {
      fail(line, prefix, "a key must be a plain word");
      continue;
    }
    const std::string name = entry.first.Scalar();
    const std::string key = dotted(prefix, name);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = "unknown key";
      const std::string near = suggestion(prefix, name, allowed);
      if (!near.empty()) message += "; did you mean '" + near + "'?";
      else
        message += "; known keys here: " + [&] {
          std::string list;
          for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
          return list;
        }();
      fail(line, key, message);
      continue;
    }
    if (fields.count(name)) {
      fail(line, key, "appears twice (first on line " + std::to_string(fields[name].line) + "); keep one");
      continue;
    }
    fields[name] = Field{key, line, entry.second};
  }
  return fields;
}

std::optional<std::string> YamlReader::string(const Field& field) {
  if (!field.value.IsScalar()) {
    fail(field.line, field.key, "expected a text value, found " + kind_of(field.value));
    return std::nullopt;
  }
  return field.value.Scalar();
}

std::optional<bool> YamlReader::boolean(const Field& field) {
  bool value = false;
  if (!field.value.IsScalar() || !YAML::convert<bool>::decode(field.value, value)) {
    fail(field.line, field.key, "expected true or false, found " + kind_of(field.value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlReader::integer(const Field& field, std::int64_t min, std::int64_t max) {
  const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
  static const std::regex decimal("[+-]?[0-9]+");
  if (!field.value.IsScalar() || !std::regex_match(field.value.Scalar(), decimal)) {
    fail(field.line, field.key, "expected a whole number" + range + ", found " + kind_of(field.value));
    return std::nullopt;
  }
  errno = 0;
  const long long value = std::strtoll(field.value.Scalar().c_str(), nullptr, 10);
  if (errno == ERANGE || value < min || value > max) {
    fail(field.line, field.key, "value " + field.value.Scalar() + " is out of range; use a number" + range);
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<Field>> YamlReader::sequence(const Field& field) {
  if (!field.value.IsSequence()) {
    fail(field.line, field.key, "expected a list, found " + kind_of(field.value));
    return std::nullopt;
  }
  std::vector<Field> items;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    const int line = line_of(item);
    items.push_back(
        Field{field.key + "[" + std::to_string(index++) + "]", line > 0 ? line : field.line, item});
  }
  return items;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const Field& field) {
  auto items = sequence(field);
  if (!items) return std::nullopt;
  std::vector<std::string> values;
  bool ok = true;
  for (const auto& item : *items) {
    auto text = string(item);
    if (text) values.push_back(*text);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return values;
}

std::optional<nlohmann::json> YamlReader::to_json(const Field& field) {
  const YAML::Node& node = field.value;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      auto object = nlohmann::json::object();
      bool ok = true;
      for (const auto& entry : node) {
        const int line = line_of(entry.first) > 0 ? line_of(entry.first) : field.line;
        // A flow map such as `{{a: 1}: 2}` has a map as a key; JSON has only text keys (found
        // by tests/fuzz/fuzz_config.cpp: yaml-cpp threw a bad conversion out of the loader).
        if (!entry.first.IsScalar()) {
          fail(line, field.key,
               "has a key that is " + kind_of(entry.first) + "; option names must be plain text");
          ok = false;
          continue;
        }
        const std::string& name = entry.first.Scalar();
        auto value = to_json(Field{field.key + "." + name, line, entry.second});
        if (value) object[name] = std::move(*value);
        else ok = false;
      }
      if (!ok) return std::nullopt;
      return object;
    }
    case YAML::NodeType::Sequence: {
      auto array = nlohmann::json::array();
      std::size_t index = 0;
      for (const auto& item : node) {
        const int line = line_of(item) > 0 ? line_of(item) : field.line;
        auto value = to_json(Field{field.key + "[" + std::to_string(index++) + "]", line, item});
        if (!value) return std::nullopt;
        array.push_back(std::move(*value));
      }
      return array;
    }
    case YAML::NodeType::Scalar: {
      // Quoted scalars stay text; plain ones become numbers or booleans when they look like one.
      if (node.Tag() == "!") return node.Scalar();
      static const std::regex integer_re("[-+]?[0-9]+");
      static const std::regex float_re("[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
      const std::string& text = node.Scalar();
      if (std::regex_match(text, integer_re)) {
        errno = 0;
        const long long value = std::strtoll(text.c_str(), nullptr, 10);
        if (errno != ERANGE) return value;
      }
      if (std::regex_match(text, float_re)) return std::strtod(text.c_str(), nullptr);
      if (text == "true" || text == "True" || text == "TRUE") return true;
      if (text == "false" || text == "False" || text == "FALSE") return false;
      if (text == "null" || text == "~") return nullptr;
      return text;
    }
    default: return nullptr;
  }
}

}  // namespace eport::config

#include "ipc/params.hpp"

namespace eport::ipc {

namespace {
const nlohmann::json* lookup(const nlohmann::json& params, const std::string& name) {
  if (!params.is_object()) return nullptr;
  const auto it = params.find(name);
  if (it == params.end() || it->is_null()) return nullptr;
  return &*it;
}
}  // namespace

std::optional<std::string> optional_string(const nlohmann::json& params, const std::string& name) {
  const auto* value = lookup(params, name);
  if (!value) return std::nullopt;
  if (!value->is_string()) throw InvalidParams("param '" + name + "' must be a string");
  return value->get<std::string>();
}

std::string required_string(const nlohmann::json& params, const std::string& name) {
  auto value = optional_string(params, name);
  if (!value) throw InvalidParams("param '" + name + "' is required");
  return *value;
}

std::int64_t integer_value(const nlohmann::json& value, const std::string& name, std::int64_t min,
                           std::int64_t max) {
  const auto refuse = [&] {
    return InvalidParams("param '" + name + "' must be a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max));
  };
  // Unsigned values above INT64_MAX are beyond every range a param can have.
  if (!value.is_number_integer() ||
      (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(INT64_MAX)))
    throw refuse();
  const auto number = value.get<std::int64_t>();
  if (number < min || number > max) throw refuse();
  return number;
}

std::optional<std::int64_t> optional_integer(const nlohmann::json& params, const std::string& name,
                                             std::int64_t min, std::int64_t max) {
  const auto* value = lookup(params, name);
  if (!value) return std::nullopt;
  return integer_value(*value, name, min, max);
}

std::optional<bool> optional_bool(const nlohmann::json& params, const std::string& name) {
  const auto* value = lookup(params, name);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) throw InvalidParams("param '" + name + "' must be true or false");
  return value->get<bool>();
}

std::optional<std::vector<std::string>> optional_string_list(const nlohmann::json& params,
                                                             const std::string& name) {
  const auto* value = lookup(params, name);
  if (!value) return std::nullopt;
  if (!value->is_array()) throw InvalidParams("param '" + name + "' must be a list of strings");
  std::vector<std::string> items;
  for (const auto& item : *value) {
    if (!item.is_string()) throw InvalidParams("param '" + name + "' must be a list of strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

}  // namespace eport::ipc

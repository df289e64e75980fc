#pragma once
// Reading typed params for handlers; a wrong or missing param throws InvalidParams (-32602)
// with a message naming the param. A param given as null counts as absent.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ipc/method_table.hpp"

namespace eport::ipc {

/// A text param, absent -> std::nullopt.
std::optional<std::string> optional_string(const nlohmann::json& params, const std::string& name);
/// A text param that must be given.
std::string required_string(const nlohmann::json& params, const std::string& name);
/// An integer param in [min, max], absent -> std::nullopt.
std::optional<std::int64_t> optional_integer(const nlohmann::json& params, const std::string& name,
                                             std::int64_t min, std::int64_t max);
/// `value` (param `name`, or an item of it) as an integer in [min, max]. Anything else — a
/// fraction (even 5.0), a string, an overflowing or huge number, a value out of range — throws
/// InvalidParams naming the param and the range. Every integer read from a request goes here.
std::int64_t integer_value(const nlohmann::json& value, const std::string& name, std::int64_t min,
                           std::int64_t max);
/// A boolean param, absent -> std::nullopt.
std::optional<bool> optional_bool(const nlohmann::json& params, const std::string& name);
/// A list of strings, absent -> std::nullopt.
std::optional<std::vector<std::string>> optional_string_list(const nlohmann::json& params,
                                                             const std::string& name);

}  // namespace eport::ipc

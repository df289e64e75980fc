#pragma once
// Validation of the `guidance:` section (help-desk texts in English and Chinese).

#include <nlohmann/json.hpp>

#include "config/yaml_reader.hpp"

namespace eport::config {

/// Reads `guidance:`; sections it leaves out keep the values of `defaults`.
nlohmann::json read_guidance(YamlReader& reader, const Field& field, nlohmann::json defaults);

}  // namespace eport::config

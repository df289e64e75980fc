#include "options.hpp"

#include <nlohmann/json.hpp>

#include "piv_error.hpp"

namespace eport::piv {

DriverOptions parse_options(const char* json_text) {
  DriverOptions options;
  if (json_text == nullptr || *json_text == '\0') return options;
  const nlohmann::json json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw PivError(EPORT_ERR_BAD_ARGS, "piv options are not a JSON object");
  }
  if (const auto it = json.find("management_key_file"); it != json.end() && !it->is_null()) {
    if (!it->is_string()) {
      throw PivError(EPORT_ERR_BAD_ARGS, "piv option management_key_file must be a file path (text)");
    }
    options.management_key_file = it->get<std::string>();
  }
  if (const auto it = json.find("cert_cache_ms"); it != json.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > 60000) {
      throw PivError(EPORT_ERR_BAD_ARGS, "piv option cert_cache_ms must be 0..60000 (milliseconds)");
    }
    options.cert_cache = std::chrono::milliseconds(it->get<long long>());
  }
  return options;
}

}  // namespace eport::piv

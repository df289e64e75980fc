#include "drivers/types.hpp"

#include <nlohmann/json.hpp>

namespace eport::drivers {

void to_json(nlohmann::json& out, const DriverInfo& info) {
  out = nlohmann::json{{"name", info.name}, {"version", info.version},
                       {"abi", info.abi},   {"library", info.library},
                       {"kind", info.kind}, {"capabilities", info.capabilities}};
}

}  // namespace eport::drivers

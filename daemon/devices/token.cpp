#include "devices/token.hpp"

namespace eport::devices {

namespace {
nlohmann::json or_null(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json Token::to_json() const {
  return nlohmann::json{{"id", id},
                        {"driver", driver},
                        {"kind", kind},
                        {"reader", reader},
                        {"serial", identity.serial},
                        {"label", identity.label},
                        {"model", identity.model},
                        {"state", state},
                        {"error", or_null(error)}};
}

nlohmann::json ReaderInfo::to_json() const {
  return nlohmann::json{
      {"name", name}, {"card_present", card_present}, {"token", or_null(token)}, {"atr", or_null(atr)}};
}

}  // namespace eport::devices

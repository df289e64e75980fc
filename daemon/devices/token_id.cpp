#include "devices/token_id.hpp"

#include <cctype>

namespace eport::devices {

namespace {
std::string sanitise(const std::string& text, bool keep_colon = false) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(std::isalnum(u) || c == '.' || c == '_' || c == '-' || (keep_colon && c == ':') ? c : '_');
  }
  return out;
}
}  // namespace

std::string token_id_for(const std::string& driver, const std::string& serial) {
  return sanitise(driver) + ":" + (serial.empty() ? std::string("unknown") : sanitise(serial));
}

std::string provider_token_id(const std::string& driver, const std::string& id, const std::string& serial) {
  if (id.empty()) return token_id_for(driver, serial);
  return sanitise(id, true);
}

std::string unidentified_token_id(const std::string& driver, const std::string& reader) {
  return sanitise(driver) + ":reader-" + sanitise(reader);
}

std::string TokenIdAllocator::acquire(const std::string& base, bool& duplicate) {
  duplicate = false;
  std::string id = base;
  for (int n = 2; used_.count(id) != 0; ++n) {
    id = base + "-" + std::to_string(n);
    duplicate = true;
  }
  used_.insert(id);
  return id;
}

void TokenIdAllocator::release(const std::string& id) { used_.erase(id); }

}  // namespace eport::devices

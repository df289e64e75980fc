#include "drivers/ops_table.hpp"

#include <algorithm>
#include <cstring>

namespace eport::drivers {

namespace {

// One capability: its bit, its name and whether the table has the function it needs.
struct Capability {
  std::uint64_t bit;
  const char* name;
  bool (*has_function)(const eport_driver_ops&);
};

constexpr Capability kCapabilities[] = {
    {EPORT_CAP_MATCH, "match", [](const eport_driver_ops& o) { return o.match != nullptr; }},
    {EPORT_CAP_IDENTIFY, "identify", [](const eport_driver_ops& o) { return o.identify != nullptr; }},
    {EPORT_CAP_PIN_STATUS, "pin_status", [](const eport_driver_ops& o) { return o.pin_status != nullptr; }},
    {EPORT_CAP_PIN_RESET, "pin_reset", [](const eport_driver_ops& o) { return o.pin_reset != nullptr; }},
    {EPORT_CAP_PIN_CHANGE, "pin_change", [](const eport_driver_ops& o) { return o.pin_change != nullptr; }},
    {EPORT_CAP_CERT_LIST, "cert_list", [](const eport_driver_ops& o) { return o.cert_list != nullptr; }},
    {EPORT_CAP_CERT_READ, "cert_read", [](const eport_driver_ops& o) { return o.cert_read != nullptr; }},
    {EPORT_CAP_CERT_WRITE, "cert_write", [](const eport_driver_ops& o) { return o.cert_write != nullptr; }},
    {EPORT_CAP_SLOT_PUBLIC_KEY, "slot_public_key",
     [](const eport_driver_ops& o) { return o.slot_public_key != nullptr; }},
    {EPORT_CAP_ENUMERATE, "enumerate", [](const eport_driver_ops& o) { return o.enumerate != nullptr; }},
    {EPORT_CAP_WAIT_CHANGE, "wait_change",
     [](const eport_driver_ops& o) { return o.wait_change != nullptr; }},
    // ABI 1.1: absent from a 1.0 table (the copy's bytes beyond its struct_size are zero).
    {EPORT_CAP_PIN_VERIFY, "pin_verify", [](const eport_driver_ops& o) { return o.pin_verify != nullptr; }},
};

constexpr std::size_t kMaxNameLength = 64;

std::string version_text(std::uint16_t major, std::uint16_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Kind-specific rules: which functions and bits each kind must or must not have.
std::string check_kind(const eport_driver_ops& ops) {
  const std::uint64_t bits = ops.capabilities;
  if (ops.kind == EPORT_KIND_CARD) {
    if ((bits & EPORT_CAP_MATCH) == 0 || ops.open_token == nullptr)
      return "a card driver needs EPORT_CAP_MATCH with match() and open_token()";
    if ((bits & (EPORT_CAP_ENUMERATE | EPORT_CAP_WAIT_CHANGE)) != 0)
      return "a card driver may not set EPORT_CAP_ENUMERATE or EPORT_CAP_WAIT_CHANGE "
             "(they are for token providers)";
  } else if (ops.kind == EPORT_KIND_TOKEN_PROVIDER) {
    if ((bits & EPORT_CAP_ENUMERATE) == 0 || ops.open_provider_token == nullptr)
      return "a token provider needs EPORT_CAP_ENUMERATE with enumerate() and "
             "open_provider_token()";
    if ((bits & EPORT_CAP_MATCH) != 0)
      return "a token provider may not set EPORT_CAP_MATCH (it is for card drivers)";
  } else {
    return "unknown driver kind " + std::to_string(ops.kind) +
           " (expected EPORT_KIND_CARD or EPORT_KIND_TOKEN_PROVIDER)";
  }
  if (ops.close_token == nullptr) return "close_token() is missing";
  return {};
}

std::string check_functions(const eport_driver_ops& ops) {
  if (ops.init == nullptr || ops.shutdown == nullptr) return "init() or shutdown() is missing";
  for (const auto& cap : kCapabilities) {
    if ((ops.capabilities & cap.bit) != 0 && !cap.has_function(ops))
      return std::string("capability \"") + cap.name + "\" is set but its function is NULL";
  }
  return check_kind(ops);
}

std::string check_name(const eport_driver_ops& ops, const std::string& expected) {
  if (ops.name == nullptr || ops.version == nullptr) return "the table has no name or version";
  const std::size_t length = strnlen(ops.name, kMaxNameLength + 1);
  if (length > kMaxNameLength) return "the driver's name is longer than 64 characters";
  if (expected != std::string(ops.name, length))
    return "the plug-in calls itself \"" + std::string(ops.name, length) + "\" but was loaded as \"" +
           expected + "\"; rename the file to eport-<its name>.so or fix the configuration";
  return {};
}

}  // namespace

const char* capability_name(std::uint64_t bit) {
  for (const auto& cap : kCapabilities) {
    if (cap.bit == bit) return cap.name;
  }
  return nullptr;
}

std::vector<std::string> capability_names(std::uint64_t bits) {
  std::vector<std::string> names;
  for (const auto& cap : kCapabilities) {
    if ((bits & cap.bit) != 0) names.emplace_back(cap.name);
  }
  return names;
}

std::uint64_t known_capabilities() {
  std::uint64_t all = 0;
  for (const auto& cap : kCapabilities) all |= cap.bit;
  return all;
}

std::string accept_ops_table(const eport_driver_ops* raw, const std::string& expected_name,
                             eport_driver_ops& copy) {
  std::memset(&copy, 0, sizeof copy);
  if (raw == nullptr) return "eport_driver_entry() returned EPORT_OK but no table";
  // Only the header is certain to exist; read it alone before trusting struct_size.
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  std::uint32_t size = 0;
  std::memcpy(&major, &raw->abi_major, sizeof major);
  std::memcpy(&minor, &raw->abi_minor, sizeof minor);
  std::memcpy(&size, &raw->struct_size, sizeof size);
  if (major != EPORT_DRIVER_ABI_MAJOR)
    return "the plug-in was built for driver ABI " + version_text(major, minor) +
           ", this eportd speaks ABI " + version_text(EPORT_DRIVER_ABI_MAJOR, EPORT_DRIVER_ABI_MINOR) +
           "; install a plug-in built for ABI major " + std::to_string(EPORT_DRIVER_ABI_MAJOR);
  if (size < EPORT_DRIVER_OPS_SIZE_1_0)
    return "the table is " + std::to_string(size) + " bytes, smaller than the " +
           std::to_string(EPORT_DRIVER_OPS_SIZE_1_0) +
           " bytes of ABI 1.0; rebuild the plug-in against include/eport/driver.h";
  std::memcpy(&copy, raw, std::min<std::size_t>(size, sizeof copy));
  copy.capabilities &= known_capabilities();
  std::string error = check_name(copy, expected_name);
  if (error.empty()) error = check_functions(copy);
  return error;
}

}  // namespace eport::drivers

// Fuzz target: the YAML configuration loader (daemon/config), all of it: YAML syntax, keys,
// types, ranges, guidance texts, driver options converted to JSON. A ConfigError is the
// loader's answer to a bad file; anything else escaping, a crash, a leak or UB is a finding.
#include <cstdint>
#include <string>

#include "config/config_error.hpp"
#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = eport::config::parse_config(text, "fuzz.yaml", "/etc/eportd");
    // As eportd serialises what it loaded: invalid UTF-8 in served texts is replaced; driver
    // options are handed to plug-ins as strict JSON, so they must dump without an exception.
    (void)config.guidance.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (const auto& driver : config.drivers) (void)driver.options.dump();
  } catch (const eport::config::ConfigError& e) {
    for (const auto& issue : e.issues()) (void)issue.to_string();
  }
  return 0;
}

// Validation of the ops table a plug-in hands over (pure: no dlopen, no I/O).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <eport/driver.h>

namespace eport::drivers {

/// Name of one EPORT_CAP_* bit ("pin_status"), or nullptr for a bit this host does not know.
const char* capability_name(std::uint64_t bit);

/// Names of the known bits set in `bits`, lowest bit first.
std::vector<std::string> capability_names(std::uint64_t bits);

/// All EPORT_CAP_* bits this host understands; other bits are ignored.
std::uint64_t known_capabilities();

/// Check the table `raw` of the plug-in expected to be named `expected_name` and copy the bytes
/// its struct_size covers into `copy` (fields beyond are zero = absent). Returns an empty string
/// when the host can use the table, else the reason it is refused and what to do.
std::string accept_ops_table(const eport_driver_ops* raw, const std::string& expected_name,
                             eport_driver_ops& copy);

}  // namespace eport::drivers

#pragma once
// Where the management key for a write comes from: the caller, or the file the options name
// (read at call time so that a rotated key needs no restart; never logged, wiped after use).

#include <cstddef>
#include <cstdint>
#include <string>

#include "bytes.hpp"

namespace eport::piv {

/// The key given with the call when `len` > 0, else the hex key in `key_file`. Throws PivError
/// MGMT_KEY_REQUIRED when neither is there or the file cannot be read or is not hex; the message
/// names the file but never its content.
SecureBytes resolve_management_key(const uint8_t* key, size_t len, const std::string& key_file);

/// Read a hex management key from `path` into `out`; false with `error` set on failure.
bool read_key_file(const std::string& path, SecureBytes& out, std::string& error);

}  // namespace eport::piv
